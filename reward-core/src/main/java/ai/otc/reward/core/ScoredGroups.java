package ai.otc.reward.core;

import ai.otc.core.reward.RewardConfig;
import ai.otc.proto.v1.RewardName;
import ai.otc.proto.v1.RewardSpec;

/**
 * The identity of the {@code ScoredGroup}s of otc.rewarded.v1: the deterministic id and the proto
 * view of the reward, shared by the {@link ScoredGroupWriter} (live service and {@code ./otc rescore})
 * so both write byte-identical records for the same input and state. The rest of a record's
 * determinism (member order, {@code scored_at}, {@code policy_version}) is the writer's.
 */
public final class ScoredGroups {

  private ScoredGroups() {}

  /** The deterministic output id, e.g. {@code g-17@otc-grpo:v1}. */
  public static String id(String groupId, RewardConfig config) {
    return groupId + "@" + config.label();
  }

  /** The proto view of a reward configuration. */
  public static RewardSpec spec(RewardConfig config) {
    RewardName name = switch (config.kind()) {
      case EM -> RewardName.REWARD_NAME_EM;
      case OTC_PPO -> RewardName.REWARD_NAME_OTC_PPO;
      case OTC_GRPO -> RewardName.REWARD_NAME_OTC_GRPO;
    };
    return RewardSpec.newBuilder()
        .setName(name)
        .setVersion(config.version())
        .setAlpha(config.alpha())
        .setC(config.c())
        .setWrongAnswerPolicy(config.wrongAnswerPolicy().cliName())
        .setAdditive(config.additive())
        .setAdvantageScale(config.advantageScale().cliName())
        .build();
  }
}
