package ai.otc.report.stats;

import ai.otc.core.metrics.BehaviourTable;
import java.util.List;
import java.util.Map;

/**
 * A reward's runs (one per seed) and their means.
 *
 * @param reward the reward's wire name
 * @param seeds the per-seed runs, by seed
 * @param mean the means over seeds of the test-split numbers
 * @param std their sample standard deviations over seeds (values null with one seed)
 * @param byKind per question kind, the means over seeds
 * @param bySource per data source, the means over seeds
 * @param vsBaseline the means relative to the baseline's means (null for the baseline itself or without one)
 * @param bySourceVsBaseline the same per data source
 * @param behaviour the behaviour table against the baseline, the mean over seeds of the per-seed tables (null for
 *     the baseline or without one)
 * @param behaviourBySeed the per-seed tables (seed i paired with the baseline's seed i, or its first seed)
 */
public record RewardStats(String reward, List<RunStats> seeds, EvalStats mean, EvalStats std,
    Map<String, EvalStats> byKind, Map<String, EvalStats> bySource, Relative vsBaseline,
    Map<String, Relative> bySourceVsBaseline, BehaviourTable behaviour, List<BehaviourTable> behaviourBySeed) {

  /** The tool-call counts of every seed together. */
  public CallCheck calls() {
    CallCheck c = new CallCheck(0, 0, 0, 0);
    for (RunStats r : seeds) {
      c = c.plus(r.calls());
    }
    return c;
  }
}
