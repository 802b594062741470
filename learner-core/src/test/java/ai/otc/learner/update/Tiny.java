package ai.otc.learner.update;

import ai.otc.learner.batch.Sample;
import ai.otc.learner.batch.TrainingBatch;
import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Tiny models and batches for the updater tests (d 16, 1 layer: DJL tests are CPU heavy here). */
final class Tiny {
  static final int V = 40;

  private Tiny() {}

  static ModelConfig config() {
    return new ModelConfig(V, 16, 1, 2, 32, 32, false, "cpu", 7);
  }

  /**
   * {@code groups} groups of {@code size} trajectories: a shared random prompt per group, random responses of varying
   * length with an observation block masked out, rewards alternating 1/0 inside a group (so advantages are ±) unless
   * {@code zeroAdvantage}, and old log-probs equal to {@code model}'s own (× the loss mask), as a rollout records them.
   */
  static List<Sample> samples(PolicyModel model, long seed, int groups, int size, boolean zeroAdvantage,
      long policyVersion, boolean corrected) {
    Random r = new Random(seed);
    List<Sample> raw = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      int p = 3 + r.nextInt(3);
      int[] prompt = tokens(r, p);
      for (int k = 0; k < size; k++) {
        int n = 5 + r.nextInt(8);
        int[] row = new int[p + n];
        System.arraycopy(prompt, 0, row, 0, p);
        System.arraycopy(tokens(r, n), 0, row, p, n);
        int[] mask = new int[n];
        java.util.Arrays.fill(mask, 1);
        mask[2] = 0;
        mask[3] = 0;
        double adv = zeroAdvantage ? 0 : (k % 2 == 0 ? 1.0 : -1.0);
        double reward = zeroAdvantage ? 1 : (k % 2 == 0 ? 1 : 0);
        raw.add(new Sample("s" + seed + "/" + g + "/" + k, "grp" + g, "grp" + seed + "-" + g + "@otc", row, p, mask,
            new float[n], adv, reward, reward == 1, k % 3, k % 2 == 0 ? "1p" : "1n", 1, policyVersion, corrected));
      }
    }
    return withOldLogProbs(model, raw, 0f);
  }

  /** The samples with old log-probs = {@code model}'s response log-probs + {@code shift}, × loss mask. */
  static List<Sample> withOldLogProbs(PolicyModel model, List<Sample> raw, float shift) {
    float[][] lp = ResponseScorer.logProbs(model, raw, 1f, 0);
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      Sample s = raw.get(i);
      float[] old = new float[s.responseLength()];
      for (int t = 0; t < old.length; t++) {
        old[t] = s.lossMask()[t] == 1 ? lp[i][t] + shift : 0f;
      }
      out.add(new Sample(s.trajectoryId(), s.groupId(), s.scoredGroupId(), s.tokens(), s.promptLength(), s.lossMask(),
          old, s.advantage(), s.reward(), s.correct(), s.toolCalls(), s.questionKind(), s.minCalls(),
          s.policyVersion(), s.importanceCorrected()));
    }
    return out;
  }

  static TrainingBatch batch(List<Sample> samples) {
    return TrainingBatch.ofSamples(samples, config().context());
  }

  private static int[] tokens(Random r, int n) {
    int[] a = new int[n];
    for (int i = 0; i < n; i++) {
      a[i] = 3 + r.nextInt(V - 3);
    }
    return a;
  }

  /** Mean response log-prob (over loss tokens) of the samples with positive / negative advantage: {pos, neg}. */
  static double[] meanLogProbBySign(PolicyModel model, List<Sample> samples) {
    float[][] lp = ResponseScorer.logProbs(model, samples, 1f, 0);
    double[] sum = new double[2];
    double[] n = new double[2];
    for (int i = 0; i < samples.size(); i++) {
      int k = samples.get(i).advantage() > 0 ? 0 : 1;
      for (int t = 0; t < lp[i].length; t++) {
        if (samples.get(i).lossMask()[t] == 1) {
          sum[k] += lp[i][t];
          n[k]++;
        }
      }
    }
    return new double[] {sum[0] / n[0], sum[1] / n[1]};
  }
}
