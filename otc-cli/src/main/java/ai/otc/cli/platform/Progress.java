package ai.otc.cli.platform;

import ai.otc.proto.v1.StepMetrics;
import java.util.Locale;

/**
 * The progress line of {@code ./otc train}, one per training step: step, policy version, EM, TC, TP, mean reward, KL,
 * seconds per step and the time left at the mean pace so far. A step's seconds are the time between the learner's
 * publications of this step and the one before ({@code StepMetrics.time}; for the first step, since the run's services
 * were ready), so steps that reach this command together still show their own pace.
 */
final class Progress {
  private final int steps;
  private final long startMillis;
  private long lastMillis;

  Progress(int steps, long startMillis) {
    this.steps = steps;
    this.startMillis = startMillis;
    this.lastMillis = startMillis;
  }

  /** The line for {@code m}; {@code nowMillis} (epoch) stands for its publication time when it has none. */
  String line(StepMetrics m, long nowMillis) {
    long at = m.hasTime() ? m.getTime().getSeconds() * 1000 + m.getTime().getNanos() / 1_000_000 : nowMillis;
    double stepSeconds = Math.max(0, at - lastMillis) / 1e3;
    lastMillis = Math.max(lastMillis, at);
    double mean = Math.max(0, at - startMillis) / 1e3 / Math.max(1, m.getStep());
    long left = Math.max(0, steps - m.getStep());
    return String.format(Locale.ROOT, "step %d/%d  v%d  EM %.3f  TC %.2f  TP %s  reward %.3f  KL %.4f  %.1f s/step  ETA %s",
        m.getStep(), steps, m.getPolicyVersion(), m.getEm(), m.getTc(), m.hasTp() ? String.format(Locale.ROOT, "%.3f", m.getTp()) : "-",
        m.getMeanReward(), m.getKl(), stepSeconds, duration(Math.round(mean * left)));
  }

  /** {@code 45s}, {@code 3m07s}, {@code 1h02m}. */
  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, (seconds % 3600) / 60);
  }
}
