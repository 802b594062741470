package ai.otc.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.tokenizer.WordTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReferenceAndCriticTest {
  @TempDir Path tmp;

  private static float[] scores(PolicyModel m, List<int[]> rows) {
    try (NDScope s = new NDScope()) {
      s.suppressNotUsedWarning();
      return SequenceScorer.score(m, SequenceScorer.ids(m.manager(), rows), SequenceScorer.lengths(rows), 1f, false,
          false).logProbs().toFloatArray();
    }
  }

  private static float[] scores(ReferencePolicy r, PolicyModel onManagerOf, List<int[]> rows) {
    try (NDScope s = new NDScope()) {
      s.suppressNotUsedWarning();
      NDArray lp = r.logProbs(SequenceScorer.ids(onManagerOf.manager(), rows), SequenceScorer.lengths(rows), 1f);
      assertThat(Graphs.recorded(lp)).as("a reference forward never records a graph").isFalse();
      return lp.toFloatArray();
    }
  }

  /** One policy-gradient-like update of the live model: maximise Σ logp with SGD. */
  private static void trainLive(PolicyModel live, List<int[]> rows) {
    try (NDScope s = new NDScope(); GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
      s.suppressNotUsedWarning();
      SequenceScorer.Scores sc = SequenceScorer.score(live, SequenceScorer.ids(live.manager(), rows),
          SequenceScorer.lengths(rows), 1f, false, true);
      gc.backward(sc.logProbs().sum().neg());
    }
    Tiny.sgd(live, 0.05f);
  }

  @Test
  void referenceIsAFrozenCopyThatEqualsTheLiveModelAtStartAndStaysWhenItTrains() {
    List<int[]> rows = Tiny.rows(6, 9, 5, 7);
    try (PolicyModel live = Tiny.sharpModel(); ReferencePolicy ref = ReferencePolicy.copyOf(live)) {
      assertThat(ref.requiresGradient()).isFalse();
      float[] atStart = scores(live, rows);
      float[] refStart;
      try (Grad on = Grad.enabled()) { // even on a thread whose grad mode is on
        refStart = scores(ref, live, rows);
      }
      assertThat(refStart).containsExactly(atStart, offset(1e-6f));
      float[] java = ref.logProbs(rows, 1f)[0];
      assertThat(java[1]).isCloseTo(atStart[0], offset(1e-6f));

      trainLive(live, rows);
      float[] after = scores(live, rows);
      double moved = 0;
      for (int i = 0; i < after.length; i++) {
        moved = Math.max(moved, Math.abs(after[i] - atStart[i]));
      }
      assertThat(moved).as("the live policy changed").isGreaterThan(1e-2);
      assertThat(scores(ref, live, rows)).as("the reference did not").containsExactly(refStart, offset(0f));
    }
  }

  @Test
  void criticComesFromAWarmStartArtifactWithoutHeadGetsTheDocumentedFreshHeadAndTrains() {
    WordTokenizer tk = ai.otc.policy.tokenizer.TestVocabulary.tokenizer("information");
    ModelConfig c = new ModelConfig(tk.size(), 16, 1, 2, 32, 32, false, "cpu", 3);
    Path file = tmp.resolve("warm.zip");
    try (PolicyModel warm = new PolicyModel(c)) {
      PolicyArtifact.of(warm, tk, 0, Map.of()).save(file);
    }
    PolicyArtifact a = PolicyArtifact.load(file);
    assertThat(a.weights()).doesNotContainKey("value.w");
    assertThatThrownBy(() -> new PolicyModel(a.modelConfig().withValueHead(true), a.weights()))
        .as("why the factory exists").hasMessageContaining("value.w");

    long headSeed = 11;
    float[] expectedHead = new float[16];
    Random rng = new Random(headSeed);
    for (int i = 0; i < expectedHead.length; i++) {
      expectedHead[i] = (float) (rng.nextGaussian() * 0.02);
    }
    List<int[]> rows = Tiny.rows(7, 8, 3);
    for (int[] r : rows) {
      for (int j = 0; j < r.length; j++) {
        r[j] = r[j] % tk.size();
      }
    }
    try (ValueModel critic = ValueModel.fromWarmStart(a.modelConfig(), a.weights(), headSeed);
        ReferencePolicy ref = ReferencePolicy.of(a.modelConfig(), a.weights())) {
      Map<String, float[]> cw = critic.weights();
      for (Map.Entry<String, float[]> e : a.weights().entrySet()) {
        assertThat(cw.get(e.getKey())).as("trunk %s", e.getKey()).isEqualTo(e.getValue());
      }
      assertThat(cw.get("value.w")).isEqualTo(expectedHead);
      assertThat(cw.get("value.b")).containsExactly(0f);

      float[] before;
      try (NDScope s = new NDScope(); GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
        s.suppressNotUsedWarning();
        NDArray ids = SequenceScorer.ids(critic.model().manager(), rows);
        NDArray v = critic.values(ids, SequenceScorer.lengths(rows), true);
        assertThat(v.getShape()).isEqualTo(new Shape(2, 8));
        before = v.toFloatArray();
        for (int j = 3; j < 8; j++) {
          assertThat(before[8 + j]).as("padded position of row 1").isEqualTo(0f);
        }
        // Value loss against a return of 1 on every valid position.
        NDArray target = ids.getManager().create(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0},
            new Shape(2, 8));
        gc.backward(v.sub(target).square().sum().mul(0.5f));
      }
      Tiny.sgd(critic.model(), 0.05f);
      float[] after;
      try (NDScope s = new NDScope()) {
        s.suppressNotUsedWarning();
        NDArray v = critic.values(SequenceScorer.ids(critic.model().manager(), rows), SequenceScorer.lengths(rows), false);
        assertThat(Graphs.recorded(v)).isFalse();
        after = v.toFloatArray();
      }
      for (int j = 0; j < 8; j++) {
        assertThat(after[j]).as("value moved toward the return at %d", j).isGreaterThan(before[j] + 1e-3f);
      }
      assertThat(critic.weights().get("l0.mlp.fc.w")).as("the critic's trunk trained")
          .isNotEqualTo(a.weights().get("l0.mlp.fc.w"));
      // The reference built from the same artifact still has the artifact's weights (the copy is its own).
      float[] refLp = ref.logProbs(rows, 1f)[0];
      try (PolicyModel fromArtifact = a.newModel("cpu")) {
        assertThat(refLp).containsExactly(SequenceScorer.logProbs(fromArtifact, rows, 1f)[0], offset(0f));
      }
    }
  }

  @Test
  void aRestoredCriticKeepsItsTrainedHeadAndRefusesWeightsWithoutOne() {
    ModelConfig c = Tiny.config();
    Map<String, float[]> trained;
    try (ValueModel critic = ValueModel.fromWarmStart(c, Tiny.sharpWeights(c), 5)) {
      trained = critic.weights();
    }
    trained.get("value.w")[0] = 0.75f;
    trained.get("value.b")[0] = -0.25f;
    try (ValueModel back = ValueModel.restore(c, trained)) {
      back.weights().forEach((k, w) -> assertThat(w).as(k).isEqualTo(trained.get(k)));
    }
    assertThatThrownBy(() -> ValueModel.restore(c, Tiny.sharpWeights(c))).hasMessageContaining("lack the value head");
  }
}
