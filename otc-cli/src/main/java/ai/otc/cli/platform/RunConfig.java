package ai.otc.cli.platform;

import java.nio.file.Path;

/**
 * One training run, resolved from the flags: what the run-scoped services (reward, rollout, learner) are configured
 * with, and what {@code runs/ID/config.json} records.
 *
 * @param runId            the run id
 * @param reward           {@code em}, {@code otc-grpo} or {@code otc-ppo}
 * @param steps            training steps (0: until stopped)
 * @param seed             question order and sampling seed
 * @param groupSize        G
 * @param questionsPerStep B
 * @param staleness        K
 * @param world            the world folder (absolute)
 * @param worldFingerprint the world's fingerprint
 * @param initialPolicy    the verified initial policy artifact (absolute)
 * @param topK             passages per search observation (the warm start's)
 * @param device           {@code auto}, {@code cpu}, {@code gpu}, {@code gpu:N}
 * @param threads          PyTorch intra-op threads of the rollout and the learner (null: all cores)
 */
record RunConfig(String runId, String reward, int steps, long seed, int groupSize, int questionsPerStep, int staleness, Path world,
    String worldFingerprint, Path initialPolicy, int topK, String device, Integer threads) {

  /** The learner's update: GRPO for {@code em} and {@code otc-grpo}, PPO (with a critic) for {@code otc-ppo}. */
  String algorithm() {
    return reward.equals("otc-ppo") ? "ppo" : "grpo";
  }

  /** The run as {@code config.json} records it (with {@code parts}: each part's address, log and config keys). */
  java.util.Map<String, Object> toJson(java.util.Map<String, Object> parts) {
    java.util.Map<String, Object> j = new java.util.LinkedHashMap<>();
    j.put("run_id", runId);
    j.put("reward", reward);
    j.put("algorithm", algorithm());
    j.put("steps", steps);
    j.put("seed", seed);
    j.put("group_size", groupSize);
    j.put("questions_per_step", questionsPerStep);
    j.put("staleness", staleness);
    j.put("world", world.toString());
    j.put("world_fingerprint", worldFingerprint);
    j.put("initial_policy", initialPolicy.toString());
    j.put("top_k", topK);
    j.put("device", device);
    j.put("threads", threads);
    j.put("reward_application_id", rewardApplicationId());
    j.put("created", java.time.Instant.now().toString());
    j.put("parts", parts);
    return j;
  }

  /** The reward service's application id: one per run, so each run has its own consumer group and n table. */
  String rewardApplicationId() {
    return "otc-reward-" + runId;
  }
}
