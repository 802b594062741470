package ai.otc.learner.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The order of operations as a state machine: a simulated learner (checkpoint, store, policy topic) is crashed after
 * every single durable effect of a 4-version run, and after every pair of effects (a crash during the recovery from a
 * crash), and always ends with every version stored once, announced once (manifest and metrics together), and the
 * checkpoint at the last step. States the order cannot produce are refused, naming what was found.
 */
class RecoveryPlanTest {

  private static final int STEPS = 3;

  /** What survives a crash. */
  static final class World {
    Optional<Long> checkpoint = Optional.empty();
    final TreeSet<Long> store = new TreeSet<>();
    final List<Long> published = new ArrayList<>();
    /** For every checkpoint written, the step: a step's groups are trained iff its checkpoint was written. */
    final List<Long> checkpoints = new ArrayList<>();

    RecoveryPlan.Facts facts() {
      return new RecoveryPlan.Facts(checkpoint, List.copyOf(store),
          published.isEmpty() ? Optional.empty() : Optional.of(published.getLast()));
    }
  }

  /** Thrown when the simulated process is killed. */
  static final class Killed extends RuntimeException {}

  /** One life: dies after {@code budget} effects (or never when negative). */
  static final class Life {
    final World w;
    int budget;

    Life(World w, int budget) {
      this.w = w;
      this.budget = budget;
    }

    private void effect() {
      if (budget == 0) {
        throw new Killed();
      }
      budget--;
    }

    void checkpoint(long s) {
      effect();
      w.checkpoint = Optional.of(s);
      w.checkpoints.add(s);
    }

    void put(long s) {
      effect();
      if (!w.store.isEmpty() && s <= w.store.last()) {
        throw new AssertionError("the store refuses version " + s + " after " + w.store.last());
      }
      w.store.add(s);
    }

    void publish(long s) {
      effect();
      w.published.add(s);
    }

    /** Start (recover), then train until STEPS. */
    void run() {
      long version;
      RecoveryPlan.Plan p = RecoveryPlan.plan(w.facts(), "r", "store", "ckpt");
      if (p instanceof RecoveryPlan.Resume r) {
        version = r.step();
        if (r.putVersion()) {
          put(version);
        }
        if (r.publish()) {
          publish(version);
        }
      } else {
        version = 0;
        checkpoint(0);
        put(0);
        publish(0);
      }
      while (version < STEPS) {
        long s = version + 1;
        checkpoint(s);
        put(s);
        version = s;
        publish(s);
      }
    }
  }

  private static World runWithCrashes(int... budgets) {
    World w = new World();
    for (int b : budgets) {
      try {
        new Life(w, b).run();
      } catch (Killed k) {
        // the process died; the next life starts from what survived
      }
    }
    new Life(w, -1).run();
    return w;
  }

  private static void assertComplete(World w, String what) {
    assertThat(w.store).as(what).containsExactly(0L, 1L, 2L, 3L);
    assertThat(w.published).as(what).containsExactly(0L, 1L, 2L, 3L);
    assertThat(w.checkpoint).as(what).contains((long) STEPS);
    // Each step committed (trained) exactly once: its checkpoint was written once.
    assertThat(w.checkpoints).as(what).containsExactly(0L, 1L, 2L, 3L);
  }

  @Test
  void aCrashAfterAnyEffectIsCompletedOnRestart() {
    int effects = 3 * (STEPS + 1);
    for (int k = 0; k <= effects; k++) {
      assertComplete(runWithCrashes(k), "crash after " + k + " effects");
    }
  }

  @Test
  void aCrashDuringRecoveryIsCompletedToo() {
    int effects = 3 * (STEPS + 1);
    for (int k = 0; k <= effects; k++) {
      for (int j = 0; j <= 3; j++) {
        assertComplete(runWithCrashes(k, j, 0), "crashes after " + k + ", then " + j + ", then 0 effects");
      }
    }
  }

  @Test
  void theDecisions() {
    assertThat(RecoveryPlan.plan(new RecoveryPlan.Facts(Optional.empty(), List.of(), Optional.empty()), "r", "s", "c"))
        .isInstanceOf(RecoveryPlan.Fresh.class);
    assertThat(RecoveryPlan.plan(new RecoveryPlan.Facts(Optional.of(4L), List.of(0L, 1L, 2L, 3L), Optional.of(3L)), "r", "s", "c"))
        .isEqualTo(new RecoveryPlan.Resume(4, true, true));
    assertThat(RecoveryPlan.plan(new RecoveryPlan.Facts(Optional.of(4L), List.of(0L, 4L), Optional.of(3L)), "r", "s", "c"))
        .isEqualTo(new RecoveryPlan.Resume(4, false, true));
    assertThat(RecoveryPlan.plan(new RecoveryPlan.Facts(Optional.of(4L), List.of(0L, 4L), Optional.of(4L)), "r", "s", "c"))
        .isEqualTo(new RecoveryPlan.Resume(4, false, false));
  }

  @Test
  void statesTheOrderCannotProduceAreRefused() {
    assertThatThrownBy(() -> RecoveryPlan.plan(new RecoveryPlan.Facts(Optional.empty(), List.of(0L, 1L), Optional.empty()),
        "r1", "file:///s/r1/", "/c"))
        .isInstanceOf(RecoveryPlan.InconsistentRun.class)
        .hasMessageContaining("run r1 has no checkpoint in /c (otc.learner.checkpoint-dir)")
        .hasMessageContaining("holds versions up to 1").hasMessageContaining("new otc.learner.run-id");
    assertThatThrownBy(() -> RecoveryPlan.plan(new RecoveryPlan.Facts(Optional.empty(), List.of(), Optional.of(0L)), "r1", "s", "c"))
        .isInstanceOf(RecoveryPlan.InconsistentRun.class).hasMessageContaining("the policy topic announces version 0");
    assertThatThrownBy(() -> RecoveryPlan.plan(new RecoveryPlan.Facts(Optional.of(2L), List.of(0L, 1L, 2L, 3L), Optional.of(2L)),
        "r1", "s", "c"))
        .isInstanceOf(RecoveryPlan.InconsistentRun.class).hasMessageContaining("holds version 3").hasMessageContaining("at step 2");
    assertThatThrownBy(() -> RecoveryPlan.plan(new RecoveryPlan.Facts(Optional.of(2L), List.of(0L, 1L, 2L), Optional.of(5L)),
        "r1", "s", "c"))
        .isInstanceOf(RecoveryPlan.InconsistentRun.class).hasMessageContaining("announces version 5");
  }
}
