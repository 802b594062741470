package ai.otc.rollout.gateway;

import ai.otc.policy.tools.CallStatus;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the gateway client, for the service to turn into metrics: calls by tool and final status, retries (by
 * cause), time spent backing off, call latency (retries included) and cache hits. Thread-safe; cumulative since
 * creation; {@link #snapshot()} reads them at once.
 */
public final class GatewayStats {
  /** Tool names used as keys. */
  public static final String SEARCH = "search";
  public static final String CODE = "code";

  private final Map<String, Map<CallStatus, LongAdder>> calls = new ConcurrentHashMap<>();
  private final LongAdder transientRetries = new LongAdder();
  private final LongAdder rateLimitRetries = new LongAdder();
  private final LongAdder backoffNanos = new LongAdder();
  private final LongAdder latencyNanos = new LongAdder();
  private final LongAdder latencyCount = new LongAdder();
  private final LongAdder cacheHits = new LongAdder();
  private final LongAdder rpcs = new LongAdder();

  /**
   * Cumulative values.
   *
   * @param calls            final status counts per tool ({@code search}, {@code code})
   * @param transientRetries retries after {@code UNAVAILABLE} / {@code DEADLINE_EXCEEDED}
   * @param rateLimitRetries retries after a refusal ({@code RESOURCE_EXHAUSTED} or a {@code RATE_LIMITED} answer)
   * @param backoffMs        total time waited before retries
   * @param latencyMsTotal   sum of call latencies (first attempt to final answer)
   * @param latencyCount     calls measured
   * @param cacheHits        calls answered from the gateway's cache
   * @param rpcs             RPCs sent (a {@code BatchSearch} is one)
   */
  public record Snapshot(Map<String, Map<CallStatus, Long>> calls, long transientRetries, long rateLimitRetries,
      double backoffMs, double latencyMsTotal, long latencyCount, long cacheHits, long rpcs) {
    /** Calls of one tool with one status. */
    public long calls(String tool, CallStatus status) {
      return calls.getOrDefault(tool, Map.of()).getOrDefault(status, 0L);
    }

    /** All calls of one tool. */
    public long calls(String tool) {
      return calls.getOrDefault(tool, Map.of()).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Mean call latency in ms (0 when none). */
    public double meanLatencyMs() {
      return latencyCount == 0 ? 0 : latencyMsTotal / latencyCount;
    }
  }

  /** Counts a finished call. */
  public void recordCall(String tool, CallStatus status, double latencyMs, boolean cacheHit) {
    calls.computeIfAbsent(tool, t -> new ConcurrentHashMap<>()).computeIfAbsent(status, s -> new LongAdder())
        .increment();
    latencyNanos.add((long) (latencyMs * 1e6));
    latencyCount.increment();
    if (cacheHit) {
      cacheHits.increment();
    }
  }

  /** Counts a retry and the time waited before it. */
  public void recordRetry(boolean rateLimited, long waitedNanos) {
    (rateLimited ? rateLimitRetries : transientRetries).increment();
    backoffNanos.add(waitedNanos);
  }

  /** Counts an RPC sent. */
  public void recordRpc() {
    rpcs.increment();
  }

  /** The counters now. */
  public Snapshot snapshot() {
    Map<String, Map<CallStatus, Long>> c = new TreeMap<>();
    calls.forEach((tool, m) -> {
      Map<CallStatus, Long> byStatus = new EnumMap<>(CallStatus.class);
      m.forEach((s, n) -> byStatus.put(s, n.sum()));
      c.put(tool, Map.copyOf(byStatus));
    });
    return new Snapshot(Map.copyOf(c), transientRetries.sum(), rateLimitRetries.sum(), backoffNanos.sum() / 1e6,
        latencyNanos.sum() / 1e6, latencyCount.sum(), cacheHits.sum(), rpcs.sum());
  }
}
