package ai.otc.rollout.metrics;

import ai.otc.proto.v1.ToolKind;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.rollout.domain.IgnoredManifest;
import ai.otc.rollout.domain.Phase;
import ai.otc.rollout.domain.RolloutMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every Prometheus series of the rollout service ({@code /q/metrics}), registered once at start so the loop only
 * increments: trajectories and policy-generated tokens published (counters, and the last batch's rates as gauges),
 * batches, tool calls by tool and status, the gateway client's RPCs, retries by cause and back-off time, the time
 * split of the loop by phase, the current batch and policy version, policy loads and ignored manifests.
 */
@ApplicationScoped
public class MicrometerRolloutMetrics implements RolloutMetrics {
  private final Counter trajectories;
  private final Counter tokens;
  private final Counter batches;
  private final Counter batchFailures;
  private final Counter rpcs;
  private final Counter transientRetries;
  private final Counter rateLimitRetries;
  private final Counter backoffSeconds;
  private final Counter loads;
  private final Counter loadFailures;
  private final Timer loadTime;
  private final Map<Phase, Timer> phases = new EnumMap<>(Phase.class);
  private final Map<ToolKind, Map<ToolStatus, Counter>> toolCalls = new EnumMap<>(ToolKind.class);
  private final Map<IgnoredManifest, Counter> ignored = new EnumMap<>(IgnoredManifest.class);
  private final AtomicLong batch = new AtomicLong(-1);
  private final AtomicLong version = new AtomicLong(-1);
  private volatile double trajectoriesPerSecond;
  private volatile double tokensPerSecond;

  @Inject
  public MicrometerRolloutMetrics(MeterRegistry registry) {
    trajectories = Counter.builder("otc.rollout.trajectories").description("Trajectories published to the rollouts topic")
        .register(registry);
    tokens = Counter.builder("otc.rollout.generated.tokens")
        .description("Policy-generated (loss-mask 1) tokens of the published trajectories").register(registry);
    batches = Counter.builder("otc.rollout.batches").description("Rollout batches published").register(registry);
    batchFailures = Counter.builder("otc.rollout.batch.failures")
        .description("Failed attempts at a batch (generation or publication), each retried").register(registry);
    Gauge.builder("otc.rollout.trajectories.per.second", this, m -> m.trajectoriesPerSecond)
        .description("Trajectories per second of the last published batch (generation to commit)").register(registry);
    Gauge.builder("otc.rollout.generated.tokens.per.second", this, m -> m.tokensPerSecond)
        .description("Policy-generated tokens per second of the last batch's generation time").register(registry);
    Gauge.builder("otc.rollout.batch", batch, AtomicLong::get).description("The batch the loop is on (-1 before the first)")
        .register(registry);
    Gauge.builder("otc.rollout.policy.version", version, AtomicLong::get)
        .description("The newest loaded policy version (-1 before the first)").register(registry);
    rpcs = Counter.builder("otc.rollout.gateway.rpcs").description("RPCs sent to the tool gateway (a BatchSearch is one)")
        .register(registry);
    transientRetries = Counter.builder("otc.rollout.gateway.retries").tag("cause", "unavailable")
        .description("Gateway RPCs retried, each after one back-off").register(registry);
    rateLimitRetries = Counter.builder("otc.rollout.gateway.retries").tag("cause", "rate-limited")
        .description("Gateway RPCs retried, each after one back-off").register(registry);
    backoffSeconds = Counter.builder("otc.rollout.gateway.backoff").baseUnit("seconds")
        .description("Time the gateway client waited before retries (back-pressure and outages)").register(registry);
    for (ToolKind k : new ToolKind[] {ToolKind.TOOL_KIND_SEARCH, ToolKind.TOOL_KIND_CODE}) {
      Map<ToolStatus, Counter> byStatus = new EnumMap<>(ToolStatus.class);
      for (ToolStatus s : ToolStatus.values()) {
        if (s != ToolStatus.UNRECOGNIZED) {
          byStatus.put(s, Counter.builder("otc.rollout.tool.calls").tag("tool", wire(k.name(), "TOOL_KIND_"))
              .tag("status", wire(s.name(), "TOOL_STATUS_")).description("Tool calls recorded in published trajectories")
              .register(registry));
        }
      }
      toolCalls.put(k, byStatus);
    }
    for (Phase p : Phase.values()) {
      phases.put(p, Timer.builder("otc.rollout.phase").tag("phase", p.tag())
          .description("Where the loop's time goes, per batch: waiting for the learner, generation, tools, publication")
          .register(registry));
    }
    loads = Counter.builder("otc.rollout.policy.loads").tag("outcome", "loaded").description("Policy version loads")
        .register(registry);
    loadFailures = Counter.builder("otc.rollout.policy.loads").tag("outcome", "failed").description("Policy version loads")
        .register(registry);
    loadTime = Timer.builder("otc.rollout.policy.load").description("Time to read, verify and build a policy version")
        .register(registry);
    for (IgnoredManifest r : IgnoredManifest.values()) {
      ignored.put(r, Counter.builder("otc.rollout.policy.manifests.ignored").tag("reason", r.tag())
          .description("Policy manifests not followed").register(registry));
    }
  }

  /** {@code TOOL_STATUS_RATE_LIMITED} → {@code rate-limited}. */
  static String wire(String enumName, String prefix) {
    return enumName.substring(prefix.length()).toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public void published(long b, int n, long generatedTokens, double seconds, double generationSeconds) {
    trajectories.increment(n);
    tokens.increment(generatedTokens);
    batches.increment();
    trajectoriesPerSecond = seconds > 0 ? n / seconds : 0;
    tokensPerSecond = generationSeconds > 0 ? generatedTokens / generationSeconds : 0;
  }

  @Override
  public void toolCall(ToolKind tool, ToolStatus status) {
    Map<ToolStatus, Counter> m = toolCalls.get(tool);
    Counter c = m == null ? null : m.get(status);
    if (c != null) {
      c.increment();
    }
  }

  @Override
  public void gateway(long rpcCount, long transientCount, long rateLimitCount, double backoffMs) {
    rpcs.increment(rpcCount);
    transientRetries.increment(transientCount);
    rateLimitRetries.increment(rateLimitCount);
    backoffSeconds.increment(backoffMs / 1000.0);
  }

  @Override
  public void phase(Phase phase, long nanos) {
    phases.get(phase).record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }

  @Override
  public void currentBatch(long b) {
    batch.set(b);
  }

  @Override
  public void policyLoaded(long v, long nanos) {
    version.set(v);
    loads.increment();
    loadTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void policyLoadFailed(long v) {
    loadFailures.increment();
  }

  @Override
  public void manifestIgnored(IgnoredManifest reason) {
    ignored.get(reason).increment();
  }

  @Override
  public void batchFailed() {
    batchFailures.increment();
  }
}
