package ai.otc.loop;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.core.reward.RewardConfig;
import ai.otc.core.reward.RewardKind;
import ai.otc.learner.update.UpdateConfig;
import ai.otc.policy.eval.Evaluator;
import ai.otc.policy.eval.QuestionOutcome;
import ai.otc.policy.generation.SamplingConfig;
import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.warmstart.WarmStartConfig;
import ai.otc.policy.warmstart.WarmStartRunner;
import ai.otc.rollout.sampling.SamplerConfig;
import ai.otc.world.Question;
import ai.otc.world.Split;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * It learns: on a small world with fixed seeds, OTC-GRPO makes the policy answer the questions it can answer from its
 * own knowledge without a tool call (kinds {@code 1p} and {@code 2h0}: greedy mean calls go down), while it keeps
 * searching where it must ({@code 1n}: greedy EM does not drop). Runs the real pieces in one process (rollout-core's
 * sampler, reward-core's scorer, learner-core's updater): what the platform runs over Kafka and gRPC.
 *
 * <p>The world and warm start are small (48 entities; d 64, 2 layers, 700 steps, about 1-2 minutes on 2 cores), the
 * RL is 60 steps of 32 questions x 8 at lr 3e-4 (about 1.5 s a step). The warm start uses a minimal-call share of
 * 0.45: with the default 0.2 a policy of this size does not tell famous entities from the others at its first
 * decision (P(direct answer) 0.157 on 1p vs 0.132 on 1n), so RL first lowers every direct answer and only slowly
 * learns which ones pay (see the module README for the measurements).
 */
class LocalLoopLearnsIT {
  private static final int STEPS = 60;

  @Test
  void otcGrpoStopsCallingWhereThePolicyKnowsTheAnswer(@TempDir Path dir) {
    World world = WorldGenerator.generate(new WorldConfig(0, 48, 0.5, 40, 0, 1.0, 1.0, 20, 40, 0.1, 0.2).validate());
    WarmStartConfig warm = WarmStartConfig.builder().basic().steps(700).batchSize(96).learningRate(3e-3f).warmupSteps(60)
        .minimalShare(0.45).factShare(0.35).drillShare(0.35).decisionShare(0.0).decisionWeight(1.0).trainReadValues(true)
        .p1Oversample(2.0).topK(1).observationTag("observation").seed(0).build();
    ModelConfig model = new ModelConfig(0, 64, 2, 4, 256, 128, false, "cpu", 0);
    Path artifact = WarmStartRunner.obtain(world, model, warm, dir.resolve("cache"), false, System.out).artifact();
    PolicyArtifact initial = PolicyArtifact.load(artifact);
    List<Question> probe = world.split(Split.TRAIN).stream()
        .filter(q -> List.of("1p", "2h0", "1n").contains(q.kind().label())).toList();

    try (InProcessTools tools = new InProcessTools(world.corpus())) {
      Greedy before;
      try (PolicyModel m = initial.newModel("cpu")) {
        before = greedy(m, initial, tools, probe);
      }
      UpdateConfig update = UpdateConfig.grpoDefaults();
      LocalLoop.Settings settings = new LocalLoop.Settings("learns", 0, 32, SamplerConfig.defaults(),
          RewardConfig.paper(RewardKind.OTC_GRPO), update, "cpu");
      Greedy after;
      try (LocalLoop loop = new LocalLoop(initial, world.split(Split.TRAIN), tools, settings)) {
        for (int s = 0; s < STEPS; s++) {
          System.out.println(LocalRun.line(loop.step()));
        }
        after = greedy(loop.policy(), initial, tools, probe);
      }
      System.out.printf("before: %s%nafter:  %s%n", before, after);
      assertThat(before.callsOnKnown()).as("the warm start over-searches what it knows").isGreaterThan(0.9);
      assertThat(after.callsOnKnown()).as("greedy mean calls on 1p + 2h0 after %d OTC-GRPO steps", STEPS)
          .isLessThan(before.callsOnKnown() - 0.3);
      assertThat(after.emOnUnknown()).as("greedy EM on 1n (must search)").isGreaterThanOrEqualTo(before.emOnUnknown() - 0.05);
      assertThat(after.emOnKnown()).as("greedy EM on 1p + 2h0").isGreaterThanOrEqualTo(before.emOnKnown() - 0.1);
    }
  }

  /** Greedy outcomes on the probe questions: mean calls and EM on the kinds answerable directly and on 1n. */
  record Greedy(double callsOnKnown, double emOnKnown, double emOnUnknown, double callsOnUnknown) {}

  private static Greedy greedy(PolicyModel m, PolicyArtifact a, InProcessTools tools, List<Question> questions) {
    Evaluator eval = new Evaluator(m, new TaskFormat(a.tokenizer(), tools, 1), 4, 3, 64);
    List<QuestionOutcome> out = eval.run(questions, new SamplingConfig(0f, 1f, 0), false);
    double[] known = new double[3];
    double[] unknown = new double[3];
    for (QuestionOutcome o : out) {
      double[] acc = o.question().kind().label().equals("1n") ? unknown : known;
      acc[0] += o.toolCalls();
      acc[1] += o.correct() ? 1 : 0;
      acc[2]++;
    }
    return new Greedy(known[0] / known[2], known[1] / known[2], unknown[1] / unknown[2], unknown[0] / unknown[2]);
  }
}
