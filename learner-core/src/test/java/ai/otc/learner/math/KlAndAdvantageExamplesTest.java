package ai.otc.learner.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.otc.policy.model.DjlRuntime;
import org.junit.jupiter.api.Test;

/** LEARNER.md §10: the KL-estimator vectors and Example 1 (GRPO advantages, incl. the k-correct table). */
class KlAndAdvantageExamplesTest {
  /** (logprob, ref) → kl, abs, mse, low_var_kl. */
  static final double[][] VECTORS = {
      {-0.7, -1.1, 0.4, 0.4, 0.08, 0.07032004603563946},
      {-1.1, -0.7, -0.4, 0.4, 0.08, 0.09182469764127044},
      {-0.2, -11.2, 11, 11, 60.5, 10},
      {-3.0, -0.3, -2.7, 2.7, 3.645, 10}};

  @Test
  void klEstimatorVectorsInDoubleAndFloat32() {
    KlEstimator[] kinds = {KlEstimator.KL, KlEstimator.ABS, KlEstimator.MSE, KlEstimator.LOW_VAR_KL};
    try (NDManager m = DjlRuntime.engine().newBaseManager()) {
      for (double[] v : VECTORS) {
        for (int k = 0; k < 4; k++) {
          assertThat(kinds[k].value(v[0], v[1])).as("%s%s", kinds[k], java.util.Arrays.toString(v))
              .isCloseTo(v[2 + k], within(1e-12));
          float f = kinds[k].apply(m.create((float) v[0]), m.create((float) v[1])).getFloat();
          assertThat((double) f).isCloseTo(v[2 + k], within(Math.max(1e-6, 1e-5 * Math.abs(v[2 + k]))));
        }
      }
    }
  }

  @Test
  void parsesConfigNames() {
    assertThat(KlEstimator.parse("low_var_kl")).isEqualTo(KlEstimator.LOW_VAR_KL);
    assertThat(KlEstimator.parse("k3")).isEqualTo(KlEstimator.LOW_VAR_KL);
    assertThat(KlEstimator.parse("Low-Var-KL")).isEqualTo(KlEstimator.LOW_VAR_KL);
    assertThat(KlEstimator.parse("k1")).isEqualTo(KlEstimator.KL);
    assertThatThrownBy(() -> KlEstimator.parse("full")).hasMessageContaining("low_var_kl");
    assertThat(LossAggregation.parse("seq-mean-token-sum-norm")).isEqualTo(LossAggregation.SEQ_MEAN_TOKEN_SUM_NORM);
    assertThat(LossAggregation.parse("TOKEN_MEAN")).isEqualTo(LossAggregation.TOKEN_MEAN);
    assertThatThrownBy(() -> LossAggregation.parse("mean")).hasMessageContaining("token-mean");
  }

  @Test
  void example1TokenAdvantages() {
    double[][] attn = {{1, 1, 1, 1}, {1, 1, 1, 0}};
    double[][] scores = {{0, 0, 0, 1}, {0, 0, 0, 0}};
    double a = 0.7071057811879616;
    double[][] got = GrpoOutcome.tokenAdvantages(scores, attn, new Object[] {7, 7});
    double[][] want = {{a, a, a, a}, {-a, -a, -a, 0}};
    for (int i = 0; i < 2; i++) {
      for (int t = 0; t < 4; t++) {
        assertThat(got[i][t]).isCloseTo(want[i][t], within(1e-15));
      }
    }
    double[] singletons = GrpoOutcome.rowAdvantages(scores, new Object[] {7, 8});
    assertThat(singletons[0]).isCloseTo(0.9999990000010001, within(1e-15));
    assertThat(singletons[1]).isEqualTo(0.0);
  }

  @Test
  void example1GroupOfFiveWithKCorrect() {
    double[][] table = { // k, Â(correct), Â(wrong)
        {0, Double.NaN, 0}, {1, 1.7888503820087758, -0.44721259550219394}, {2, 1.0954431150139834, -0.7302954100093224},
        {3, 0.7302954100093224, -1.0954431150139834}, {4, 0.44721259550219394, -1.7888503820087762},
        {5, 0, Double.NaN}};
    for (double[] row : table) {
      int k = (int) row[0];
      double[][] s = new double[5][1];
      for (int i = 0; i < k; i++) {
        s[i][0] = 1;
      }
      double[] adv = GrpoOutcome.rowAdvantages(s, new Object[] {1, 1, 1, 1, 1});
      if (k > 0) {
        assertThat(adv[0]).as("k=%d correct", k).isCloseTo(row[1], within(1e-12));
      }
      if (k < 5) {
        assertThat(adv[4]).as("k=%d wrong", k).isCloseTo(row[2], within(1e-12));
      }
    }
  }
}
