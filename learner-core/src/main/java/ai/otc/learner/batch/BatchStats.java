package ai.otc.learner.batch;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * What a step's rollouts looked like (all samples of the batch, trained or not): what {@code StepMetrics} reports
 * besides the update's own numbers.
 *
 * @param groups            groups in the batch
 * @param trajectories      samples in the batch
 * @param em                mean EM (fraction correct)
 * @param tc                mean tool calls per trajectory
 * @param tp                tool productivity ΣEM / Σtc; empty when Σtc = 0
 * @param meanReward        mean reward
 * @param rewardStd         population standard deviation of the reward
 * @param advantageMean     mean advantage (per trajectory)
 * @param advantageStd      population standard deviation of the advantage
 * @param advantageMin      smallest advantage
 * @param advantageMax      largest advantage
 * @param zeroAdvantageGroups groups whose advantages are all zero (|A| ≤ 1e-6)
 * @param meanResponseTokens mean response length in tokens
 * @param meanLossTokens    mean number of loss-mask tokens per response
 * @param optimalCallRate   fraction of correct trajectories with known min calls that used exactly that many; empty
 *                          when there are none
 * @param minPolicyVersion  oldest sample's policy version
 * @param maxPolicyVersion  newest sample's policy version
 * @param perKind           per question kind (sorted by kind; unknown kind = "")
 */
public record BatchStats(int groups, int trajectories, double em, double tc, OptionalDouble tp, double meanReward,
    double rewardStd, double advantageMean, double advantageStd, double advantageMin, double advantageMax,
    int zeroAdvantageGroups, double meanResponseTokens, double meanLossTokens, OptionalDouble optimalCallRate,
    long minPolicyVersion, long maxPolicyVersion, Map<String, KindStats> perKind) {

  /** One question kind's numbers. */
  public record KindStats(int trajectories, double em, double tc) {}

  /** Stats of {@code samples} in {@code groups} groups, of which {@code zeroAdvantageGroups} have no signal. */
  public static BatchStats of(List<Sample> samples, int groups, int zeroAdvantageGroups) {
    int n = samples.size();
    if (n == 0) {
      return new BatchStats(groups, 0, 0, 0, OptionalDouble.empty(), 0, 0, 0, 0, 0, 0, zeroAdvantageGroups, 0, 0,
          OptionalDouble.empty(), 0, 0, Map.of());
    }
    double correct = 0;
    double calls = 0;
    double reward = 0;
    double reward2 = 0;
    double adv = 0;
    double adv2 = 0;
    double advMin = Double.POSITIVE_INFINITY;
    double advMax = Double.NEGATIVE_INFINITY;
    double resp = 0;
    double loss = 0;
    long optimal = 0;
    long optimalBase = 0;
    long vMin = Long.MAX_VALUE;
    long vMax = Long.MIN_VALUE;
    Map<String, double[]> kinds = new TreeMap<>();
    for (Sample s : samples) {
      double c = s.correct() ? 1 : 0;
      correct += c;
      calls += s.toolCalls();
      reward += s.reward();
      reward2 += s.reward() * s.reward();
      adv += s.advantage();
      adv2 += s.advantage() * s.advantage();
      advMin = Math.min(advMin, s.advantage());
      advMax = Math.max(advMax, s.advantage());
      resp += s.responseLength();
      loss += s.lossTokens();
      if (s.correct() && s.minCalls() >= 0) {
        optimalBase++;
        if (s.toolCalls() == s.minCalls()) {
          optimal++;
        }
      }
      vMin = Math.min(vMin, s.policyVersion());
      vMax = Math.max(vMax, s.policyVersion());
      double[] k = kinds.computeIfAbsent(s.questionKind(), x -> new double[3]);
      k[0]++;
      k[1] += c;
      k[2] += s.toolCalls();
    }
    Map<String, KindStats> perKind = new LinkedHashMap<>();
    kinds.forEach((k, v) -> perKind.put(k, new KindStats((int) v[0], v[1] / v[0], v[2] / v[0])));
    double meanR = reward / n;
    double meanA = adv / n;
    return new BatchStats(groups, n, correct / n, calls / n, calls > 0 ? OptionalDouble.of(correct / calls)
        : OptionalDouble.empty(), meanR, Math.sqrt(Math.max(0, reward2 / n - meanR * meanR)), meanA,
        Math.sqrt(Math.max(0, adv2 / n - meanA * meanA)), advMin, advMax, zeroAdvantageGroups, resp / n, loss / n,
        optimalBase > 0 ? OptionalDouble.of((double) optimal / optimalBase) : OptionalDouble.empty(), vMin, vMax,
        Map.copyOf(perKind));
  }

  /**
   * Flat metric names for {@code StepMetrics.extra}: {@code em/<kind>}, {@code tc/<kind>}, {@code n/<kind>},
   * {@code reward_std}, {@code adv_mean}, {@code adv_std}, {@code adv_min}, {@code adv_max},
   * {@code zero_adv_groups}, {@code response_tokens}, {@code loss_tokens}, {@code optimal_call_rate} (when defined),
   * {@code policy_version_min}, {@code policy_version_max}.
   */
  public Map<String, Double> toExtra() {
    Map<String, Double> m = new LinkedHashMap<>();
    new TreeMap<>(perKind).forEach((k, v) -> {
      String key = k.isEmpty() ? "unknown" : k;
      m.put("em/" + key, v.em());
      m.put("tc/" + key, v.tc());
      m.put("n/" + key, (double) v.trajectories());
    });
    m.put("reward_std", rewardStd);
    m.put("adv_mean", advantageMean);
    m.put("adv_std", advantageStd);
    m.put("adv_min", advantageMin);
    m.put("adv_max", advantageMax);
    m.put("zero_adv_groups", (double) zeroAdvantageGroups);
    m.put("response_tokens", meanResponseTokens);
    m.put("loss_tokens", meanLossTokens);
    optimalCallRate.ifPresent(v -> m.put("optimal_call_rate", v));
    m.put("policy_version_min", (double) minPolicyVersion);
    m.put("policy_version_max", (double) maxPolicyVersion);
    return m;
  }
}
