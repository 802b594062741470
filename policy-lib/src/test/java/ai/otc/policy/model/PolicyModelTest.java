package ai.otc.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PolicyModelTest {
  static final int V = 40;

  private static float[] forwardLogits(PolicyModel m, int[] seq) {
    try (NDScope s = new NDScope()) {
      s.suppressNotUsedWarning();
      NDArray ids = PolicyModel.ids(m.manager(), new int[][] {seq}, seq.length);
      return m.forward(ids).logits().toFloatArray();
    }
  }

  @Test
  void changingALaterTokenLeavesEarlierLogitsUnchanged() {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V))) {
      Random r = new Random(1);
      int t = 24;
      int[] a = new int[t];
      for (int i = 0; i < t; i++) {
        a[i] = 3 + r.nextInt(V - 3);
      }
      for (int k : new int[] {5, 12, 23}) {
        int[] b = a.clone();
        b[k] = (a[k] + 7) % V;
        float[] la = forwardLogits(m, a);
        float[] lb = forwardLogits(m, b);
        for (int pos = 0; pos < t; pos++) {
          float maxDiff = 0;
          for (int v = 0; v < V; v++) {
            maxDiff = Math.max(maxDiff, Math.abs(la[pos * V + v] - lb[pos * V + v]));
          }
          if (pos < k) {
            assertThat(maxDiff).as("logits at %d after changing token %d", pos, k).isLessThan(1e-5f);
          } else {
            assertThat(maxDiff).as("logits at %d must see token %d", pos, k).isGreaterThan(1e-6f);
          }
        }
      }
    }
  }

  @Test
  void kvCachedStepsEqualTheFullForward() {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V))) {
      Random r = new Random(2);
      int b = 3;
      int t = 20;
      int[][] rows = new int[b][t];
      for (int[] row : rows) {
        for (int i = 0; i < t; i++) {
          row[i] = 3 + r.nextInt(V - 3);
        }
      }
      float[][] full = new float[b][];
      for (int i = 0; i < b; i++) {
        full[i] = forwardLogits(m, rows[i]);
      }
      try (KvCache cache = m.newCache(b, t)) {
        for (int pos = 0; pos < t; pos++) {
          long[] feed = new long[b];
          for (int i = 0; i < b; i++) {
            feed[i] = rows[i][pos];
          }
          try (NDScope s = new NDScope()) {
            s.suppressNotUsedWarning();
            float[] step = m.step(m.manager().create(feed, new Shape(b)), pos, cache).toFloatArray();
            for (int i = 0; i < b; i++) {
              for (int v = 0; v < V; v++) {
                assertThat(step[i * V + v]).isCloseTo(full[i][pos * V + v], org.assertj.core.data.Offset.offset(2e-4f));
              }
            }
          }
        }
      }
    }
  }

  @Test
  void valueHeadGivesOneValuePerPosition() {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V)); NDScope s = new NDScope()) {
      s.suppressNotUsedWarning();
      PolicyModel.Output o = m.forward(PolicyModel.ids(m.manager(), new int[][] {{3, 4, 5}, {6, 7, 8}}, 3));
      assertThat(o.values().getShape()).isEqualTo(new Shape(2, 3));
      assertThat(o.logits().getShape()).isEqualTo(new Shape(2, 3, V));
    }
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V).withValueHead(false)); NDScope s = new NDScope()) {
      s.suppressNotUsedWarning();
      assertThat(m.forward(PolicyModel.ids(m.manager(), new int[][] {{3, 4}}, 2)).values()).isNull();
    }
  }

  @Test
  void sameSeedSameInitialWeights() {
    try (PolicyModel a = new PolicyModel(ModelConfig.tiny(V)); PolicyModel b = new PolicyModel(ModelConfig.tiny(V))) {
      assertThat(a.weights().get("l0.attn.qkv.w")).isEqualTo(b.weights().get("l0.attn.qkv.w"));
      assertThat(a.parameters()).hasSize(ModelConfig.tiny(V).layers() * 12 + 6);
      long n = a.weights().values().stream().mapToLong(w -> w.length).sum();
      assertThat(n).isEqualTo(ModelConfig.tiny(V).parameterCount());
    }
  }

  @Test
  void trainingReducesTheLossAndLeavesNoNativeArraysBehind() {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V))) {
      LmTrainer tr = new LmTrainer(m, 0f);
      int[][] toks = new int[8][12];
      float[][] mask = new float[8][12];
      for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 12; j++) {
          toks[i][j] = 3 + (i + j) % 10;
          mask[i][j] = 1;
        }
      }
      float first = tr.step(toks, mask, 12, 1e-2f);
      int before = m.manager().getManagedArrays().size();
      float last = first;
      for (int s = 0; s < 60; s++) {
        last = tr.step(toks, mask, 12, 1e-2f);
      }
      assertThat(last).isLessThan(first * 0.3f);
      assertThat(m.manager().getManagedArrays().size()).as("no per-step leak").isEqualTo(before);
    }
  }

  @Test
  void rejectsSequencesLongerThanTheContext() {
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V)); NDScope s = new NDScope()) {
      s.suppressNotUsedWarning();
      int t = ModelConfig.tiny(V).context() + 1;
      assertThatThrownBy(() -> m.forward(PolicyModel.ids(m.manager(), new int[][] {new int[t]}, t)))
          .hasMessageContaining("exceeds context");
    }
  }
}
