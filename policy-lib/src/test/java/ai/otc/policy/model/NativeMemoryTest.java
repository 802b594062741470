package ai.otc.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import ai.djl.training.GradientCollector;
import ai.otc.policy.generation.Generator;
import ai.otc.policy.generation.SamplingConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * A long-running learner/rollout process in miniature: on one long-lived (non-engine-loading) thread, a few hundred
 * mixed steps of supervised training ({@link LmTrainer}), KV-cached generation ({@link Generator}) from leased policy
 * versions that are swapped in as the trainer moves on ({@link PolicySlot}), and scoring with gradients + backward
 * ({@link SequenceScorer}). The engine's live NDArray count must be flat after warm-up; a second test shows that the
 * check catches a leak of one array per step.
 */
class NativeMemoryTest {
  static final int EOS = 2;
  static final int LEN = 16;
  static final int WARMUP = 30;

  /** Runs {@code steps} mixed steps on a fresh single thread; returns the live-array count after each step. */
  static int[] run(int steps, Runnable perStep) throws Exception {
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      return thread.submit(() -> loop(steps, perStep)).get();
    } finally {
      thread.shutdownNow();
    }
  }

  private static int[] loop(int steps, Runnable perStep) {
    ModelConfig c = Tiny.config();
    List<int[]> train = Tiny.rows(8, LEN, LEN, 11, 9);
    float[][] lossMask = new float[train.size()][LEN];
    for (float[] m : lossMask) {
      Arrays.fill(m, 1f);
    }
    List<int[]> prompts = Tiny.rows(9, 3, 1, 5);
    List<int[]> scored = Tiny.rows(10, LEN, 12, 7);
    int[] counts = new int[steps];
    try (PolicyModel model = new PolicyModel(c);
        PolicySlot<PolicyModel> slot = new PolicySlot<>(new PolicyModel(c, model.weights()), 0)) {
      LmTrainer trainer = new LmTrainer(model, 0.01f);
      long version = 0;
      for (int step = 0; step < steps; step++) {
        switch (step % 3) {
          case 0 -> trainer.step(train.toArray(new int[0][]), lossMask, LEN, 1e-3f);
          case 1 -> {
            try (PolicySlot.Lease<PolicyModel> lease = slot.acquire()) {
              new Generator(lease.model(), Set.of(20, 21), EOS)
                  .generate(prompts, null, SamplingConfig.sample(1f, 0.9f, step), Set.of(), LEN);
            }
          }
          default -> {
            // The learner's actor step: scores with a graph, backward, update (alternating the two backward paths).
            try (NDScope s = new NDScope()) {
              s.suppressNotUsedWarning();
              SequenceScorer.Scores sc = SequenceScorer.score(model, SequenceScorer.ids(model.manager(), scored),
                  SequenceScorer.lengths(scored), 1f, true, true);
              try (Grad on = Grad.enabled()) {
                NDArray loss = sc.logProbs().sum().add(sc.entropy().sum().mul(1e-3f)).neg();
                if (step % 2 == 0) {
                  Grad.backward(loss);
                } else {
                  try (GradientCollector gc = DjlRuntime.engine().newGradientCollector()) {
                    gc.backward(loss);
                  }
                }
              }
            }
            Tiny.sgd(model, 1e-4f);
          }
        }
        if (step % 50 == 49) {
          slot.swap(new PolicyModel(c, model.weights()), ++version);
        }
        perStep.run();
        counts[step] = NativeArrays.live();
      }
    }
    return counts;
  }

  /** After warm-up the count never exceeds its value at the end of warm-up. */
  static void assertFlat(int[] counts) {
    int base = counts[WARMUP - 1];
    int max = Arrays.stream(counts, WARMUP, counts.length).max().orElse(base);
    assertThat(max).as("live NDArrays after warm-up (base %d); counts every 10 steps: %s", base, every10(counts))
        .isLessThanOrEqualTo(base);
  }

  private static List<Integer> every10(int[] counts) {
    List<Integer> l = new ArrayList<>();
    for (int i = 0; i < counts.length; i += 10) {
      l.add(counts[i]);
    }
    return l;
  }

  @Test
  void liveArrayCountStaysFlatOverAFewHundredMixedSteps() throws Exception {
    int before = NativeArrays.live();
    long t0 = System.nanoTime();
    int[] counts = run(300, () -> {});
    System.out.printf("NativeMemoryTest: 300 steps in %.1f s, live arrays: before %d, after warm-up %d, end %d;"
        + " RSS %s%n", (System.nanoTime() - t0) / 1e9, before, counts[WARMUP - 1], counts[counts.length - 1], rss());
    assertFlat(counts);
    assertThat(NativeArrays.live()).as("everything freed once the models are closed").isEqualTo(before);
  }

  /** Resident set size now (for the log only: the allocator's caching makes RSS too noisy to assert on). */
  private static String rss() throws java.io.IOException {
    return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
        .filter(l -> l.startsWith("VmRSS")).findFirst().orElse("?").replaceAll("\\s+", " ");
  }

  @Test
  void theCheckCatchesALeakOfOneArrayPerStep() throws Exception {
    List<ai.djl.ndarray.NDManager> leakInto = new ArrayList<>();
    try (ai.djl.ndarray.NDManager m = DjlRuntime.engine().newBaseManager()) {
      int[] counts = run(WARMUP + 30, () -> m.create(new float[] {1f}));
      assertThatThrownBy(() -> assertFlat(counts)).isInstanceOf(AssertionError.class);
      leakInto.add(m);
    }
    assertThat(leakInto.get(0).isOpen()).isFalse();
  }
}
