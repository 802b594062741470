package ai.otc.cli.platform;

import ai.otc.proto.v1.StepMetrics;
import java.util.Locale;

/**
 * The progress line of {@code ./otc train}, one per training step: step, policy version, EM, TC, TP, mean reward, KL,
 * seconds per step and the time left at the mean pace so far.
 */
final class Progress {
  private final int steps;
  private final long startNanos;
  private long lastNanos;

  Progress(int steps, long startNanos) {
    this.steps = steps;
    this.startNanos = startNanos;
    this.lastNanos = startNanos;
  }

  /** The line for {@code m}, which arrived at {@code nowNanos}. */
  String line(StepMetrics m, long nowNanos) {
    double stepSeconds = (nowNanos - lastNanos) / 1e9;
    lastNanos = nowNanos;
    double mean = (nowNanos - startNanos) / 1e9 / Math.max(1, m.getStep());
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
