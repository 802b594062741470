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
 * @param concurrencyRetryAfter retry-after for a concurrency refusal
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
    Duration concurrencyRetryAfter) {

  /**
   * A token bucket: {@code burst} tokens at most, {@code rate} tokens added per {@code period}
   * (greedily, i.e. spread evenly over the period).
   */
  public record BucketSpec(long rate, Duration period, long burst) {
    public BucketSpec {
      if (rate < 1 || burst < 1 || period.isZero() || period.isNegative()) {
        throw new IllegalArgumentException("bucket needs rate >= 1, burst >= 1 and a positive period, was "
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
