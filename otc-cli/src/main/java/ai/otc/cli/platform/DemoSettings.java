package ai.otc.cli.platform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.ParseResult;

/**
 * What {@code ./otc demo} runs, resolved from its flags: the demo's own defaults for the batch shape (full and
 * {@code --quick}) unless the run flags are given, the rewards in order, the seeds, and the phases it plans with their
 * first time estimates (measured on this project's 2-core machine; the clock replaces them with what it measures).
 *
 * @param steps            training steps per run
 * @param questionsPerStep B
 * @param groupSize        G
 * @param staleness        K
 * @param rewards          reward labels in run order
 * @param seeds            the seeds, each run once per reward
 * @param threads          PyTorch intra-op threads of each rollout and learner: {@code --threads}, else 1 when runs share
 *                         the machine (several JVMs with all cores each would only contend), else all cores (null)
 * @param learnerLr        the learners' {@code otc.learner.lr}: {@code --set learner:otc.learner.lr=...}, else
 *                         {@value #LEARNING_RATE} for the full demo, else (null) the learner's own default
 * @param overrides        every {@code --set} given, by part: recorded in {@code demo.json} and the report, so a run
 *                         with another setting (e.g. {@code reward:otc.reward.advantage-scale=none}) says so
 */
record DemoSettings(int steps, int questionsPerStep, int groupSize, int staleness, List<String> rewards, List<Long> seeds,
    Integer threads, String learnerLr, Map<String, Map<String, String>> overrides) {
  /**
   * 60 steps at {@link #LEARNING_RATE}: against 30 steps at the learner's 3e-4, OTC-GRPO kept more EM (0.912 vs 0.889,
   * one seed) and removed more excess calls (96 % vs 87 %); see docs/DEMO.md.
   */
  static final int STEPS = 60;
  /** The full demo's policy learning rate (the learner's default, 3e-4, moves the first decision in fewer steps). */
  static final String LEARNING_RATE = "1.5e-4";
  static final String LR_KEY = "otc.learner.lr";
  static final int QUESTIONS = 16;
  static final int GROUP = 8;
  static final int QUICK_STEPS = 6;
  static final int QUICK_QUESTIONS = 8;
  static final int QUICK_GROUP = 4;
  /** Rollouts may run one version ahead of the learner: generation and update overlap on the two cores. */
  static final int STALENESS = 1;
  /** The demo's default {@code --ready-timeout}: up to nine services start together. */
  static final int READY_TIMEOUT_SECONDS = 600;

  /** @param overrides the {@code --set} values by part (a given learner learning rate wins over the demo's) */
  static DemoSettings resolve(DemoCommand c, ParseResult parsed, Map<String, Map<String, String>> overrides) throws Refusal {
    int steps = c.steps != null ? c.steps : c.quick ? QUICK_STEPS : STEPS;
    if (steps < 1) {
      throw Refusal.usage("--steps must be at least 1, got " + steps);
    }
    if (c.seeds < 1) {
      throw Refusal.usage("--seeds must be at least 1, got " + c.seeds);
    }
    LinkedHashSet<String> rewards = new LinkedHashSet<>();
    for (String r : c.rewards) {
      String label;
      try {
        label = ai.otc.core.reward.RewardKind.parse(r.trim()).cliName();
      } catch (IllegalArgumentException e) {
        throw Refusal.usage("--rewards: " + e.getMessage());
      }
      if (!rewards.add(label)) {
        throw Refusal.usage("--rewards names " + r.trim() + " twice");
      }
    }
    if (rewards.isEmpty()) {
      throw Refusal.usage("--rewards must name at least one of em, otc-grpo, otc-ppo");
    }
    if (!List.of("train", "dev", "test").contains(c.evalSplit)) {
      throw Refusal.usage("--eval-split must be train, dev or test, got " + c.evalSplit);
    }
    int b = parsed.hasMatchedOption("--questions-per-step") ? c.run.questionsPerStep : c.quick ? QUICK_QUESTIONS : QUESTIONS;
    int g = parsed.hasMatchedOption("--group-size") ? c.run.groupSize : c.quick ? QUICK_GROUP : GROUP;
    int k = parsed.hasMatchedOption("--staleness") ? c.run.staleness : STALENESS;
    long first = parsed.hasMatchedOption("--seed") ? c.run.seed : 1;
    List<Long> seeds = new ArrayList<>();
    for (int i = 0; i < c.seeds; i++) {
      seeds.add(first + i);
    }
    Integer threads = c.run.model.threads() != null ? c.run.model.threads() : rewards.size() > 1 ? Integer.valueOf(1) : null;
    String lr = overrides.getOrDefault("learner", Map.of()).get(LR_KEY);
    if (lr == null && !c.quick) {
      lr = LEARNING_RATE;
    }
    // sorted once, as demo.json lists them
    Map<String, Map<String, String>> given = new java.util.TreeMap<>();
    overrides.forEach((part, kv) -> given.put(part, java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(kv))));
    return new DemoSettings(steps, b, g, k, List.copyOf(rewards), List.copyOf(seeds), threads, lr,
        java.util.Collections.unmodifiableMap(given));
  }

  /** {@code overrides} with the demo's learner learning rate added when it has one and {@code --set} gave none. */
  Map<String, Map<String, String>> withDemoDefaults(Map<String, Map<String, String>> overrides) {
    Map<String, Map<String, String>> all = new LinkedHashMap<>();
    overrides.forEach((part, kv) -> all.put(part, new LinkedHashMap<>(kv)));
    if (learnerLr != null) {
      all.computeIfAbsent("learner", k -> new LinkedHashMap<>()).putIfAbsent(LR_KEY, learnerLr);
    }
    return all;
  }

  /** The run id of one training run of demo {@code demoId}. */
  static String runId(String demoId, String reward, long seed) {
    return demoId + "." + reward + ".s" + seed;
  }

  /** Plans every phase on {@code clock}, with first estimates (seconds) from this project's 2-core machine. */
  DemoClock plan(DemoClock clock, String demoId) {
    clock.plan("build", "build", 2);
    clock.plan("world", "world", 1);
    clock.plan("warm start", "warm start", 2);
    clock.plan("platform", "platform", 25);
    double evalSeconds = 30;
    clock.plan("evaluate initial", "evaluate", evalSeconds);
    double stepSeconds = 0.03 * questionsPerStep * groupSize;
    for (long seed : seeds) {
      clock.plan("train seed " + seed, "train", 40 + steps * stepSeconds * rewards.size());
      for (String r : rewards) {
        clock.plan("evaluate " + runId(demoId, r, seed), "evaluate", evalSeconds);
      }
    }
    clock.plan("report", "report", 10);
    return clock;
  }

  /** {@code demo.json}'s {@code settings}. */
  Map<String, Object> toJson(RunOptions run) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("steps", steps);
    j.put("questions_per_step", questionsPerStep);
    j.put("group_size", groupSize);
    j.put("staleness", staleness);
    j.put("top_k", run.model.topK());
    j.put("device", run.model.device());
    j.put("threads", threads);
    j.put("learner_lr", learnerLr);
    j.put("overrides", overrides);
    return j;
  }
}
