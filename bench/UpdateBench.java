import ai.otc.learner.batch.Sample;
import ai.otc.learner.batch.TrainingBatch;
import ai.otc.learner.update.PolicyUpdater;
import ai.otc.learner.update.UpdateConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.ReferencePolicy;
import ai.otc.policy.store.PolicyArtifact;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The DJL half of bench/update-bench.sh: learner-core's GRPO update (PolicyUpdater, the learner service's code) on the
 * batch LocalRun wrote with -Dbench-update (bench/update_bench.py's input), on the warm start's weights (the cost does
 * not depend on their values). Prints one line per round, "djl-round SECONDS", after WARMUP untimed rounds, so the
 * shell can interleave it with PyTorch rounds under the same load.
 *
 * <p>Usage (source-launch): java -cp "otc-loop/target/classes:CP" bench/UpdateBench.java BATCH.json POLICY.zip ROUNDS
 * [WARMUP]
 */
public final class UpdateBench {
  public static void main(String[] args) throws Exception {
    JsonNode doc = new ObjectMapper().readTree(Path.of(args[0]).toFile());
    PolicyArtifact initial = PolicyArtifact.load(Path.of(args[1]));
    int rounds = Integer.parseInt(args[2]);
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    JsonNode s = doc.get("settings");
    UpdateConfig u = UpdateConfig.grpoDefaults();
    if (s.get("lr").asDouble() != u.lr() || s.get("mini").asInt() != u.miniBatches() || s.get("micro").asInt() != u.microBatchSize()) {
      throw new IllegalArgumentException("the batch's settings " + s + " are not grpoDefaults() (" + u + ")");
    }
    List<Sample> samples = new ArrayList<>();
    int i = 0;
    for (JsonNode n : doc.get("samples")) {
      int[] tokens = ints(n.get("tokens"));
      int[] mask = ints(n.get("loss_mask"));
      JsonNode olp = n.get("old_log_probs");
      float[] old = new float[olp.size()];
      for (int k = 0; k < old.length; k++) {
        old[k] = (float) olp.get(k).asDouble();
      }
      String group = "g" + n.get("group").asInt();
      samples.add(new Sample("t" + i++, group, group + "@bench", tokens, n.get("prompt_length").asInt(), mask, old,
          n.get("advantage").asDouble(), 0, false, 0, "bench", 0, 0, false));
    }
    TrainingBatch batch = TrainingBatch.ofSamples(samples, initial.modelConfig().context());
    try (PolicyModel actor = initial.newModel("cpu");
        ReferencePolicy ref = ReferencePolicy.of(initial.modelConfig(), initial.weights());
        PolicyUpdater updater = new PolicyUpdater(actor, ref, null, u)) {
      for (int r = 0; r < warmup + rounds; r++) {
        long t0 = System.nanoTime();
        updater.update(batch);
        double sec = (System.nanoTime() - t0) / 1e9;
        if (r >= warmup) {
          System.out.printf(Locale.ROOT, "djl-round %.4f%n", sec);
        }
      }
    }
  }

  private static int[] ints(JsonNode a) {
    int[] out = new int[a.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = a.get(k).asInt();
    }
    return out;
  }
}
