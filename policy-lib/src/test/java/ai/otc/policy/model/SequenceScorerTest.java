package ai.otc.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class SequenceScorerTest {
  static final float TAU = 0.7f;

  /** Independent reference: log_softmax and entropy in double from the logits of a single-row, unpadded forward. */
  private static double[][] reference(PolicyModel m, int[] row, float tau) {
    int n = row.length;
    float[] z;
    try (NDScope s = new NDScope(); Grad g = Grad.disabled()) {
      s.suppressNotUsedWarning();
      z = m.forward(PolicyModel.ids(m.manager(), new int[][] {row}, n)).logits().toFloatArray();
    }
    int v = m.config().vocabSize();
    double[] lp = new double[n - 1];
    double[] h = new double[n - 1];
    for (int j = 0; j < n - 1; j++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < v; k++) {
        max = Math.max(max, z[j * v + k] / tau);
      }
      double sum = 0;
      for (int k = 0; k < v; k++) {
        sum += Math.exp(z[j * v + k] / tau - max);
      }
      double lse = max + Math.log(sum);
      double pz = 0;
      for (int k = 0; k < v; k++) {
        double zk = z[j * v + k] / tau;
        pz += Math.exp(zk - lse) * zk;
      }
      lp[j] = z[j * v + row[j + 1]] / tau - lse;
      h[j] = lse - pz; // verl's entropy_from_logits
    }
    return new double[][] {lp, h};
  }

  private static NDArray padded(NDManager mg, List<int[]> rows, int t, int pad) {
    long[] a = new long[rows.size() * t];
    java.util.Arrays.fill(a, pad);
    for (int i = 0; i < rows.size(); i++) {
      for (int j = 0; j < rows.get(i).length; j++) {
        a[i * t + j] = rows.get(i)[j];
      }
    }
    return mg.create(a, new Shape(rows.size(), t));
  }

  @Test
  void logProbsAndEntropyEqualAHandComputationAndPaddingChangesNothing() {
    List<int[]> rows = Tiny.rows(1, 12, 7, 2, 12);
    int t = 14; // two more pad columns than the longest row
    try (PolicyModel m = Tiny.sharpModel(); NDScope s = new NDScope()) {
      s.suppressNotUsedWarning();
      int[] lens = SequenceScorer.lengths(rows);
      SequenceScorer.Scores a = SequenceScorer.score(m, padded(m.manager(), rows, t, 0), lens, TAU, true, false);
      SequenceScorer.Scores b = SequenceScorer.score(m, padded(m.manager(), rows, t, 9), lens, TAU, true, true);
      assertThat(a.logProbs().getShape()).isEqualTo(new Shape(rows.size(), t - 1));
      float[] lp = a.logProbs().toFloatArray();
      float[] h = a.entropy().toFloatArray();
      float[] mask = a.mask().toFloatArray();
      float[] lpOtherPad = b.logProbs().toFloatArray();
      float[] hOtherPad = b.entropy().toFloatArray();
      double minH = Double.MAX_VALUE;
      double maxH = 0;
      for (int i = 0; i < rows.size(); i++) {
        int[] row = rows.get(i);
        double[][] ref = reference(m, row, TAU);
        for (int j = 0; j < t - 1; j++) {
          int at = i * (t - 1) + j;
          if (j + 1 < row.length) {
            assertThat(mask[at]).isEqualTo(1f);
            assertThat((double) lp[at]).as("logp row %d pos %d", i, j).isCloseTo(ref[0][j], offset(2e-4));
            assertThat((double) h[at]).as("entropy row %d pos %d", i, j).isCloseTo(ref[1][j], offset(2e-4));
            assertThat(lpOtherPad[at]).as("another pad token changes no valid entry").isCloseTo(lp[at], offset(1e-5f));
            assertThat(hOtherPad[at]).isCloseTo(h[at], offset(1e-5f));
            minH = Math.min(minH, ref[1][j]);
            maxH = Math.max(maxH, ref[1][j]);
          } else {
            assertThat(mask[at]).isEqualTo(0f);
            assertThat(lp[at]).isEqualTo(0f);
            assertThat(h[at]).isEqualTo(0f);
            assertThat(lpOtherPad[at]).isEqualTo(0f);
          }
        }
      }
      // The distributions are far from uniform (log 40 = 3.69) and differ by position: the comparison is not vacuous.
      assertThat(maxH - minH).isGreaterThan(0.3);
      assertThat(minH).isLessThan(3.3);
    }
  }

  @Test
  void javaArrayPathMatchesTheTensorPathWithEntryZeroZero() {
    List<int[]> rows = Tiny.rows(2, 9, 4);
    try (PolicyModel m = Tiny.sharpModel()) {
      float[][] out = SequenceScorer.logProbs(m, rows, 1f);
      float[][] old = m.tokenLogProbs(rows, 1f);
      for (int i = 0; i < rows.size(); i++) {
        double[][] ref = reference(m, rows.get(i), 1f);
        assertThat(out[i]).hasSize(rows.get(i).length);
        assertThat(out[i][0]).isEqualTo(0f);
        for (int j = 1; j < out[i].length; j++) {
          assertThat((double) out[i][j]).isCloseTo(ref[0][j - 1], offset(2e-4));
          assertThat(old[i][j]).isCloseTo(out[i][j], offset(1e-5f));
        }
      }
    }
  }

  @Test
  void chunkedLogProbsKeepTheInputOrderAndAtTheCurriculaSizesTheBits() {
    // lengths out of order and repeated, so sorting and chunking both move rows around
    List<int[]> rows = Tiny.rows(5, 7, 3, 12, 2, 9, 12, 5, 4, 11, 6, 8);
    try (PolicyModel m = Tiny.sharpModel()) {
      float[][] whole = SequenceScorer.logProbs(m, rows, 1f);
      for (int maxRows : new int[] {1, 3, 4, 11, 100}) {
        float[][] chunked = SequenceScorer.logProbs(m, rows, 1f, maxRows);
        assertThat(chunked.length).isEqualTo(rows.size());
        for (int i = 0; i < rows.size(); i++) {
          assertThat(chunked[i]).as("row %d, %d rows per forward", i, maxRows).hasSize(rows.get(i).length);
          for (int j = 0; j < whole[i].length; j++) {
            // a forward of a few rows may take another kernel (1 ulp apart, measured), never another value
            assertThat(chunked[i][j]).as("row %d token %d, %d rows per forward", i, j, maxRows).isCloseTo(whole[i][j], offset(1e-5f));
          }
        }
      }
      assertThatThrownBy(() -> SequenceScorer.logProbs(m, rows, 1f, 0)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("maxRows");
    }
    // The warm start's measurements: hundreds of rows of 20-60 tokens in forwards of 96 (the last one smaller), the
    // policy's width; there the chunking must not change a bit, or the curricula (and so the weights) would differ.
    int[] lengths = new int[300];
    java.util.Random r = new java.util.Random(3);
    for (int i = 0; i < lengths.length; i++) {
      lengths[i] = 20 + r.nextInt(41);
    }
    List<int[]> many = Tiny.rows(6, lengths);
    try (PolicyModel m = new PolicyModel(new ModelConfig(Tiny.V, 128, 2, 8, 512, 64, false, "cpu", 5))) {
      float[][] whole = SequenceScorer.logProbs(m, many, 1f);
      float[][] chunked = SequenceScorer.logProbs(m, many, 1f, 96);
      for (int i = 0; i < many.size(); i++) {
        for (int j = 0; j < whole[i].length; j++) {
          assertThat(Float.floatToIntBits(chunked[i][j])).as("row %d token %d", i, j).isEqualTo(Float.floatToIntBits(whole[i][j]));
        }
      }
    }
  }

  /** loss = Σ mask·logp + 0.5 Σ mask·H over the batch, as a double. */
  private static double loss(PolicyModel m, List<int[]> rows) {
    try (NDScope s = new NDScope()) {
      s.suppressNotUsedWarning();
      SequenceScorer.Scores sc = SequenceScorer.score(m, SequenceScorer.ids(m.manager(), rows),
          SequenceScorer.lengths(rows), TAU, true, false);
      double sum = 0;
      for (float x : sc.logProbs().toFloatArray()) {
        sum += x;
      }
      for (float x : sc.entropy().toFloatArray()) {
        sum += 0.5 * x;
      }
      return sum;
    }
  }

  @Test
  void gradientsReachTheParametersAndMatchFiniteDifferences() throws Exception {
    List<int[]> rows = Tiny.rows(3, 10, 6, 8);
    ModelConfig c = Tiny.config();
    Map<String, float[]> w = Tiny.sharpWeights(c);
    String[] names = {"l0.mlp.fc.w", "tok_emb", "ln_f.g"};
    try (PolicyModel m = new PolicyModel(c, w)) {
      try (NDScope s = new NDScope(); GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
        s.suppressNotUsedWarning();
        SequenceScorer.Scores sc = SequenceScorer.score(m, SequenceScorer.ids(m.manager(), rows),
            SequenceScorer.lengths(rows), TAU, true, true);
        gc.backward(sc.logProbs().sum().add(sc.entropy().sum().mul(0.5f)));
      }
      Map<String, float[]> viaCollector = grads(m);
      Tiny.sgd(m, 0f); // zeroes the gradients
      // Same gradients from Grad.backward, on a fresh thread, without a collector.
      ExecutorService ex = Executors.newSingleThreadExecutor();
      try {
        ex.submit(() -> {
          try (NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            SequenceScorer.Scores sc = SequenceScorer.score(m, SequenceScorer.ids(m.manager(), rows),
                SequenceScorer.lengths(rows), TAU, true, true);
            try (Grad on = Grad.enabled()) {
              Grad.backward(sc.logProbs().sum().add(sc.entropy().sum().mul(0.5f)));
            }
          }
          return null;
        }).get();
      } finally {
        ex.shutdownNow();
      }
      Map<String, float[]> viaBackward = grads(m);
      for (String name : viaCollector.keySet()) {
        assertThat(viaBackward.get(name)).as(name).containsExactly(viaCollector.get(name), offset(1e-6f));
      }
      for (NDArray p : m.parameters().values()) {
        try (NDArray g = p.getGradient()) {
          assertThat(g).as("gradient exists").isNotNull();
        }
      }
      for (String name : names) {
        float[] grad;
        try (NDArray g = m.parameters().get(name).getGradient()) {
          grad = g.toFloatArray();
        }
        int k = 0;
        for (int i = 1; i < grad.length; i++) {
          if (Math.abs(grad[i]) > Math.abs(grad[k])) {
            k = i;
          }
        }
        assertThat(Math.abs(grad[k])).as("largest |grad| of %s", name).isGreaterThan(1e-2f);
        double eps = 1e-2;
        double fd = (lossWith(c, w, name, k, eps, rows) - lossWith(c, w, name, k, -eps, rows)) / (2 * eps);
        assertThat((double) grad[k]).as("d loss / d %s[%d] vs finite difference %f", name, k, fd)
            .isCloseTo(fd, offset(2e-2 * Math.abs(fd) + 2e-3));
      }
    }
  }

  private static Map<String, float[]> grads(PolicyModel m) {
    Map<String, float[]> g = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : m.parameters().entrySet()) {
      try (NDArray a = e.getValue().getGradient()) {
        g.put(e.getKey(), a.toFloatArray());
      }
    }
    return g;
  }

  private static double lossWith(ModelConfig c, Map<String, float[]> w, String name, int k, double delta,
      List<int[]> rows) {
    Map<String, float[]> shifted = new java.util.LinkedHashMap<>(w);
    float[] a = w.get(name).clone();
    a[k] += (float) delta;
    shifted.put(name, a);
    try (PolicyModel m = new PolicyModel(c, shifted)) {
      return loss(m, rows);
    }
  }

  @Test
  void gradModeIsSetOnTheCallingThreadWhateverItsState() throws Exception {
    List<int[]> rows = Tiny.rows(4, 6, 5);
    ExecutorService ex = Executors.newSingleThreadExecutor();
    try (PolicyModel m = Tiny.sharpModel()) {
      ex.submit(() -> {
        // The pitfall this guards against: a fresh (non-engine-loading) thread starts with grad mode ON.
        assertThat(Grad.isEnabled()).as("libtorch's default on a fresh thread").isTrue();
        assertThat(records(m, rows, false)).as("no-grad path on a fresh thread").isFalse();
        assertThat(Grad.isEnabled()).as("restored").isTrue();
        assertThat(records(m, rows, true)).isTrue();
        try (Grad off = Grad.disabled()) {
          assertThat(records(m, rows, true)).as("grad path on a thread whose mode is off").isTrue();
          assertThat(Grad.isEnabled()).as("restored").isFalse();
        }
        assertThat(Grad.isEnabled()).isTrue();
        float[] gen = generateLogits(m);
        assertThat(gen).isNotEmpty();
        return null;
      }).get();
    } finally {
      ex.shutdownNow();
    }
  }

  /** Whether the scores of a call require a gradient, i.e. a graph was recorded. */
  private static boolean records(PolicyModel m, List<int[]> rows, boolean withGrad) {
    try (NDScope s = new NDScope()) {
      s.suppressNotUsedWarning();
      SequenceScorer.Scores sc = SequenceScorer.score(m, SequenceScorer.ids(m.manager(), rows),
          SequenceScorer.lengths(rows), 1f, true, withGrad);
      boolean lp = Graphs.recorded(sc.logProbs());
      assertThat(Graphs.recorded(sc.entropy())).isEqualTo(lp);
      return lp;
    }
  }

  private static float[] generateLogits(PolicyModel m) {
    try (NDScope s = new NDScope(); Grad off = Grad.disabled(); KvCache cache = m.newCache(1, 4)) {
      s.suppressNotUsedWarning();
      NDArray out = m.step(m.manager().create(new long[] {5}, new Shape(1)), 0, cache);
      assertThat(Graphs.recorded(out)).isFalse();
      return out.toFloatArray();
    }
  }

  @Test
  void badInputIsRejectedWithAClearMessage() {
    try (PolicyModel m = Tiny.sharpModel(); NDScope s = new NDScope()) {
      s.suppressNotUsedWarning();
      NDArray ids = SequenceScorer.ids(m.manager(), Tiny.rows(5, 4, 3));
      assertThatThrownBy(() -> SequenceScorer.score(m, ids, new int[] {4}, 1f, false, false))
          .hasMessageContaining("lengths has 1 rows");
      assertThatThrownBy(() -> SequenceScorer.score(m, ids, new int[] {4, 5}, 1f, false, false))
          .hasMessageContaining("length of row 1 is 5");
      assertThatThrownBy(() -> SequenceScorer.score(m, ids, new int[] {4, 3}, 0f, false, false))
          .hasMessageContaining("temperature");
      assertThatThrownBy(() -> SequenceScorer.score(m, ids.toType(ai.djl.ndarray.types.DataType.INT32, false),
          new int[] {4, 3}, 1f, false, false)).hasMessageContaining("int64");
    }
  }
}
