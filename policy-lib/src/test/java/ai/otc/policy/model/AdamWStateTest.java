package ai.otc.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link AdamWState}: a run interrupted by a checkpoint continues bit for bit like an uninterrupted one. */
class AdamWStateTest {
  static final int V = 40;

  static int[][] batch(int step) {
    int[][] toks = new int[6][10];
    for (int i = 0; i < toks.length; i++) {
      for (int j = 0; j < toks[i].length; j++) {
        toks[i][j] = 3 + (i * 7 + j * 3 + step * 5) % (V - 3);
      }
    }
    return toks;
  }

  static float[][] mask() {
    float[][] m = new float[6][10];
    for (float[] r : m) {
      java.util.Arrays.fill(r, 1f);
    }
    return m;
  }

  static float lr(int step) {
    return 3e-3f * Math.min(1f, step / 3f);
  }

  static byte[] save(AdamW opt) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    opt.save(out);
    return out.toByteArray();
  }

  @Test
  void resumedFromACheckpointContinuesBitForBit() throws IOException {
    int k = 4;
    int total = 9;
    ModelConfig cfg = ModelConfig.tiny(V);
    Map<String, float[]> uninterrupted;
    byte[] uninterruptedState;
    try (PolicyModel m = new PolicyModel(cfg)) {
      LmTrainer tr = new LmTrainer(m, 0.01f);
      for (int s = 1; s <= total; s++) {
        assertThat(tr.step(batch(s), mask(), 10, lr(s))).isFinite();
      }
      uninterrupted = m.weights();
      uninterruptedState = save(tr.optimizer());
    }
    Map<String, float[]> weightsAtK;
    byte[] stateAtK;
    try (PolicyModel m = new PolicyModel(cfg)) {
      LmTrainer tr = new LmTrainer(m, 0.01f);
      for (int s = 1; s <= k; s++) {
        tr.step(batch(s), mask(), 10, lr(s));
      }
      weightsAtK = m.weights();
      stateAtK = save(tr.optimizer());
    }
    try (PolicyModel m = new PolicyModel(cfg, weightsAtK)) {
      AdamW restored = AdamW.load(m.parameters(), new ByteArrayInputStream(stateAtK));
      assertThat(restored.steps()).isEqualTo(k);
      assertThat(restored.settings()).isEqualTo(new AdamW.Settings(0.9f, 0.98f, 1e-8f, 0.01f, LmTrainer.MAX_GRAD_NORM));
      assertThat(save(restored)).as("state survives save -> load -> save unchanged").isEqualTo(stateAtK);
      LmTrainer tr = new LmTrainer(m, restored);
      for (int s = k + 1; s <= total; s++) {
        tr.step(batch(s), mask(), 10, lr(s));
      }
      Map<String, float[]> resumed = m.weights();
      assertThat(resumed.keySet()).containsExactlyElementsOf(uninterrupted.keySet());
      for (String name : uninterrupted.keySet()) {
        assertThat(resumed.get(name)).as("weights %s bit for bit", name).isEqualTo(uninterrupted.get(name));
      }
      assertThat(save(tr.optimizer())).as("moments and step count bit for bit").isEqualTo(uninterruptedState);
      assertThat(tr.optimizer().steps()).isEqualTo(total);
    }
  }

  @Test
  void refusesAStateOfAnotherModel() throws IOException {
    byte[] state;
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V))) {
      state = save(new AdamW(m, new AdamW.Settings(0.9f, 0.999f, 1e-8f, 0f, 1f)));
    }
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V).withValueHead(false))) {
      assertThatThrownBy(() -> AdamW.load(m.parameters(), new ByteArrayInputStream(state)))
          .hasMessageContaining("parameters");
    }
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V + 1))) {
      assertThatThrownBy(() -> AdamW.load(m.parameters(), new ByteArrayInputStream(state)))
          .hasMessageContaining("tok_emb");
    }
    try (PolicyModel m = new PolicyModel(ModelConfig.tiny(V))) {
      Map<String, ai.djl.ndarray.NDArray> renamed = new LinkedHashMap<>();
      m.parameters().forEach((n, p) -> renamed.put(n.equals("pos_emb") ? "pos" : n, p));
      assertThatThrownBy(() -> AdamW.load(renamed, new ByteArrayInputStream(state))).hasMessageContaining("pos_emb");
      assertThatThrownBy(() -> AdamW.load(m.parameters(), new ByteArrayInputStream(new byte[] {0, 3, 'a', 'b', 'c'})))
          .isInstanceOf(IOException.class).hasMessageContaining("not an AdamW state");
    }
  }
}
