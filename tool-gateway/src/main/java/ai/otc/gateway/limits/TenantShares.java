package ai.otc.gateway.limits;

import ai.otc.gateway.domain.Tool;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fairness between tenants: how many calls of each tool one tenant may have in flight at once on this
 * replica, a share of the tool's capacity ({@code otc.gateway.limits.max-tenant-share}). Without it one
 * tenant firing many slow code calls holds every concurrency permit and every sandbox slot, and every
 * other tenant's calls are refused or wait behind them; with a share below 1 the rest of the capacity
 * stays free for the others. A call over its tenant's share is refused at once (never queued), so the
 * greedy tenant gets back-pressure and the others' calls do not wait for it.
 *
 * <p>Thread-safe; the count per tenant and tool is a compare-and-set loop, so it never exceeds the cap
 * and a refused attempt leaves no trace.
 */
public final class TenantShares {
  private final Map<Tool, Integer> caps;
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();

  /** @param caps calls each tenant may have in flight per tool (each >= 1) */
  public TenantShares(Map<Tool, Integer> caps) {
    this.caps = new EnumMap<>(caps);
    for (Tool t : Tool.values()) {
      Integer c = this.caps.get(t);
      if (c == null || c < 1) {
        throw new IllegalArgumentException("per-tenant cap of tool " + t.id() + " must be >= 1, was " + c);
      }
    }
  }

  /**
   * One tenant's cap for a tool of {@code capacity} concurrent calls: {@code floor(share × capacity)},
   * at least 1 (a tenant may always run one call). A share of 1 lets one tenant take the whole capacity;
   * with capacity 1 no share can keep a slot free for others.
   *
   * @param share fraction in (0, 1]
   * @param capacity calls of the tool that can run at once (>= 1)
   */
  public static int cap(double share, int capacity) {
    if (!(share > 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in (0, 1], was " + share);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    // The epsilon absorbs binary rounding (0.29 × 100 = 28.999…96 must give 29).
    return Math.max(1, (int) Math.floor(share * capacity + 1e-9));
  }

  /** Takes one of {@code tenant}'s places for {@code tool}; false, taking nothing, when all are held. */
  public boolean tryAcquire(String tenant, Tool tool) {
    AtomicInteger n = counter(tenant, tool);
    int cap = caps.get(tool);
    while (true) {
      int c = n.get();
      if (c >= cap) {
        return false;
      }
      if (n.compareAndSet(c, c + 1)) {
        return true;
      }
    }
  }

  /** Returns a place taken by {@link #tryAcquire}; call exactly once per successful acquire. */
  public void release(String tenant, Tool tool) {
    counter(tenant, tool).decrementAndGet();
  }

  /** Calls of {@code tool} that {@code tenant} has in flight now. */
  public int inFlight(String tenant, Tool tool) {
    AtomicInteger n = inFlight.get(key(tenant, tool));
    return n == null ? 0 : n.get();
  }

  /** {@code tenant}'s cap for {@code tool}. */
  public int cap(Tool tool) {
    return caps.get(tool);
  }

  private AtomicInteger counter(String tenant, Tool tool) {
    // Tenants are the authenticated ones of the configuration, so this map stays small.
    return inFlight.computeIfAbsent(key(tenant, tool), k -> new AtomicInteger());
  }

  private static String key(String tenant, Tool tool) {
    return tenant + '\u0000' + tool.id();
  }
}
