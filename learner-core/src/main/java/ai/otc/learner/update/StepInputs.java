package ai.otc.learner.update;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.otc.learner.batch.Sample;
import ai.otc.learner.math.Gae;
import ai.otc.learner.math.KlReward;
import ai.otc.learner.math.Masked;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.ReferencePolicy;
import ai.otc.policy.model.ValueModel;
import java.util.List;

/**
 * The constants of one training step, per sample and response token, computed once before any optimizer step
 * (package-private): log πold of the ratio, log πref, importance weights, advantages, and for PPO the critic's old
 * values and the returns. Computed without a graph, in chunks of the micro-batch size.
 */
final class StepInputs {
  final List<Sample> samples;
  /** log πold of the ratio (the rollout's, the recomputed, or the proximal one for a corrected sample). */
  final float[][] old;
  final float[][] ref;
  /** Importance weights (null: all 1). */
  float[][] weights;
  final float[][] advantages;
  float[][] valuesOld;
  float[][] returns;
  double rewardKl;
  int corrected;
  double weightMean;

  private StepInputs(List<Sample> samples) {
    this.samples = samples;
    int n = samples.size();
    this.old = new float[n][];
    this.ref = new float[n][];
    this.advantages = new float[n][];
  }

  static StepInputs prepare(List<Sample> samples, PolicyModel actor, ReferencePolicy reference, ValueModel critic,
      UpdateConfig c) {
    StepInputs in = new StepInputs(samples);
    float tau = (float) c.temperature();
    int chunk = c.microBatchSize();
    float[][] current = null;
    boolean anyCorrected = samples.stream().anyMatch(Sample::importanceCorrected);
    if (c.oldLogProbs() == OldLogProbs.RECOMPUTE || anyCorrected) {
      current = ResponseScorer.logProbs(actor, samples, tau, chunk);
    }
    in.referenceLogProbs(reference, tau, chunk);
    double wSum = 0;
    long wCount = 0;
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      if (s.importanceCorrected()) {
        // decoupled PPO: ratio against the proximal (current) policy, weight min(π_prox / π_behav, cap)
        if (in.weights == null) {
          in.weights = new float[samples.size()][];
        }
        float[] w = new float[s.responseLength()];
        for (int t = 0; t < w.length; t++) {
          if (s.lossMask()[t] == 1) {
            w[t] = (float) Math.min(Math.exp((double) current[i][t] - s.oldLogProbs()[t]), c.importanceCap());
            wSum += w[t];
            wCount++;
          }
        }
        in.weights[i] = w;
        in.old[i] = current[i];
        in.corrected++;
      } else {
        in.old[i] = c.oldLogProbs() == OldLogProbs.RECOMPUTE ? current[i] : s.oldLogProbs();
      }
    }
    if (in.weights != null) {
      for (int i = 0; i < samples.size(); i++) {
        if (in.weights[i] == null) {
          in.weights[i] = ones(samples.get(i).responseLength());
        }
      }
    }
    in.weightMean = wCount == 0 ? 0 : wSum / wCount;
    if (c.algorithm() == Algorithm.GRPO) {
      for (int i = 0; i < samples.size(); i++) {
        float[] a = new float[samples.get(i).responseLength()];
        java.util.Arrays.fill(a, (float) samples.get(i).advantage());
        in.advantages[i] = a;
      }
    } else {
      in.ppoTargets(critic, c);
    }
    return in;
  }

  private void referenceLogProbs(ReferencePolicy reference, float tau, int chunk) {
    int step = chunk <= 0 ? Math.max(1, samples.size()) : chunk;
    for (int from = 0; from < samples.size(); from += step) {
      List<Sample> part = samples.subList(from, Math.min(samples.size(), from + step));
      float[][] lp = reference.logProbs(part.stream().map(Sample::tokens).toList(), tau);
      for (int k = 0; k < part.size(); k++) {
        Sample s = part.get(k);
        // reference rows use the rollout layout: entry j = log π(token j | tokens < j)
        ref[from + k] = java.util.Arrays.copyOfRange(lp[k], s.promptLength(), s.tokens().length);
      }
    }
  }

  /** PPO: old values, KL-in-reward, GAE over each response, returns, and advantages whitened over the batch. */
  private void ppoTargets(ValueModel critic, UpdateConfig c) {
    if (critic == null) {
      throw new IllegalStateException("PPO needs a critic");
    }
    int n = samples.size();
    valuesOld = new float[n][];
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    for (int[] part : Columns.chunks(all, c.microBatchSize())) {
      Columns cols = new Columns(samples, part);
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDArray v = critic.values(cols.ids(critic.model().manager()), cols.lengths(), false);
        cols.read(v.toFloatArray(), cols.width, valuesOld);
      }
    }
    double[][] scores = new double[n][];
    double[][] oldD = new double[n][];
    double[][] refD = new double[n][];
    double[][] mask = new double[n][];
    double[][] vD = new double[n][];
    for (int i = 0; i < n; i++) {
      Sample s = samples.get(i);
      int len = s.responseLength();
      scores[i] = new double[len];
      scores[i][len - 1] = s.reward();
      oldD[i] = toDouble(old[i]);
      refD[i] = toDouble(ref[i]);
      vD[i] = toDouble(valuesOld[i]);
      mask[i] = new double[len];
      for (int t = 0; t < len; t++) {
        mask[i][t] = s.lossMask()[t];
      }
    }
    KlReward.Result kr = KlReward.apply(scores, oldD, refD, mask, c.klInRewardCoef(), c.klInRewardEstimator());
    rewardKl = kr.meanKl();
    Gae.Result g = Gae.compute(kr.rewards(), vD, c.gamma(), c.lambda());
    double[][] attn = new double[n][];
    long tokens = 0;
    for (int i = 0; i < n; i++) {
      attn[i] = new double[g.advantages()[i].length];
      java.util.Arrays.fill(attn[i], 1);
      tokens += attn[i].length;
    }
    double[][] white = tokens >= 2 ? Masked.whiten(g.advantages(), attn) : g.advantages();
    returns = new float[n][];
    for (int i = 0; i < n; i++) {
      advantages[i] = toFloat(white[i]);
      returns[i] = toFloat(g.returns()[i]);
    }
  }

  private static float[] ones(int n) {
    float[] f = new float[n];
    java.util.Arrays.fill(f, 1f);
    return f;
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  private static float[] toFloat(double[] d) {
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }
}
