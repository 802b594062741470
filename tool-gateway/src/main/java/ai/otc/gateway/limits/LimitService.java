package ai.otc.gateway.limits;

import ai.otc.gateway.domain.Admission;
import ai.otc.gateway.domain.Refusal;
import ai.otc.gateway.domain.Tool;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission control of every tool call of the {@code Search}, {@code BatchSearch} and
 * {@code ExecuteCode} RPCs, and the standing reported by {@code GetQuota}:
 *
 * <ul>
 *   <li>a Bucket4j token bucket per tenant × tool (rate and burst),
 *   <li>a concurrency cap per tool (all tenants, this replica) on the calls that run: every search, and a code call
 *       that leads a sandbox run (a code call answered from the cache or joined to an identical run runs nothing and
 *       takes no permit: {@link #admitCharge}),
 *   <li>a per-tenant share of that concurrency ({@link TenantShares}), so one tenant cannot hold every permit,
 *   <li>a Bucket4j cost budget per tenant per window (in milli-units, so fractional costs are exact).
 * </ul>
 *
 * A refused call consumes nothing (tokens taken by an earlier check are returned), so shadow mode,
 * which lets refused calls through, sees exactly the refusals enforce mode would make. The clock is a
 * Bucket4j {@link TimeMeter} so tests control time. Limits are per replica: the gateway routes each
 * tenant to one replica (see {@code ai.otc.contract.TenantRing}), which makes them global.
 */
public final class LimitService {
  private static final long MILLI = 1000;
  private static final Runnable NO_PERMIT = () -> {};

  private final LimitPolicy policy;
  private final TimeMeter clock;
  private final Map<String, Bucket> rateBuckets = new ConcurrentHashMap<>();
  private final Map<String, Bucket> budgets = new ConcurrentHashMap<>();
  private final Map<Tool, Semaphore> concurrency = new EnumMap<>(Tool.class);
  private final Map<Tool, AtomicLong> shadowRefusals = new EnumMap<>(Tool.class);
  private final TenantShares shares;

  public LimitService(LimitPolicy policy, TimeMeter clock) {
    this.policy = policy;
    this.clock = clock;
    this.shares = new TenantShares(policy.tenantMaxConcurrency());
    for (Tool t : Tool.values()) {
      concurrency.put(t, new Semaphore(policy.maxConcurrency().get(t)));
      shadowRefusals.put(t, new AtomicLong());
    }
  }

  public LimitPolicy policy() {
    return policy;
  }

  /**
   * Checks and charges one call of {@code tool} by {@code tenant} that runs: token bucket, budget, the tenant's share
   * and the concurrency cap. Always {@link Admission#release()} the answer when the call ends (allowed or not).
   */
  public Admission admit(String tenant, Tool tool) {
    return check(tenant, tool, true);
  }

  /**
   * Checks and charges one call of {@code tool} that runs nothing of its own (a code call answered from the cache, or
   * joined to an identical run another call leads): the tenant's token bucket and budget, not the tenant's share or
   * the concurrency cap, which count runs ({@link #admit} takes them for the call that leads one). The answer holds
   * no permit; {@link Admission#release()} is a no-op.
   */
  public Admission admitCharge(String tenant, Tool tool) {
    return check(tenant, tool, false);
  }

  private Admission check(String tenant, Tool tool, boolean runs) {
    Bucket rate = rateBucket(tenant, tool);
    ConsumptionProbe rp = rate.tryConsumeAndReturnRemaining(1);
    if (!rp.isConsumed()) {
      return refuse(tool, Refusal.RATE, rp.getNanosToWaitForRefill());
    }
    long cost = cost(tool);
    Bucket budget = budget(tenant);
    ConsumptionProbe bp = cost == 0 ? null : budget.tryConsumeAndReturnRemaining(cost);
    if (bp != null && !bp.isConsumed()) {
      rate.addTokens(1);
      return refuse(tool, Refusal.BUDGET, bp.getNanosToWaitForRefill());
    }
    if (!runs) {
      return new Admission(true, null, 0, false, NO_PERMIT);
    }
    // The tenant's share before the global permit: a tenant at its share is refused without ever
    // touching the permits the other tenants need.
    if (!shares.tryAcquire(tenant, tool)) {
      giveBack(rate, budget, cost);
      return refuse(tool, Refusal.TENANT_SHARE, policy.concurrencyRetryAfter().toNanos());
    }
    Semaphore sem = concurrency.get(tool);
    if (!sem.tryAcquire()) {
      shares.release(tenant, tool);
      giveBack(rate, budget, cost);
      return refuse(tool, Refusal.CONCURRENCY, policy.concurrencyRetryAfter().toNanos());
    }
    return new Admission(true, null, 0, false, once(() -> {
      sem.release();
      shares.release(tenant, tool);
    }));
  }

  private static void giveBack(Bucket rate, Bucket budget, long cost) {
    rate.addTokens(1);
    if (cost > 0) {
      budget.addTokens(cost);
    }
  }

  private Admission refuse(Tool tool, Refusal why, long retryAfterNanos) {
    if (policy.shadow()) {
      shadowRefusals.get(tool).incrementAndGet();
      return new Admission(true, why, retryAfterNanos, true, NO_PERMIT);
    }
    return new Admission(false, why, retryAfterNanos, false, NO_PERMIT);
  }

  private static Runnable once(Runnable release) {
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        release.run();
      }
    };
  }

  /** Tokens left in {@code tenant}'s bucket for {@code tool} now. */
  public long availableTokens(String tenant, Tool tool) {
    return rateBucket(tenant, tool).getAvailableTokens();
  }

  /** Budget units left for {@code tenant} in the current window. */
  public double budgetRemaining(String tenant) {
    return budget(tenant).getAvailableTokens() / (double) MILLI;
  }

  /** Calls of {@code tool} in flight now. */
  public int concurrencyInUse(Tool tool) {
    return policy.maxConcurrency().get(tool) - concurrency.get(tool).availablePermits();
  }

  /** Calls of {@code tool} that {@code tenant} has in flight now. */
  public int tenantInFlight(String tenant, Tool tool) {
    return shares.inFlight(tenant, tool);
  }

  /** Calls shadow mode let through that enforce mode would have refused. */
  public long shadowRefusals(Tool tool) {
    return shadowRefusals.get(tool).get();
  }

  /** The standing of {@code tenant} for {@code tool}, testing (not consuming) {@code hits} calls. */
  public Standing standing(String tenant, Tool tool, long hits) {
    LimitPolicy.BucketSpec spec = policy.bucket(tenant, tool);
    Bucket rate = rateBucket(tenant, tool);
    long available = rate.getAvailableTokens();
    EstimationProbe full = rate.estimateAbilityToConsume(spec.burst());
    boolean rateOk = hits == 0 ? available > 0 : rate.estimateAbilityToConsume(hits).canBeConsumed();
    long cost = cost(tool) * Math.max(hits, 1);
    boolean budgetOk = budget(tenant).estimateAbilityToConsume(cost).canBeConsumed();
    return new Standing(tool, rateOk && budgetOk, spec.rate(), spec.period().toMillis(), available,
        TimeUnit.NANOSECONDS.toMillis(full.getNanosToWaitForRefill()), budgetRemaining(tenant),
        concurrencyInUse(tool), policy.maxConcurrency().get(tool));
  }

  /** A tenant's standing for one tool ({@code GetQuota}). */
  public record Standing(Tool tool, boolean ok, long ratePerUnit, long unitMillis, long remaining,
      long untilFullMillis, double budgetRemaining, int concurrencyInUse, int concurrencyLimit) {}

  private long cost(Tool tool) {
    return Math.round(policy.costUnits().get(tool) * MILLI);
  }

  private Bucket rateBucket(String tenant, Tool tool) {
    return rateBuckets.computeIfAbsent(tenant + '\u0000' + tool.id(), k -> {
      LimitPolicy.BucketSpec s = policy.bucket(tenant, tool);
      return Bucket.builder()
          .addLimit(Bandwidth.builder().capacity(s.burst()).refillGreedy(s.rate(), s.period()).build())
          .withCustomTimePrecision(clock)
          .build();
    });
  }

  private Bucket budget(String tenant) {
    return budgets.computeIfAbsent(tenant, k -> {
      long units = Math.round(policy.budget(tenant) * MILLI);
      // Intervally: the whole budget returns at the end of each window, as a billing window does.
      return Bucket.builder()
          .addLimit(Bandwidth.builder().capacity(units).refillIntervally(units, policy.budgetWindow()).build())
          .withCustomTimePrecision(clock)
          .build();
    });
  }
}
