package ai.otc.learner.update;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.learner.batch.TrainingBatch;
import ai.otc.policy.model.LmTrainer;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.ReferencePolicy;
import ai.otc.policy.model.ValueModel;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Training is bit-identical whether or not the garbage collector runs between a forward and its backward pass. DJL's
 * {@code NDArray.mul(Number)} and its kin build the constant over a direct buffer and free it when the op returns,
 * while the backward node keeps it; with a thread calling {@code System.gc()} in a loop every run of this test's
 * trainings came out different (and, once in ~150 warm starts under CI load, a bit-reproducibility test failed). The
 * project builds every constant and every array from Java data through {@code OwnedArrays}; this test fails when a
 * path that records a graph goes back to DJL's borrowed memory.
 */
class GcIndependenceTest {
  @Test
  void theWarmStartsTrainerAndGrpoAndPpoUpdatesIgnoreTheGarbageCollector() throws Exception {
    String calm = train(false);
    String storm = train(true);
    assertThat(storm).as("weights after training with System.gc() in a loop").isEqualTo(calm);
  }

  /** 40 language-model steps, 4 GRPO and 4 PPO updates (with the critic); a digest of every weight afterwards. */
  private static String train(boolean gcStorm) throws Exception {
    Thread storm = gcStorm ? Thread.ofPlatform().daemon().start(GcIndependenceTest::collectForever) : null;
    try (PolicyModel lm = new PolicyModel(Tiny.config()); PolicyModel actor = new PolicyModel(Tiny.config());
        ReferencePolicy ref = ReferencePolicy.copyOf(actor);
        ValueModel critic = ValueModel.fromWarmStart(Tiny.config(), actor.weights(), 5);
        PolicyModel ppoActor = new PolicyModel(Tiny.config());
        PolicyUpdater grpo = new PolicyUpdater(actor, ref, null, UpdateConfig.grpoDefaults().toBuilder().microBatchSize(3).build());
        PolicyUpdater ppo = new PolicyUpdater(ppoActor, ref, critic, UpdateConfig.ppoDefaults())) {
      LmTrainer trainer = new LmTrainer(lm, 0.01f);
      Random rng = new Random(3);
      for (int step = 0; step < 40; step++) {
        int[][] tokens = new int[6][];
        float[][] mask = new float[6][];
        for (int i = 0; i < tokens.length; i++) {
          tokens[i] = rng.ints(12 + i, 1, Tiny.V).toArray();
          mask[i] = new float[tokens[i].length];
          java.util.Arrays.fill(mask[i], 1f);
        }
        trainer.step(tokens, mask, 17, 3e-3f);
      }
      TrainingBatch batch = Tiny.batch(Tiny.samples(actor, 1, 3, 4, false, 0, false));
      for (int i = 0; i < 4; i++) {
        grpo.update(batch);
        ppo.update(batch);
      }
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      for (PolicyModel m : new PolicyModel[] {lm, actor, ppoActor, critic.model()}) {
        for (Map.Entry<String, float[]> e : m.weights().entrySet()) {
          ByteBuffer b = ByteBuffer.allocate(e.getValue().length * Float.BYTES);
          b.asFloatBuffer().put(e.getValue());
          md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
          md.update(b.array());
        }
      }
      return HexFormat.of().formatHex(md.digest());
    } finally {
      if (storm != null) {
        storm.interrupt();
        storm.join();
      }
    }
  }

  private static void collectForever() {
    while (!Thread.currentThread().isInterrupted()) {
      System.gc();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
