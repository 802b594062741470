package ai.otc.learner.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.otc.policy.model.DjlRuntime;
import ai.otc.policy.model.Grad;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LEARNER.md §10 Example 2: GRPO policy loss with low_var_kl and entropy (SR1 and current verl), float32. */
class Example2PolicyLossTest {
  static final double A = 0.7071057811879616;
  static final double[][] ADV = {{A, A, A, A}, {-A, -A, -A, 0}};
  static final double[][] MASK = {{1, 0, 0, 1}, {1, 1, 1, 0}};
  static final double[][] OLD = {{-1.0, -0.9, -2.0, -0.5}, {-0.3, -1.2, -2.0, -5.0}};
  static final double[][] CUR = {{-0.7, -0.3, -1.0, -0.7}, {-0.3, -1.0, -0.6, -4.0}};
  static final double[][] REF = {{-1.1, -2.5, -1.5, -0.6}, {-0.4, -1.1, -1.9, -6.0}};
  static final double[][] ENT = {{1.2, 3.0, 2.0, 0.5}, {0.9, 1.1, 1.5, 2.2}};
  /** float32 against float64 expectations: LEARNER.md's stated tolerance. */
  static final double REL = 1e-5;
  static final double ABS = 1e-6;

  static NDManager m;

  @BeforeAll
  static void open() {
    m = DjlRuntime.engine().newBaseManager();
  }

  @AfterAll
  static void close() {
    m.close();
  }

  static void close(double actual, double expected) {
    assertThat(actual).isCloseTo(expected, within(Math.max(ABS, REL * Math.abs(expected))));
  }

  static PolicyLoss.Settings sr1(LossAggregation agg, float norm) {
    return new PolicyLoss.Settings(0.2, 0.2, 0, 0, agg, norm, 0.001, 0.001, KlEstimator.LOW_VAR_KL);
  }

  static PolicyLoss.Terms run(PolicyLoss.Settings s, NDArray cur) {
    return PolicyLoss.compute(cur, Arrays2.nd(m, OLD), Arrays2.nd(m, REF), Arrays2.nd(m, ADV), Arrays2.nd(m, ENT),
        Arrays2.nd(m, MASK), null, s);
  }

  @Test
  void sr1TokenMeanTermsAndTotal() {
    PolicyLoss.Terms t = run(sr1(LossAggregation.TOKEN_MEAN, 4), Arrays2.nd(m, CUR));
    close(t.pgLoss().getFloat(), 0.6021531773815341);
    close(t.clipFraction().getFloat(), 0.2);
    close(t.ppoKl().getFloat(), -0.34);
    close(t.kl().getFloat(), 0.13153951864344374);
    close(t.entropy().getFloat(), 1.04);
    close(t.total().getFloat(), 0.6012447169001774);
    close(t.total().div(4f).getFloat(), 0.15031117922504436);
    assertThat(t.clipFractionLower().getFloat()).isZero();
  }

  @Test
  void currentVerlDualClip() {
    PolicyLoss.Settings noEnt = new PolicyLoss.Settings(0.2, 0.2, 3.0, 20, LossAggregation.TOKEN_MEAN, 4, 0, 0.001,
        KlEstimator.LOW_VAR_KL);
    PolicyLoss.Terms t = run(noEnt, Arrays2.nd(m, CUR));
    close(t.pgLoss().getFloat(), 0.45292557800849115);
    close(t.clipFractionLower().getFloat(), 0.2);
    close(t.total().getFloat(), 0.45305711752713457);
    PolicyLoss.Settings withEnt = new PolicyLoss.Settings(0.2, 0.2, 3.0, 20, LossAggregation.TOKEN_MEAN, 4, 0.001,
        0.001, KlEstimator.LOW_VAR_KL);
    close(run(withEnt, Arrays2.nd(m, CUR)).total().getFloat(), 0.4520171175271346);
  }

  @Test
  void aggregationModes() {
    close(run(sr1(LossAggregation.SEQ_MEAN_TOKEN_MEAN, 4), Arrays2.nd(m, CUR)).pgLoss().getFloat(), 0.38283963230433093);
    close(run(sr1(LossAggregation.SEQ_MEAN_TOKEN_SUM, 4), Arrays2.nd(m, CUR)).pgLoss().getFloat(), 1.505382943453835);
    close(run(sr1(LossAggregation.SEQ_MEAN_TOKEN_SUM_NORM, 4), Arrays2.nd(m, CUR)).pgLoss().getFloat(),
        0.7526914717269175);
  }

  @Test
  void doubleAggregationAgreesWithTheNdArrayForm() {
    // the SR1 token losses max(L1, L2) of the example, masked entries arbitrary
    double[][] l = {{-0.848526937425554, 9, 9, -0.5789292487378145}, {0.7071057811879616, 0.8636609514539779,
        2.8674553404291, 9}};
    close(LossAggregation.TOKEN_MEAN.aggregate(l, MASK, 4), 0.6021531773815341);
    close(LossAggregation.SEQ_MEAN_TOKEN_MEAN.aggregate(l, MASK, 4), 0.38283963230433093);
    close(LossAggregation.SEQ_MEAN_TOKEN_SUM.aggregate(l, MASK, 4), 1.505382943453835);
    close(LossAggregation.SEQ_MEAN_TOKEN_SUM_NORM.aggregate(l, MASK, 4), 0.7526914717269175);
  }

  @Test
  void gradientOfPgPlusKlWithExactZerosAtMaskedPositions() {
    double[][] want = {{6.593599079287216e-05, 0, 0, -0.11580688393117802},
        {0.14144018875398515, 0.1727512228071884, 0.5736365617272131, 0}};
    NDArray cur = Arrays2.nd(m, CUR);
    cur.setRequiresGradient(true);
    PolicyLoss.Settings s = new PolicyLoss.Settings(0.2, 0.2, 0, 0, LossAggregation.TOKEN_MEAN, 4, 0, 0.001,
        KlEstimator.LOW_VAR_KL);
    try (Grad g = Grad.enabled()) {
      // entropy excluded (as the spec's gradient check); it is a constant input here anyway
      Grad.backward(PolicyLoss.compute(cur, Arrays2.nd(m, OLD), Arrays2.nd(m, REF), Arrays2.nd(m, ADV), null,
          Arrays2.nd(m, MASK), null, s).total());
    }
    double[][] grad = Arrays2.rows(cur.getGradient());
    for (int i = 0; i < 2; i++) {
      for (int t = 0; t < 4; t++) {
        if (MASK[i][t] == 0) {
          assertThat(grad[i][t]).as("masked (%d,%d)", i, t).isEqualTo(0.0);
        } else {
          close(grad[i][t], want[i][t]);
        }
      }
    }
  }

  @Test
  void importanceWeightsScaleTheTokenLosses() {
    double[][] w = {{2, 5, 5, 0.5}, {1, 1, 0.25, 7}};
    PolicyLoss.Settings s = sr1(LossAggregation.TOKEN_MEAN, 4);
    double pg = PolicyLoss.compute(Arrays2.nd(m, CUR), Arrays2.nd(m, OLD), Arrays2.nd(m, REF), Arrays2.nd(m, ADV),
        null, Arrays2.nd(m, MASK), Arrays2.nd(m, w), s).pgLoss().getFloat();
    double expected = (2 * -0.848526937425554 + 0.5 * -0.5789292487378145 + 0.7071057811879616
        + 0.8636609514539779 + 0.25 * 2.8674553404291) / 5;
    close(pg, expected);
  }
}
