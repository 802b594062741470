package ai.otc.rollout.loop;

import ai.otc.rollout.domain.RolloutMetrics;
import ai.otc.rollout.gateway.GatewayStats;
import ai.otc.rollout.gateway.GatewayToolBackend;
import ai.otc.rollout.policy.LoadedPolicy;
import ai.otc.rollout.sampling.GroupSampler;
import ai.otc.rollout.sampling.SampledBatch;
import ai.otc.rollout.sampling.SamplerConfig;
import ai.otc.world.Question;
import java.util.List;
import java.util.Objects;

/**
 * The service's {@link BatchSampler}: rollout-core's {@code GroupSampler} over the policy version of the batch, with
 * every tool call sent to the tool gateway by the one {@link GatewayToolBackend} (never in-process), and the gateway
 * client's counters reported per batch (RPCs, retries, back-off time).
 */
public final class GatewaySampling implements BatchSampler {
  private final String runId;
  private final long seed;
  private final SamplerConfig config;
  private final GatewayToolBackend gateway;
  private final RolloutMetrics metrics;

  /**
   * @param runId   the run
   * @param seed    the run's seed
   * @param config  G, temperature, top-p, turn limits, top-k
   * @param gateway the gateway client (owned by the caller)
   */
  public GatewaySampling(String runId, long seed, SamplerConfig config, GatewayToolBackend gateway, RolloutMetrics metrics) {
    this.runId = Objects.requireNonNull(runId, "runId");
    this.seed = seed;
    this.config = Objects.requireNonNull(config, "config");
    this.gateway = Objects.requireNonNull(gateway, "gateway");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  @Override
  public SampledBatch sample(LoadedPolicy policy, long batch, List<Question> questions) {
    GatewayStats.Snapshot before = gateway.stats().snapshot();
    try {
      GroupSampler sampler = new GroupSampler(policy.model(), policy.tokenizer(), gateway, config);
      return sampler.sample(runId, batch, policy.version(), questions, seed);
    } finally {
      GatewayStats.Snapshot after = gateway.stats().snapshot();
      metrics.gateway(after.rpcs() - before.rpcs(), after.transientRetries() - before.transientRetries(),
          after.rateLimitRetries() - before.rateLimitRetries(), after.backoffMs() - before.backoffMs());
    }
  }
}
