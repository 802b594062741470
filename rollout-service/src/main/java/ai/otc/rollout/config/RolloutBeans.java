package ai.otc.rollout.config;

import ai.otc.rollout.gateway.GatewayClientConfig;
import ai.otc.rollout.gateway.RetryPolicy;
import ai.otc.rollout.plan.QuestionPlan;
import ai.otc.rollout.sampling.SamplerConfig;
import ai.otc.world.World;
import ai.otc.world.WorldIo;
import java.nio.file.Files;

/**
 * Builds the plain components (called by {@code loop.RolloutService} when the application starts) of rollout-core from the validated {@code otc.rollout.*} mapping and checks the rules
 * across keys, at start: every refusal is an {@link IllegalArgumentException} whose message starts with the full
 * key(s) (a component's own argument error is re-thrown with the keys in front). The gateway token never appears in a
 * message.
 */
public final class RolloutBeans {

  private RolloutBeans() {}

  /** The instance index and count, and the count against the batch size. */
  public static void checkInstances(RolloutServiceConfig c) {
    if (c.instanceIndex() >= c.instanceCount()) {
      throw new IllegalArgumentException("otc.rollout.instance-index (" + c.instanceIndex()
          + ") must be below otc.rollout.instance-count (" + c.instanceCount() + ")");
    }
    if (c.instanceCount() > c.questionsPerStep()) {
      throw new IllegalArgumentException("otc.rollout.instance-count (" + c.instanceCount()
          + ") must be at most otc.rollout.questions-per-step (" + c.questionsPerStep()
          + "): an instance would get no question of any batch");
    }
    if (c.maxBackoff().compareTo(c.backoff()) < 0) {
      throw new IllegalArgumentException("otc.rollout.max-backoff (" + c.maxBackoff() + ") must be at least otc.rollout.backoff ("
          + c.backoff() + ")");
    }
  }

  /** The task world the questions come from. */
  public static World world(RolloutServiceConfig c) {
    if (!Files.isDirectory(c.world())) {
      throw new IllegalArgumentException("otc.rollout.world (" + c.world() + ") is not a directory; write one with ./otc world");
    }
    try {
      return WorldIo.read(c.world());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("otc.rollout.world (" + c.world() + "): " + e.getMessage(), e);
    }
  }

  /** This instance's question plan over the world's train split. */
  public static QuestionPlan plan(RolloutServiceConfig c, World world) {
    checkInstances(c);
    try {
      return QuestionPlan.of(world, c.seed(), c.questionsPerStep(), c.instanceIndex(), c.instanceCount());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("otc.rollout.{questions-per-step,instance-index,instance-count,world}: " + e.getMessage(), e);
    }
  }

  /** The sampler's settings. */
  public static SamplerConfig sampler(RolloutServiceConfig c) {
    try {
      return new SamplerConfig(c.groupSize(), (float) c.temperature(), (float) c.topP(), c.maxTurns(), c.maxCodeCalls(),
          c.topK(), c.maxLength());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("otc.rollout.{group-size,temperature,top-p,max-turns,max-code-calls,top-k,max-length}: "
          + e.getMessage(), e);
    }
  }

  /** The gateway client's settings (the token is checked, never echoed). */
  public static GatewayClientConfig gateway(RolloutServiceConfig c) {
    RolloutServiceConfig.Gateway g = c.gateway();
    RolloutServiceConfig.Retry r = g.retry();
    if (r.maxBackoff().compareTo(r.initialBackoff()) < 0) {
      throw new IllegalArgumentException("otc.rollout.gateway.retry.max-backoff (" + r.maxBackoff()
          + ") must be at least otc.rollout.gateway.retry.initial-backoff (" + r.initialBackoff() + ")");
    }
    if (g.codeTimeout().toMillis() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("otc.rollout.gateway.code-timeout (" + g.codeTimeout() + ") is too long");
    }
    try {
      RetryPolicy retry = new RetryPolicy(r.maxAttempts(), r.initialBackoff(), r.maxBackoff(), r.multiplier(), r.jitter(),
          r.maxRateLimitWait(), r.defaultRetryAfter());
      return new GatewayClientConfig(g.token(), g.deadline(), (int) g.codeTimeout().toMillis(), retry, g.codeParallelism(),
          g.maxBatch());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("otc.rollout.gateway.*: " + e.getMessage(), e);
    }
  }
}
