package ai.otc.loop;

import ai.otc.core.reward.RewardConfig;
import ai.otc.core.reward.RewardKind;
import ai.otc.learner.batch.BatchStats;
import ai.otc.learner.update.UpdateConfig;
import ai.otc.learner.update.UpdateStats;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.tools.ToolBackend;
import ai.otc.rollout.gateway.GatewayClientConfig;
import ai.otc.rollout.gateway.GatewayStats;
import ai.otc.rollout.gateway.GatewayToolBackend;
import ai.otc.rollout.sampling.SamplerConfig;
import ai.otc.tools.sandbox.SandboxConfig;
import ai.otc.world.Split;
import ai.otc.world.World;
import ai.otc.world.WorldIo;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * A local training run from the command line, for experiments and the bench:
 * {@code LocalRun <world dir> <policy.zip> <reward em|otc-grpo|otc-ppo> <steps> [seed] [questions-per-step] [group-size]}.
 * Prints one line per step (EM, TC, TP, mean reward, KL, per-kind calls, phase times) and, with {@code -Dout=FILE},
 * saves the final policy. Tools: {@code -Dtools=stand-in} (default: {@code InProcessTools}, programs evaluated in Java)
 * or {@code -Dtools=library} ({@link LibraryTools}: the gateway's search and sandbox as a library, index under
 * {@code -Dindex-dir=DIR}), the same work as the platform's tool calls without gRPC, or {@code -Dtools=gateway} (a
 * running tool gateway over gRPC, {@code -Dgateway=HOST:PORT}, bearer token in the file {@code -Dgateway-token-file}
 * (what {@code ./otc up} writes): the platform's tool path, without Kafka or the other services).
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
    LocalLoop.Settings settings = new LocalLoop.Settings("local", seed, b, sampler, RewardConfig.defaults(kind), update,
        System.getProperty("device", "cpu"));
    PrintStream out = System.out;
    try (ToolBackend tools = tools(Path.of(args[0]), world);
        LocalLoop loop = new LocalLoop(initial, world.split(Split.TRAIN), tools, settings)) {
      DecisionProbe probe = new DecisionProbe(DecisionProbe.sample(world.split(Split.TRAIN), 40), initial.tokenizer());
      out.println("tools: " + tools.name());
      out.println("step 0  p(direct) " + format(probe.directProbability(loop.policy())));
      LocalLoop.StepReport last = null;
      for (int s = 0; s < steps; s++) {
        long cpu0 = processCpuNanos();
        LocalLoop.StepReport r = loop.step();
        long cpu = processCpuNanos() - cpu0;
        last = r;
        // the step's CPU time (every thread of this JVM: the sampler, the update, the JIT, GC), beside the platform's
        out.println(line(r) + String.format(Locale.ROOT, " cpu %.0f ms", cpu / 1e6) + "  p(direct)"
            + format(probe.directProbability(loop.policy())));
      }
      if (tools instanceof GatewayToolBackend gw) {
        GatewayStats.Snapshot st = gw.stats().snapshot();
        out.printf(Locale.ROOT, "gateway client: %d RPCs, %d searches, %d programs, %d cache hits, mean call %.2f ms,"
            + " retries %d (rate-limited %d), back-off %.0f ms%n", st.rpcs(), st.calls(GatewayStats.SEARCH),
            st.calls(GatewayStats.CODE), st.cacheHits(), st.meanLatencyMs(), st.transientRetries() + st.rateLimitRetries(),
            st.rateLimitRetries(), st.backoffMs());
      }
      String bench = System.getProperty("bench-update");
      if (bench != null && last != null) {
        benchUpdate(loop, last, initial, Path.of(bench), out);
      }
      String file = System.getProperty("out");
      if (file != null) {
        loop.snapshot(Map.of("reward", args[2], "steps", steps, "seed", seed)).save(Path.of(file));
      }
    }
  }

  private static ToolBackend tools(Path worldDir, World world) {
    String kind = System.getProperty("tools", "stand-in");
    return switch (kind) {
      case "stand-in" -> new InProcessTools(world.corpus());
      case "library" -> new LibraryTools(worldDir.resolve("corpus.jsonl"),
          Path.of(System.getProperty("index-dir", worldDir.resolve("index").toString())), SandboxConfig.defaults());
      case "gateway" -> GatewayToolBackend.connect(System.getProperty("gateway", ""),
          GatewayClientConfig.of(readToken(System.getProperty("gateway-token-file", ""))));
      default -> throw new IllegalArgumentException("-Dtools must be stand-in, library or gateway, was '" + kind + "'");
    };
  }

  private static String readToken(String file) {
    if (file.isBlank()) {
      throw new IllegalArgumentException("-Dtools=gateway needs -Dgateway-token-file=FILE (./otc up writes it)");
    }
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the gateway token file " + file, e);
    }
  }

  /**
   * Writes the last step's training batch (the samples in bench/learner_reference.py's format, the model's sizes and
   * the update settings) to {@code file} for bench/update_bench.py, then times the same update 3 more times here.
   */
  private static void benchUpdate(LocalLoop loop, LocalLoop.StepReport last, PolicyArtifact initial, Path file,
      PrintStream out) {
    java.util.List<Map<String, Object>> samples = new java.util.ArrayList<>();
    java.util.Map<String, Integer> groups = new java.util.HashMap<>();
    for (ai.otc.learner.batch.Sample s : last.batch().samples()) {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("tokens", s.tokens());
      m.put("prompt_length", s.promptLength());
      m.put("loss_mask", s.lossMask());
      m.put("group", groups.computeIfAbsent(s.groupId(), k -> groups.size()));
      m.put("advantage", s.advantage());
      m.put("old_log_probs", s.oldLogProbs());
      samples.add(m);
    }
    ai.otc.policy.model.ModelConfig mc = initial.modelConfig();
    UpdateConfig u = loop.updateConfig();
    Map<String, Object> doc = new java.util.LinkedHashMap<>();
    doc.put("model", Map.of("vocab", mc.vocabSize(), "d", mc.dModel(), "layers", mc.layers(), "heads", mc.heads(),
        "ff", mc.ffDim(), "context", mc.context()));
    doc.put("settings", Map.of("lr", u.lr(), "eps", u.eps(), "mini", u.miniBatches(), "micro", u.microBatchSize(),
        "grad_clip", u.gradClip(), "entropy_coef", u.entropyCoef(), "kl_coef", u.klCoef()));
    doc.put("samples", samples);
    double java = loop.timeUpdate(last.batch(), 3);
    doc.put("java_update_seconds", java);
    try {
      new com.fasterxml.jackson.databind.ObjectMapper().writeValue(file.toFile(), doc);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot write " + file, e);
    }
    out.printf(Locale.ROOT, "update-bench: %d trajectories, DJL best of 3: %.3f s; batch written to %s%n",
        samples.size(), java, file);
  }

  /** CPU time of this process so far, all threads (the platform's parts are measured the same way, from /proc). */
  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
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
