package ai.otc.loop;

import ai.otc.core.reward.RewardConfig;
import ai.otc.core.reward.RewardKind;
import ai.otc.learner.batch.BatchStats;
import ai.otc.learner.update.UpdateConfig;
import ai.otc.learner.update.UpdateStats;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.rollout.sampling.SamplerConfig;
import ai.otc.world.Split;
import ai.otc.world.World;
import ai.otc.world.WorldIo;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * A local training run from the command line, for experiments and the bench:
 * {@code LocalRun <world dir> <policy.zip> <reward em|otc-grpo|otc-ppo> <steps> [seed] [questions-per-step] [group-size]}.
 * Prints one line per step (EM, TC, TP, mean reward, KL, per-kind calls, phase times) and, with {@code -Dout=FILE},
 * saves the final policy.
 */
public final class LocalRun {
  private LocalRun() {}

  public static void main(String[] args) {
    if (args.length < 4) {
      System.err.println("usage: LocalRun WORLD_DIR POLICY_ZIP em|otc-grpo|otc-ppo STEPS [SEED] [B] [G]");
      System.exit(2);
    }
    World world = WorldIo.read(Path.of(args[0]));
    PolicyArtifact initial = PolicyArtifact.load(Path.of(args[1]));
    RewardKind kind = RewardKind.parse(args[2]);
    int steps = Integer.parseInt(args[3]);
    long seed = args.length > 4 ? Long.parseLong(args[4]) : 0;
    int b = args.length > 5 ? Integer.parseInt(args[5]) : 32;
    int g = args.length > 6 ? Integer.parseInt(args[6]) : 8;
    UpdateConfig update = kind == RewardKind.OTC_PPO ? UpdateConfig.ppoDefaults() : UpdateConfig.grpoDefaults();
    UpdateConfig.Builder tuned = update.toBuilder();
    if (System.getProperty("lr") != null) {
      tuned.lr(Double.parseDouble(System.getProperty("lr")));
    }
    if (System.getProperty("kl") != null) {
      tuned.klCoef(Double.parseDouble(System.getProperty("kl")));
    }
    if (System.getProperty("mini-batches") != null) {
      tuned.miniBatches(Integer.parseInt(System.getProperty("mini-batches")));
    }
    update = tuned.build();
    SamplerConfig sampler = new SamplerConfig(g, 1f, 1f, 4, 3, 1, 0);
    LocalLoop.Settings settings = new LocalLoop.Settings("local", seed, b, sampler, RewardConfig.paper(kind), update,
        System.getProperty("device", "cpu"));
    PrintStream out = System.out;
    try (InProcessTools tools = new InProcessTools(world.corpus());
        LocalLoop loop = new LocalLoop(initial, world.split(Split.TRAIN), tools, settings)) {
      DecisionProbe probe = new DecisionProbe(DecisionProbe.sample(world.split(Split.TRAIN), 40), initial.tokenizer());
      out.println("step 0  p(direct) " + format(probe.directProbability(loop.policy())));
      for (int s = 0; s < steps; s++) {
        LocalLoop.StepReport r = loop.step();
        out.println(line(r) + "  p(direct)" + format(probe.directProbability(loop.policy())));
      }
      String file = System.getProperty("out");
      if (file != null) {
        loop.snapshot(Map.of("reward", args[2], "steps", steps, "seed", seed)).save(Path.of(file));
      }
    }
  }

  private static String format(Map<String, Double> p) {
    StringBuilder b = new StringBuilder();
    p.forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.3f", k, v)));
    return b.toString();
  }

  /** One progress line of a step. */
  static String line(LocalLoop.StepReport r) {
    BatchStats s = r.batch().stats();
    UpdateStats u = r.update();
    StringBuilder kinds = new StringBuilder();
    s.perKind().forEach((k, v) -> kinds.append(String.format(Locale.ROOT, " %s %.2f/%.2f", k, v.em(), v.tc())));
    LocalLoop.Timing t = r.timing();
    return String.format(Locale.ROOT,
        "step %d  EM %.3f  TC %.3f  TP %s  reward %.3f  kl %.4f  ent %.3f  clip %.3f  gnorm %.2f  skipped %d |%s |"
            + " gen %.0f tools %.0f reward %.0f update %.0f ms",
        r.step(), s.em(), s.tc(), s.tp().isPresent() ? String.format(Locale.ROOT, "%.3f", s.tp().getAsDouble()) : "-",
        s.meanReward(), u.kl(), u.entropy(), u.clipFraction(), u.gradNorm(), u.groupsSkipped(), kinds,
        t.generationMs(), t.toolMs(), t.rewardMs(), t.updateMs());
  }
}
