package ai.otc.gateway.limits;

import ai.otc.gateway.domain.Tool;
import java.time.Duration;
import java.util.Map;

/**
 * The numbers the {@link LimitService} enforces, independent of how they were configured (the
 * gateway builds it from {@code otc.gateway.limits.*}, tests build it directly).
 *
 * @param shadow count and meter refusals without refusing
 * @param buckets default token bucket per tool
 * @param tenantBuckets per-tenant overrides (tenant → tool → bucket)
 * @param maxConcurrency calls of each tool in flight at once on this replica
 * @param costUnits cost a call of each tool charges to the budget
 * @param budgetUnits cost units per tenant per window
 * @param tenantBudgetUnits per-tenant budget overrides
 * @param budgetWindow the budget window
 * @param concurrencyRetryAfter retry-after for a concurrency refusal (also for a tenant-share refusal)
 * @param tenantMaxConcurrency calls of each tool one tenant may have in flight at once on this replica
 *     (its share of the tool's capacity, see {@link TenantShares#cap})
 */
public record LimitPolicy(
    boolean shadow,
    Map<Tool, BucketSpec> buckets,
    Map<String, Map<Tool, BucketSpec>> tenantBuckets,
    Map<Tool, Integer> maxConcurrency,
    Map<Tool, Double> costUnits,
    double budgetUnits,
    Map<String, Double> tenantBudgetUnits,
    Duration budgetWindow,
    Duration concurrencyRetryAfter,
    Map<Tool, Integer> tenantMaxConcurrency) {

  public LimitPolicy {
    // Bucket4j refills at most 1 token per nanosecond; budgets count milli-units, so check here, at start,
    // rather than failing the first call.
    checkBudget("otc.gateway.limits.budget.units", budgetUnits, budgetWindow);
    for (Map.Entry<String, Double> e : tenantBudgetUnits.entrySet()) {
      checkBudget("otc.gateway.limits.tenants." + e.getKey() + ".budget-units", e.getValue(), budgetWindow);
    }
  }

  private static void checkBudget(String key, double units, Duration window) {
    if (units <= 0 || units * 1000 / window.toNanos() > 1.0) {
      throw new IllegalArgumentException(key + " must be > 0 and at most " + window.toNanos() / 1000
          + " per otc.gateway.limits.budget.window (" + window + "), was " + units);
    }
  }

  /**
   * A token bucket: {@code burst} tokens at most, {@code rate} tokens added per {@code period}
   * (greedily, i.e. spread evenly over the period).
   */
  public record BucketSpec(long rate, Duration period, long burst) {
    public BucketSpec {
      if (rate < 1 || burst < 1 || period.isZero() || period.isNegative() || rate > period.toNanos()) {
        throw new IllegalArgumentException("bucket needs rate >= 1 (at most 1 per ns), burst >= 1 and a positive period, was "
            + rate + "/" + period + " burst " + burst);
      }
    }
  }

  /** The bucket that applies to {@code tenant} calling {@code tool}. */
  public BucketSpec bucket(String tenant, Tool tool) {
    Map<Tool, BucketSpec> o = tenantBuckets.get(tenant);
    if (o != null && o.containsKey(tool)) {
      return o.get(tool);
    }
    return buckets.get(tool);
  }

  /** The budget of {@code tenant} per window. */
  public double budget(String tenant) {
    return tenantBudgetUnits.getOrDefault(tenant, budgetUnits);
  }
}
