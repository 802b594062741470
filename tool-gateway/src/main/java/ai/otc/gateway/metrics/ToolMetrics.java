package ai.otc.gateway.metrics;

import ai.otc.gateway.domain.Refusal;
import ai.otc.gateway.domain.Tool;
import ai.otc.proto.v1.ToolStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus metrics of every tool call ({@code /q/metrics}): per tool, calls by status, a latency
 * histogram, refusals by limit (and shadow), cache hits, and sandbox outcomes by status. Meters are
 * created once and kept, so the hot path only increments.
 */
public final class ToolMetrics {
  private final MeterRegistry registry;
  private final Map<Tool, Timer> latency = new EnumMap<>(Tool.class);
  private final Map<Tool, Counter> cacheHits = new EnumMap<>(Tool.class);
  private final Map<String, Counter> counters = new ConcurrentHashMap<>();

  public ToolMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (Tool t : Tool.values()) {
      latency.put(t, Timer.builder("otc.gateway.call.latency").description("Tool call latency inside the gateway")
          .tag("tool", t.id()).publishPercentileHistogram()
          // a search takes well under a millisecond: buckets from 10 µs (Micrometer's default starts at 1 ms)
          .minimumExpectedValue(java.time.Duration.ofNanos(10_000)).maximumExpectedValue(java.time.Duration.ofSeconds(120))
          .register(registry));
      cacheHits.put(t, Counter.builder("otc.gateway.cache.hits").description("Calls answered from the result cache")
          .tag("tool", t.id()).register(registry));
    }
  }

  /** One finished call (allowed, refused or failed). */
  public void call(Tool tool, ToolStatus status, long nanos) {
    counter("otc.gateway.calls", "Tool calls by outcome", "tool", tool.id(), "status", statusTag(status)).increment();
    latency.get(tool).record(nanos, TimeUnit.NANOSECONDS);
  }

  public void refusal(Tool tool, Refusal why, boolean shadow) {
    counter("otc.gateway.refusals", "Calls over a limit (shadow=true: let through in shadow mode)",
        "tool", tool.id(), "limit", why.id(), "shadow", Boolean.toString(shadow)).increment();
  }

  public void cacheHit(Tool tool) {
    cacheHits.get(tool).increment();
  }

  /** A code call that joined its tenant's identical program already running instead of running its own. */
  public void codeJoined() {
    counter("otc.gateway.code.joined", "Code calls answered by joining an identical running program of the same tenant").increment();
  }

  /** Code calls joined so far (tests, benchmark). */
  public double codeJoinedCalls() {
    Counter c = counters.get("otc.gateway.code.joined|");
    return c == null ? 0 : c.count();
  }

  public void sandbox(ToolStatus status) {
    counter("otc.gateway.sandbox.runs", "Sandboxed program runs by outcome", "status", statusTag(status)).increment();
  }

  /** Sandbox runs so far with {@code status} (tests, benchmark). */
  public double sandboxRuns(ToolStatus status) {
    Counter c = counters.get("otc.gateway.sandbox.runs|status|" + statusTag(status));
    return c == null ? 0 : c.count();
  }

  private static String statusTag(ToolStatus s) {
    return s.name().replace("TOOL_STATUS_", "").toLowerCase(java.util.Locale.ROOT);
  }

  private Counter counter(String name, String description, String... tags) {
    return counters.computeIfAbsent(name + "|" + String.join("|", tags),
        k -> Counter.builder(name).description(description).tags(tags).register(registry));
  }
}
