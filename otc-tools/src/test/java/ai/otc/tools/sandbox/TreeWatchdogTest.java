package ai.otc.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * When the watchdog samples fast: the rule that bounds how far a process tree can overshoot its memory cap (the
 * overshoot itself is measured against real processes in {@link SandboxHardeningTest}).
 */
class TreeWatchdogTest {
  private static final long MIB = 1L << 20;
  private static final long CAP = 400 * MIB;

  @Test
  void belowAQuarterOfTheCapItWaitsTheConfiguredInterval() {
    assertThat(TreeWatchdog.nextSleepMillis(0, CAP, 100)).isEqualTo(100);
    assertThat(TreeWatchdog.nextSleepMillis(99 * MIB, CAP, 100)).isEqualTo(100);
    assertThat(TreeWatchdog.nextSleepMillis(99 * MIB, CAP, 250)).isEqualTo(250);
  }

  @Test
  void fromAQuarterOfTheCapItSamplesEveryTenMilliseconds() {
    assertThat(TreeWatchdog.nextSleepMillis(100 * MIB, CAP, 100)).isEqualTo(10);
    assertThat(TreeWatchdog.nextSleepMillis(390 * MIB, CAP, 250)).isEqualTo(10);
    assertThat(TreeWatchdog.nextSleepMillis(2 * CAP, CAP, 100)).isEqualTo(10);
  }
}
