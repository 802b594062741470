package ai.otc.cli.platform;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The demo's phases, their measured times and the ETA of the whole demo. Every phase is planned up front with an
 * estimate; once a phase of a kind has run (a training run, an evaluation), the measured mean replaces the estimate
 * of the ones left, so the ETA improves as the demo goes.
 */
final class DemoClock {
  /** A finished phase. */
  record Phase(String name, double seconds) {}

  private final java.util.function.LongSupplier nanos;
  private final long start;
  private final Map<String, Double> estimateByKind = new LinkedHashMap<>();
  private final Map<String, double[]> measuredByKind = new LinkedHashMap<>();
  private final List<String[]> planned = new ArrayList<>(); // {name, kind}
  private final List<Phase> done = new ArrayList<>();
  private String current;
  private String currentKind;
  private long currentStart;
  private java.util.function.DoubleSupplier currentLeft;

  DemoClock() {
    this(System::nanoTime);
  }

  /** @param nanos the time source ({@link System#nanoTime()}; a test's own) */
  DemoClock(java.util.function.LongSupplier nanos) {
    this.nanos = nanos;
    this.start = nanos.getAsLong();
  }

  /** Plans a phase of {@code kind} (estimated {@code seconds} for its kind, the first estimate given wins). */
  void plan(String name, String kind, double seconds) {
    planned.add(new String[] {name, kind});
    estimateByKind.putIfAbsent(kind, seconds);
  }

  void begin(String name) {
    currentLeft = null;
    current = name;
    currentKind = planned.stream().filter(p -> p[0].equals(name)).map(p -> p[1]).findFirst().orElse(name);
    currentStart = nanos.getAsLong();
  }

  /**
   * What is left of the current phase, as the phase itself knows it (a training phase from its runs' paces), instead
   * of its estimate; NaN from the supplier means "not known yet" (the estimate is used).
   */
  void currentLeft(java.util.function.DoubleSupplier left) {
    this.currentLeft = left;
  }

  /** Ends the current phase; returns its seconds. */
  double end() {
    currentLeft = null;
    double s = (nanos.getAsLong() - currentStart) / 1e9;
    done.add(new Phase(current, s));
    double[] m = measuredByKind.computeIfAbsent(currentKind, k -> new double[2]);
    m[0] += s;
    m[1]++;
    planned.removeIf(p -> p[0].equals(current));
    current = null;
    return s;
  }

  List<Phase> phases() {
    return List.copyOf(done);
  }

  double elapsedSeconds() {
    return (nanos.getAsLong() - start) / 1e9;
  }

  /** Seconds left: the current phase's estimate minus its elapsed time, plus the estimates of the phases not begun. */
  double etaSeconds() {
    double left = 0;
    for (String[] p : planned) {
      double est = estimate(p[1]);
      if (p[0].equals(current)) {
        double known = currentLeft == null ? Double.NaN : currentLeft.getAsDouble();
        left += Double.isNaN(known) ? Math.max(0, est - (nanos.getAsLong() - currentStart) / 1e9) : Math.max(0, known);
      } else {
        left += est;
      }
    }
    return left;
  }

  private double estimate(String kind) {
    double[] m = measuredByKind.get(kind);
    return m != null && m[1] > 0 ? m[0] / m[1] : estimateByKind.getOrDefault(kind, 0.0);
  }

  /** {@code [demo 3m12s, ETA 6m40s] } */
  String prefix() {
    return String.format(Locale.ROOT, "[demo %s, ETA %s] ", Progress.duration(Math.round(elapsedSeconds())),
        Progress.duration(Math.round(etaSeconds())));
  }
}
