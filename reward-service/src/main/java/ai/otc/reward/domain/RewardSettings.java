package ai.otc.reward.domain;

import ai.otc.core.reward.RewardConfig;
import ai.otc.reward.core.CorrectnessSource;
import ai.otc.reward.core.TimeoutPolicy;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the reward pipeline needs, independent of how it was configured (the service builds
 * it from {@code otc.reward.*}, tests build it directly).
 *
 * @param rolloutsTopic input topic (otc.rollouts.v1)
 * @param rewardedTopic output topic (otc.rewarded.v1)
 * @param dlqTopic dead-letter topic (otc.rollouts.v1.dlq)
 * @param reward the reward and its version
 * @param correctness where correctness comes from
 * @param groupTimeout how long a group may stay incomplete after its first member (wall clock)
 * @param timeoutPolicy what happens to it then
 * @param punctuateInterval how often timeouts and expired markers are checked (wall clock)
 * @param completedRetention how long a completed group's marker is kept to ignore late members
 * @param limits record sizes, the group-size cap and the caps on pending groups
 * @param runIds the runs whose trajectories are scored; empty: every run's
 */
public record RewardSettings(
    String rolloutsTopic,
    String rewardedTopic,
    String dlqTopic,
    RewardConfig reward,
    CorrectnessSource correctness,
    Duration groupTimeout,
    TimeoutPolicy timeoutPolicy,
    Duration punctuateInterval,
    Duration completedRetention,
    RewardLimits limits,
    Set<String> runIds) {

  /** Settings that score every run. */
  public RewardSettings(String rolloutsTopic, String rewardedTopic, String dlqTopic, RewardConfig reward, CorrectnessSource correctness,
      Duration groupTimeout, TimeoutPolicy timeoutPolicy, Duration punctuateInterval, Duration completedRetention, RewardLimits limits) {
    this(rolloutsTopic, rewardedTopic, dlqTopic, reward, correctness, groupTimeout, timeoutPolicy, punctuateInterval, completedRetention,
        limits, Set.of());
  }

  /** Settings with the default {@link RewardLimits}. */
  public RewardSettings(String rolloutsTopic, String rewardedTopic, String dlqTopic, RewardConfig reward, CorrectnessSource correctness,
      Duration groupTimeout, TimeoutPolicy timeoutPolicy, Duration punctuateInterval, Duration completedRetention) {
    this(rolloutsTopic, rewardedTopic, dlqTopic, reward, correctness, groupTimeout, timeoutPolicy, punctuateInterval, completedRetention,
        RewardLimits.DEFAULTS);
  }

  public RewardSettings {
    Objects.requireNonNull(limits, "limits");
    runIds = Set.copyOf(Objects.requireNonNull(runIds, "runIds"));
    Objects.requireNonNull(rolloutsTopic, "rolloutsTopic");
    Objects.requireNonNull(rewardedTopic, "rewardedTopic");
    Objects.requireNonNull(dlqTopic, "dlqTopic");
    Objects.requireNonNull(reward, "reward");
    Objects.requireNonNull(correctness, "correctness");
    Objects.requireNonNull(timeoutPolicy, "timeoutPolicy");
    requirePositive(groupTimeout, "groupTimeout");
    requirePositive(punctuateInterval, "punctuateInterval");
    requirePositive(completedRetention, "completedRetention");
  }

  /** The same settings with other limits. */
  public RewardSettings withLimits(RewardLimits newLimits) {
    return new RewardSettings(rolloutsTopic, rewardedTopic, dlqTopic, reward, correctness, groupTimeout, timeoutPolicy, punctuateInterval,
        completedRetention, newLimits, runIds);
  }

  /** The same settings scoring only {@code ids}' trajectories (empty: every run's). */
  public RewardSettings withRunIds(Set<String> ids) {
    return new RewardSettings(rolloutsTopic, rewardedTopic, dlqTopic, reward, correctness, groupTimeout, timeoutPolicy, punctuateInterval,
        completedRetention, limits, ids);
  }

  /** Whether trajectories of run {@code runId} are scored. */
  public boolean scores(String runId) {
    return runIds.isEmpty() || runIds.contains(runId);
  }

  private static void requirePositive(Duration d, String name) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration, got " + d);
    }
  }
}
