package ai.otc.rollout.domain;

import ai.otc.proto.v1.ToolKind;
import ai.otc.proto.v1.ToolStatus;

/**
 * What the loop and the policy follower report; implemented over Micrometer by {@code metrics.MicrometerRolloutMetrics}
 * and by {@link #NONE} in tests, so the pure code knows no meter registry.
 */
public interface RolloutMetrics {

  /**
   * A batch was published: its trajectories, the policy-generated (loss-mask 1) tokens in them, the batch's wall time
   * (generation to commit) and its generation time (tools excluded).
   */
  default void published(long batch, int trajectories, long generatedTokens, double seconds, double generationSeconds) {}

  /** One recorded tool call of a published trajectory. */
  default void toolCall(ToolKind tool, ToolStatus status) {}

  /**
   * The gateway client's work during a batch (deltas): RPCs sent, retries after {@code UNAVAILABLE} /
   * {@code DEADLINE_EXCEEDED} and after a limit's refusal (each retry follows one back-off), and the time waited.
   */
  default void gateway(long rpcs, long transientRetries, long rateLimitRetries, double backoffMs) {}

  /** Time spent in a phase. */
  default void phase(Phase phase, long nanos) {}

  /** The batch the loop is on now. */
  default void currentBatch(long batch) {}

  /** A policy version was loaded and swapped in. */
  default void policyLoaded(long version, long nanos) {}

  /** Loading an announced version failed (it will be retried). */
  default void policyLoadFailed(long version) {}

  /** A manifest was not followed. */
  default void manifestIgnored(IgnoredManifest reason) {}

  /** A batch failed (generation or publication) and will be retried. */
  default void batchFailed() {}

  /** Reports nothing. */
  RolloutMetrics NONE = new RolloutMetrics() {};
}
