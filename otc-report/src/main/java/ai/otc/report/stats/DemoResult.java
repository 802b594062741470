package ai.otc.report.stats;

import ai.otc.report.DemoConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole report in numbers, before it is written as {@code summary.json} and {@code report.html}.
 *
 * @param config the demo's configuration
 * @param baseline the baseline reward ({@code em}), null when the demo has none
 * @param initial the initial policy's evaluation, null when there is none
 * @param rewards per reward, in the demo's order
 * @param curves per training run, by run id
 * @param recordsRead records read per topic (all runs)
 * @param recordsKept the demo's records kept per topic
 * @param missingTopics topics that did not exist
 */
public record DemoResult(DemoConfig config, String baseline, RunStats initial, Map<String, RewardStats> rewards,
    Map<String, Curve> curves, Map<String, Long> recordsRead, Map<String, Long> recordsKept,
    Set<String> missingTopics) {

  /**
   * Every question kind of any evaluation, those with the fewest minimal calls first (the kinds a policy should answer
   * from memory, then those that need calls), ties by label.
   */
  public List<String> kinds() {
    Map<String, Double> min = new java.util.TreeMap<>();
    List<Map<String, EvalStats>> maps = new java.util.ArrayList<>();
    if (initial != null) {
      maps.add(initial.byKind());
    }
    rewards.values().forEach(r -> maps.add(r.byKind()));
    for (Map<String, EvalStats> m : maps) {
      m.forEach((k, v) -> {
        if (v.optimalTc() != null || !min.containsKey(k)) {
          min.put(k, v.optimalTc() == null ? Double.MAX_VALUE : v.optimalTc());
        }
      });
    }
    return min.keySet().stream().sorted(java.util.Comparator.comparing((String k) -> min.get(k))
        .thenComparing(java.util.Comparator.naturalOrder())).toList();
  }

  /** Every evaluated run: the initial policy first, then each reward's seeds. */
  public List<RunStats> allRuns() {
    List<RunStats> out = new java.util.ArrayList<>();
    if (initial != null) {
      out.add(initial);
    }
    rewards.values().forEach(r -> out.addAll(r.seeds()));
    return out;
  }
}
