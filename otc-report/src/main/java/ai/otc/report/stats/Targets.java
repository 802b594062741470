package ai.otc.report.stats;

import java.util.ArrayList;
import java.util.List;

/**
 * The main job's targets (issue #13, "the proof") checked against a demo's means: OTC-GRPO removes at least 85 % of
 * the baseline's excess calls with EM ≥ baseline − 0.02, TP ≥ 1.7 × the baseline's and an optimal-call rate ≥ 0.85;
 * OTC-PPO has a TC below the baseline's at EM ≥ baseline − 0.03. A check whose numbers are missing is not met.
 */
public final class Targets {

  /**
   * One target.
   *
   * @param reward the run it is about
   * @param what what is measured, in words
   * @param value the measured value (null when undefined)
   * @param target the target, in words
   * @param met whether the value meets it
   */
  public record Check(String reward, String what, Double value, String target, boolean met) {}

  private Targets() {}

  /** The checks that apply to {@code r} (none without a baseline). */
  public static List<Check> of(DemoResult r) {
    List<Check> out = new ArrayList<>();
    RewardStats base = r.baseline() == null ? null : r.rewards().get(r.baseline());
    if (base == null) {
      return out;
    }
    EvalStats b = base.mean();
    RewardStats grpo = r.rewards().get("otc-grpo");
    if (grpo != null) {
      EvalStats g = grpo.mean();
      Double removed = grpo.vsBaseline().excessRemoved();
      out.add(new Check("otc-grpo", "share of the baseline's excess calls removed", removed, "≥ 0.85",
          removed != null && removed >= 0.85));
      out.add(new Check("otc-grpo", "EM", g.em(), "≥ baseline − 0.02" + of(b.em(), -0.02),
          g.em() != null && b.em() != null && g.em() >= b.em() - 0.02));
      Double ratio = g.tp() == null || b.tp() == null || b.tp() == 0 ? null : g.tp() / b.tp();
      out.add(new Check("otc-grpo", "TP / baseline TP", ratio, "≥ 1.7", ratio != null && ratio >= 1.7));
      out.add(new Check("otc-grpo", "optimal-call rate", g.optimalCallRate(), "≥ 0.85",
          g.optimalCallRate() != null && g.optimalCallRate() >= 0.85));
    }
    RewardStats ppo = r.rewards().get("otc-ppo");
    if (ppo != null) {
      EvalStats p = ppo.mean();
      out.add(new Check("otc-ppo", "TC", p.tc(), "< baseline" + of(b.tc(), 0),
          p.tc() != null && b.tc() != null && p.tc() < b.tc()));
      out.add(new Check("otc-ppo", "EM", p.em(), "≥ baseline − 0.03" + of(b.em(), -0.03),
          p.em() != null && b.em() != null && p.em() >= b.em() - 0.03));
    }
    return out;
  }

  private static String of(Double base, double delta) {
    return base == null ? "" : String.format(java.util.Locale.ROOT, " (%.3f)", base + delta);
  }
}
