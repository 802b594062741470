package ai.otc.learner.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.learner.batch.Sample;
import ai.otc.learner.batch.TrainingBatch;
import ai.otc.learner.update.PolicyUpdater;
import ai.otc.learner.update.ResponseScorer;
import ai.otc.learner.update.UpdateConfig;
import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.ReferencePolicy;
import ai.otc.policy.model.ValueModel;
import ai.otc.policy.tokenizer.WordTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trip (bit-identical weights and optimizers, exact resume), atomicity, corruption. */
class LearnerCheckpointTest {
  static final WordTokenizer TOK = WordTokenizer.forVocabulary(List.of("alpha", "beta", "gamma", "delta"), "observation");
  static final ModelConfig CFG = new ModelConfig(TOK.size(), 16, 1, 2, 32, 32, false, "cpu", 7);
  static final String TOPIC = "otc.rewarded.v1";

  @TempDir
  Path dir;

  static TrainingBatch batch(PolicyModel model, long seed) {
    Random r = new Random(seed);
    List<Sample> raw = new ArrayList<>();
    for (int k = 0; k < 6; k++) {
      int[] row = new int[10];
      for (int i = 0; i < row.length; i++) {
        row[i] = 1 + r.nextInt(TOK.size() - 1);
      }
      raw.add(new Sample("t" + k, "g" + k / 3, "g" + seed + "-" + k / 3, row, 4, new int[] {1, 1, 0, 0, 1, 1},
          new float[6], k % 2 == 0 ? 1 : -1, k % 2, k % 2 == 0, 1, "1n", 1, 0, false));
    }
    float[][] lp = ResponseScorer.logProbs(model, raw, 1f, 0);
    List<Sample> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      Sample s = raw.get(i);
      float[] old = lp[i].clone();
      for (int t = 0; t < old.length; t++) {
        old[t] *= s.lossMask()[t];
      }
      out.add(new Sample(s.trajectoryId(), s.groupId(), s.scoredGroupId(), s.tokens(), s.promptLength(), s.lossMask(),
          old, s.advantage(), s.reward(), s.correct(), s.toolCalls(), s.questionKind(), s.minCalls(), 0, false));
    }
    return TrainingBatch.ofSamples(out, CFG.context());
  }

  static LearnerCheckpoint capture(PolicyUpdater u, long offset) {
    return LearnerCheckpoint.capture(u, TOK, u.step(), Map.of(TOPIC, Map.of(0, offset, 1, offset + 3)),
        List.of("a", "b", "c"), Map.of("run_id", "R"));
  }

  @Test
  void roundTripIsBitIdenticalAndResumingTrainsExactlyAsWithoutAStop() throws IOException {
    UpdateConfig c = UpdateConfig.ppoDefaults();
    try (PolicyModel actor = new PolicyModel(CFG); ReferencePolicy ref = ReferencePolicy.copyOf(actor);
        ValueModel critic = ValueModel.fromWarmStart(CFG, actor.weights(), 3);
        PolicyUpdater u = new PolicyUpdater(actor, ref, critic, c)) {
      u.update(batch(actor, 1));
      u.update(batch(actor, 2));
      LearnerCheckpoint cp = capture(u, 40);
      LearnerCheckpoint.write(dir, cp);
      LearnerCheckpoint back = LearnerCheckpoint.read(dir).orElseThrow();
      assertThat(back.step()).isEqualTo(2);
      assertThat(back.policyVersion()).isEqualTo(2);
      assertThat(back.offsets()).isEqualTo(Map.of(TOPIC, Map.of(0, 40L, 1, 43L)));
      assertThat(back.recentGroupIds()).containsExactly("a", "b", "c");
      assertThat(back.metadata()).containsEntry("run_id", "R");
      assertThat(back.actorOptimizer()).isEqualTo(cp.actorOptimizer());
      assertThat(back.criticOptimizer()).isEqualTo(cp.criticOptimizer());
      assertThat(back.actor().toBytes()).isEqualTo(cp.actor().toBytes());
      assertThat(back.critic().toBytes()).isEqualTo(cp.critic().toBytes());
      actor.weights().forEach((k, w) -> assertThat(back.actor().weights().get(k)).as(k).isEqualTo(w));

      int live = ai.otc.policy.model.NativeArrays.live();
      assertThatThrownBy(() -> back.restore(ref, UpdateConfig.grpoDefaults(), "cpu"))
          .hasMessageContaining("GRPO takes no critic");
      assertThat(ai.otc.policy.model.NativeArrays.live()).as("a failed restore frees its models").isEqualTo(live);
      // resume in fresh models from the checkpoint and train one step; the original trains the same step
      TrainingBatch next = batch(actor, 3);
      try (LearnerCheckpoint.Restored r = back.restore(ref, c, "cpu")) {
        PolicyModel a2 = r.actor();
        ValueModel c2 = r.critic();
        PolicyUpdater u2 = r.updater();
        c2.weights().forEach((k, w) -> assertThat(w).as("critic " + k).isEqualTo(critic.weights().get(k)));
        u.update(next);
        u2.update(next);
        assertThat(u2.step()).isEqualTo(3);
        actor.weights().forEach((k, w) -> assertThat(a2.weights().get(k)).as(k).isEqualTo(w));
        critic.weights().forEach((k, w) -> assertThat(c2.weights().get(k)).as(k).isEqualTo(w));
        assertThat(LearnerCheckpoint.optimizerBytes(u2.actorOptimizer()))
            .isEqualTo(LearnerCheckpoint.optimizerBytes(u.actorOptimizer()));
      }
    }
  }

  @Test
  void aCrashBeforeTheRenameLeavesThePreviousCheckpointReadable() throws IOException {
    try (PolicyModel actor = new PolicyModel(CFG); ReferencePolicy ref = ReferencePolicy.copyOf(actor);
        ValueModel critic = ValueModel.fromWarmStart(CFG, actor.weights(), 3);
        PolicyUpdater u = new PolicyUpdater(actor, ref, critic, UpdateConfig.ppoDefaults())) {
      u.update(batch(actor, 1));
      LearnerCheckpoint.write(dir, capture(u, 10));
      u.update(batch(actor, 2));
      Path staged = CheckpointFiles.stage(dir, capture(u, 20)); // the process dies here
      assertThat(Files.isDirectory(staged)).isTrue();
      LearnerCheckpoint back = LearnerCheckpoint.read(dir).orElseThrow();
      assertThat(back.step()).isEqualTo(1);
      assertThat(back.offsets().get(TOPIC)).containsEntry(0, 10L);
      // the restarted learner writes step 2 again: the leftover and the old checkpoint are cleaned up
      LearnerCheckpoint.write(dir, capture(u, 20));
      assertThat(LearnerCheckpoint.read(dir).orElseThrow().step()).isEqualTo(2);
      try (var s = Files.list(dir)) {
        assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("step-000000000002");
      }
      assertThatThrownBy(() -> LearnerCheckpoint.write(dir, capture(u, 30)))
          .isInstanceOf(CheckpointException.class).hasMessageContaining("is not after the newest one");
    }
  }

  @Test
  void corruptCheckpointsAreReportedNamingTheFile() throws IOException {
    assertThat(LearnerCheckpoint.read(dir.resolve("none"))).isEmpty();
    assertThat(LearnerCheckpoint.read(dir)).isEmpty();
    try (PolicyModel actor = new PolicyModel(CFG); ReferencePolicy ref = ReferencePolicy.copyOf(actor);
        ValueModel critic = ValueModel.fromWarmStart(CFG, actor.weights(), 3);
        PolicyUpdater u = new PolicyUpdater(actor, ref, critic, UpdateConfig.ppoDefaults())) {
      u.update(batch(actor, 1));
      LearnerCheckpoint.write(dir, capture(u, 10));
    }
    Path cp = dir.resolve("step-000000000001");
    Path zip = cp.resolve("actor.zip");
    byte[] good = Files.readAllBytes(zip);
    byte[] flipped = good.clone();
    flipped[good.length / 2] ^= 1;
    Files.write(zip, flipped);
    assertThatThrownBy(() -> LearnerCheckpoint.read(dir)).isInstanceOf(CheckpointException.class)
        .hasMessageContaining("step-000000000001 is corrupt").hasMessageContaining("actor.zip fails its SHA-256 check");
    Files.write(zip, java.util.Arrays.copyOf(good, 100));
    assertThatThrownBy(() -> LearnerCheckpoint.read(dir)).hasMessageContaining("actor.zip has 100 bytes");
    Files.write(zip, good);
    assertThat(LearnerCheckpoint.read(dir)).isPresent();
    Files.delete(cp.resolve("critic-adamw.bin"));
    assertThatThrownBy(() -> LearnerCheckpoint.read(dir)).hasMessageContaining("critic-adamw.bin is missing");
    Files.writeString(cp.resolve("state.json"), "{not json");
    assertThatThrownBy(() -> LearnerCheckpoint.read(dir)).hasMessageContaining("state.json is not valid JSON");
    Files.delete(cp.resolve("state.json"));
    assertThatThrownBy(() -> LearnerCheckpoint.read(dir)).hasMessageContaining("state.json is missing");
  }

  @Test
  void recentIdsForgetTheOldest() {
    RecentIds r = RecentIds.of(List.of("a", "b", "c"), 2);
    assertThat(r.toList()).containsExactly("b", "c");
    assertThat(r.add("c")).isFalse();
    assertThat(r.add("d")).isTrue();
    assertThat(r.toList()).containsExactly("c", "d");
    assertThat(r.contains("b")).isFalse();
    assertThatThrownBy(() -> new RecentIds(0)).hasMessageContaining("capacity");
  }
}
