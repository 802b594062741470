package ai.otc.rollout.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The staleness bound (batch b starts only with a loaded version ≥ b − K, never before version 0) and the batch schedule. */
class StalenessGateTest {

  @Test
  void kZeroIsSynchronousBatchBWaitsForVersionB() {
    StalenessGate g = new StalenessGate(0);
    assertThat(g.mayStart(0, StalenessGate.NONE)).isFalse();
    assertThat(g.mayStart(0, 0)).isTrue();
    assertThat(g.mayStart(1, 0)).isFalse();
    assertThat(g.mayStart(1, 1)).isTrue();
    assertThat(g.mayStart(5, 4)).isFalse();
    assertThat(g.mayStart(5, 5)).isTrue();
    assertThat(g.requiredVersion(7)).isEqualTo(7);
  }

  @Test
  void kOneRunsOneBatchAhead() {
    StalenessGate g = new StalenessGate(1);
    assertThat(g.mayStart(0, StalenessGate.NONE)).as("never before version 0, although 0 - 1 < 0").isFalse();
    assertThat(g.mayStart(0, 0)).isTrue();
    assertThat(g.mayStart(1, 0)).isTrue();
    assertThat(g.mayStart(2, 0)).isFalse();
    assertThat(g.mayStart(2, 1)).isTrue();
    assertThat(g.mayStart(3, 1)).isFalse();
    assertThat(g.requiredVersion(0)).isZero();
    assertThat(g.requiredVersion(1)).isZero();
    assertThat(g.requiredVersion(2)).isEqualTo(1);
  }

  @Test
  void aVersionThatJumpsAheadOpensEveryBatchUpToItPlusK() {
    StalenessGate g = new StalenessGate(2);
    for (long b = 0; b <= 12; b++) {
      assertThat(g.mayStart(b, 10)).as("batch %d with version 10", b).isTrue();
    }
    assertThat(g.mayStart(13, 10)).isFalse();
    assertThat(new StalenessGate(0).mayStart(3, 10)).as("an older batch is never held back by the gate").isTrue();
  }

  @Test
  void aNegativeBoundOrBatchIsRefused() {
    assertThatThrownBy(() -> new StalenessGate(-1)).hasMessageContaining("staleness must be >= 0");
    assertThatThrownBy(() -> new StalenessGate(1).requiredVersion(-1)).hasMessageContaining("batch must be >= 0");
  }

  @Test
  void aRestartStartsAtTheLaterOfItsNextBatchAndTheCurrentVersion() {
    assertThat(BatchSchedule.start(0, 0)).as("a new run").isZero();
    assertThat(BatchSchedule.start(0, 7)).as("a new process joining a run at version 7").isEqualTo(7);
    assertThat(BatchSchedule.start(9, 7)).as("the loop restarting in a process that had finished batch 8").isEqualTo(9);
    assertThat(BatchSchedule.start(3, 7)).as("behind the learner: skip to its version").isEqualTo(7);
    assertThat(BatchSchedule.next(4, 2)).isEqualTo(5);
    assertThat(BatchSchedule.next(4, 9)).isEqualTo(9);
    assertThatThrownBy(() -> BatchSchedule.start(0, -1)).hasMessageContaining("no policy version loaded");
    assertThatThrownBy(() -> BatchSchedule.start(-1, 0)).hasMessageContaining("next batch must be >= 0");
  }

  @Test
  void maxBatchesCountsAbsoluteBatchNumbers() {
    assertThat(BatchSchedule.beyond(1_000_000, 0)).as("0 = unbounded").isFalse();
    assertThat(BatchSchedule.beyond(2, 3)).isFalse();
    assertThat(BatchSchedule.beyond(3, 3)).isTrue();
  }
}
