package ai.otc.learner.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.otc.policy.model.DjlRuntime;
import ai.otc.policy.model.Grad;
import org.junit.jupiter.api.Test;

/** LEARNER.md §10 Example 3: KL-in-reward → GAE (γ = λ = 1) → whitening → clipped value loss (SR1 semantics). */
class Example3PpoTest {
  static final double[][] ATTN = {{1, 1, 1, 1}, {1, 1, 0, 0}};
  static final double[][] INFO = {{1, 0, 1, 1}, {1, 1, 0, 0}};
  static final double[][] SHIFT = {{1, 1, 1, 1}, {1, 1, 1, 0}};
  static final double[][] SCORES = {{0, 0, 0, 1}, {0, 0, 0, 0}};
  static final double[][] OLD = {{-0.5, -1.0, -0.2, -0.1}, {-0.4, -0.9, -3.0, 0.0}};
  static final double[][] REF = {{-0.7, -3.0, -0.1, -0.1}, {-0.6, -0.8, -1.0, 0.0}};
  static final double[][] VOLD = {{0.3, 0.4, 0.5, 0.6}, {0.2, 0.1, 0.05, 0.0}};
  static final double[][] VNEW = {{0.95, 1.2, 0.9, 0.7}, {0.0, -0.5, 0.3, 0.9}};

  static final double[][] KLD = {{0.2, 0, -0.1, 0}, {0.2, -0.1, 0, 0}};
  static final double[][] R = {{-0.0002, 0, 0.0001, 1.0}, {-0.0002, 0.0001, 0, 0}};
  static final double[][] RAW_A = {{0.6999, 0.6001, 0.5001, 0.4}, {-0.2001, -0.0999, -0.05, 0.0}};
  static final double[][] RET = {{0.9999, 1.0001, 1.0001, 1.0}, {-0.0001, 0.0001, 0.0, 0.0}};
  static final double[][] WHITE = {{1.0181207314743455, 0.7529745156665614, 0.48729694471687784, 0.22135369619624476},
      {-1.3729774070728062, -1.1067684809812233, -0.9741953730773311, -0.8413565876024893}};

  static void same(double[][] got, double[][] want, double tol) {
    for (int i = 0; i < want.length; i++) {
      for (int t = 0; t < want[i].length; t++) {
        assertThat(got[i][t]).as("(%d,%d)", i, t).isCloseTo(want[i][t], within(Math.max(tol, 1e-5 * Math.abs(want[i][t]))));
      }
    }
  }

  @Test
  void klInRewardGaeReturnsAndWhiteningInDouble() {
    KlReward.Result kr = KlReward.apply(SCORES, OLD, REF, INFO, 0.001, KlEstimator.KL);
    same(kr.kld(), KLD, 1e-12);
    same(kr.rewards(), R, 1e-12);
    assertThat(kr.meanKl()).isCloseTo(0.04166666666666666, within(1e-12));
    Gae.Result g = Gae.compute(kr.rewards(), VOLD, 1.0, 1.0);
    same(g.advantages(), RAW_A, 1e-12);
    same(g.returns(), RET, 1e-12);
    double[] mv = Masked.meanVar(g.advantages(), ATTN);
    assertThat(mv[0]).isCloseTo(0.3166833333333333, within(1e-12));
    assertThat(mv[1]).isCloseTo(0.14167400966666666, within(1e-12));
    same(Masked.whiten(g.advantages(), ATTN), WHITE, 1e-12);
    ValueLoss.Values v = ValueLoss.compute(VNEW, VOLD, RET, SHIFT, 0.5);
    assertThat(v.loss()).isCloseTo(0.03714571785714286, within(1e-12));
    assertThat(v.clipFraction()).isCloseTo(0.14285714285714285, within(1e-12));
  }

  @Test
  void ndArrayFormsInFloat32AndTheClippedEntryHasNoGradient() {
    try (NDManager m = DjlRuntime.engine().newBaseManager()) {
      NDArray[] ar = Gae.compute(Arrays2.nd(m, R), Arrays2.nd(m, VOLD), 1.0, 1.0);
      same(Arrays2.rows(ar[0]), RAW_A, 1e-6);
      same(Arrays2.rows(ar[1]), RET, 1e-6);
      same(Arrays2.rows(Masked.whiten(ar[0], Arrays2.nd(m, ATTN))), WHITE, 1e-6);
      NDArray vNew = Arrays2.nd(m, VNEW);
      vNew.setRequiresGradient(true);
      ValueLoss.Terms t;
      try (Grad g = Grad.enabled()) {
        t = ValueLoss.compute(vNew, Arrays2.nd(m, VOLD), Arrays2.nd(m, RET), Arrays2.nd(m, SHIFT), 0.5);
        Grad.backward(t.loss());
      }
      assertThat((double) t.loss().getFloat()).isCloseTo(0.03714571785714286, within(1e-6));
      assertThat((double) t.clipFraction().getFloat()).isCloseTo(0.14285714285714285, within(1e-6));
      double[][] grad = Arrays2.rows(vNew.getGradient());
      assertThat(grad[0][0]).as("(0,0) is clipped: Vclip = 0.8 wins").isEqualTo(0.0);
      assertThat(grad[1][3]).as("outside shift_r").isEqualTo(0.0);
      // unclipped entry (0,1): d/dV 0.5·(V − Ret)²/7 = (1.2 − 1.0001)/7
      assertThat(grad[0][1]).isCloseTo((1.2 - 1.0001) / 7, within(1e-6));
    }
  }

  @Test
  void gaeWithDiscountMatchesTheRecursionByHand() {
    double[][] r = {{0.0, 0.0, 1.0}};
    double[][] v = {{0.5, 0.2, 0.1}};
    Gae.Result g = Gae.compute(r, v, 0.9, 0.8);
    double d2 = 1.0 - 0.1;
    double d1 = 0.0 + 0.9 * 0.1 - 0.2;
    double d0 = 0.0 + 0.9 * 0.2 - 0.5;
    double a2 = d2;
    double a1 = d1 + 0.72 * a2;
    double a0 = d0 + 0.72 * a1;
    assertThat(g.advantages()[0]).containsExactly(new double[] {a0, a1, a2}, within(1e-12));
    assertThat(g.returns()[0]).containsExactly(new double[] {a0 + 0.5, a1 + 0.2, a2 + 0.1}, within(1e-12));
  }
}
