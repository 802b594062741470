package ai.otc.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The demo's phases and ETA: estimates first, then what each kind of phase measured. */
class DemoClockTest {
  private static final long S = 1_000_000_000L;

  @Test
  void theEtaStartsFromTheEstimatesAndLearnsFromMeasuredPhasesOfTheSameKind() {
    AtomicLong now = new AtomicLong(0);
    DemoClock c = new DemoClock(now::get);
    c.plan("platform", "platform", 20);
    c.plan("evaluate initial", "evaluate", 30);
    c.plan("train seed 1", "train", 100);
    c.plan("evaluate a", "evaluate", 999); // the first estimate of a kind wins
    c.plan("evaluate b", "evaluate", 999);
    assertThat(c.etaSeconds()).isCloseTo(20 + 30 + 100 + 30 + 30, within(1e-9));

    c.begin("platform");
    now.addAndGet(5 * S);
    assertThat(c.etaSeconds()).as("the running phase counts what is left of it").isCloseTo(15 + 30 + 100 + 30 + 30, within(1e-9));
    now.addAndGet(20 * S); // over its estimate: nothing left of it, never negative
    assertThat(c.etaSeconds()).isCloseTo(30 + 100 + 30 + 30, within(1e-9));
    assertThat(c.end()).isCloseTo(25, within(1e-9));

    c.begin("evaluate initial");
    now.addAndGet(12 * S);
    c.end();
    assertThat(c.etaSeconds()).as("evaluations now take the measured 12 s").isCloseTo(100 + 12 + 12, within(1e-9));
    assertThat(c.phases()).extracting(DemoClock.Phase::name).containsExactly("platform", "evaluate initial");
    assertThat(c.elapsedSeconds()).isCloseTo(37, within(1e-9));
    assertThat(c.prefix()).isEqualTo("[demo 37s, ETA 2m04s] ");

    c.begin("train seed 1");
    double[] known = {Double.NaN};
    c.currentLeft(() -> known[0]);
    now.addAndGet(10 * S);
    assertThat(c.etaSeconds()).as("no pace known yet: the estimate").isCloseTo(90 + 12 + 12, within(1e-9));
    known[0] = 300;
    assertThat(c.etaSeconds()).as("the phase's own pace").isCloseTo(300 + 12 + 12, within(1e-9));
    c.end();
    assertThat(c.etaSeconds()).isCloseTo(12 + 12, within(1e-9));
  }
}
