package ai.otc.report.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Means and spreads over seeds. A mean skips the seeds where the value is undefined and is null when none has it;
 * the spread is the sample standard deviation (n − 1), null with fewer than two values.
 */
public final class Spread {

  private Spread() {}

  /** The mean of the non-null values, null when there is none. */
  public static Double mean(List<Double> values) {
    double sum = 0;
    int n = 0;
    for (Double v : values) {
      if (v != null) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? null : sum / n;
  }

  /** The sample standard deviation of the non-null values, null with fewer than two. */
  public static Double std(List<Double> values) {
    List<Double> present = values.stream().filter(v -> v != null).toList();
    if (present.size() < 2) {
      return null;
    }
    double m = mean(present);
    double ss = 0;
    for (double v : present) {
      ss += (v - m) * (v - m);
    }
    return Math.sqrt(ss / (present.size() - 1));
  }

  /** The field-wise mean of per-seed stats; {@code questions} is the smallest per-seed count. */
  public static EvalStats meanOf(List<EvalStats> seeds) {
    if (seeds.isEmpty()) {
      return EvalStats.EMPTY;
    }
    return new EvalStats(seeds.stream().mapToInt(EvalStats::questions).min().orElse(0),
        mean(field(seeds, EvalStats::em)), mean(field(seeds, EvalStats::tc)), mean(field(seeds, EvalStats::tp)),
        mean(field(seeds, EvalStats::optimalTc)), mean(field(seeds, EvalStats::excessCalls)),
        mean(field(seeds, EvalStats::optimalCallRate)));
  }

  /** The field-wise sample standard deviation of per-seed stats ({@code questions} is the number of seeds). */
  public static EvalStats stdOf(List<EvalStats> seeds) {
    return new EvalStats(seeds.size(), std(field(seeds, EvalStats::em)), std(field(seeds, EvalStats::tc)),
        std(field(seeds, EvalStats::tp)), std(field(seeds, EvalStats::optimalTc)),
        std(field(seeds, EvalStats::excessCalls)), std(field(seeds, EvalStats::optimalCallRate)));
  }

  /** Per key (kind, source), the mean over the seeds that have that key. */
  public static Map<String, EvalStats> meanByKey(List<Map<String, EvalStats>> seeds) {
    Map<String, List<EvalStats>> byKey = new TreeMap<>();
    for (Map<String, EvalStats> m : seeds) {
      m.forEach((k, v) -> byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }
    Map<String, EvalStats> out = new TreeMap<>();
    byKey.forEach((k, v) -> out.put(k, meanOf(v)));
    return out;
  }

  private static List<Double> field(List<EvalStats> seeds, Function<EvalStats, Double> f) {
    return seeds.stream().map(f).toList();
  }
}
