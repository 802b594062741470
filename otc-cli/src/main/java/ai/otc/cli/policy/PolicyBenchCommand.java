package ai.otc.cli.policy;

import ai.djl.pytorch.jni.JniUtils;
import ai.otc.cli.OtcSubcommand;
import ai.otc.policy.bench.SpeedBench;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./otc policy-bench}: the DJL half of {@code bench/policy-bench.sh} (training and KV-cached generation tokens/s). */
@Command(name = "policy-bench", mixinStandardHelpOptions = true,
    description = {"Measure the policy model's training and batched KV-cached generation speed in DJL; prints one JSON",
        "object. bench/policy-bench.sh runs this and the same model in Python PyTorch and prints the ratios."})
public final class PolicyBenchCommand implements OtcSubcommand {
  @Option(names = "--threads", description = "PyTorch intra-op threads (default ${DEFAULT-VALUE})")
  int threads = 2;

  @Option(names = "--train-steps", description = "timed training steps (default ${DEFAULT-VALUE})")
  int trainSteps = 30;

  @Override
  public Integer call() {
    System.setProperty("ai.djl.pytorch.num_threads", String.valueOf(threads));
    SpeedBench.Settings d = SpeedBench.Settings.defaults();
    SpeedBench.Settings s = new SpeedBench.Settings(d.vocab(), d.dModel(), d.layers(), d.heads(), d.ff(), d.context(),
        d.trainBatch(), d.trainLength(), trainSteps, d.genBatches(), d.genTokens(), d.warmup());
    Map<String, Double> r = SpeedBench.run(s);
    StringBuilder sb = new StringBuilder("{\"engine\": \"djl\", \"threads\": ").append(JniUtils.getNumThreads());
    r.forEach((k, v) -> sb.append(String.format(Locale.ROOT, ", \"%s\": %.1f", k, v)));
    System.out.println(sb.append('}'));
    return 0;
  }
}
