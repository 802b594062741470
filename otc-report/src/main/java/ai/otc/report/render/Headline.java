package ai.otc.report.render;

import ai.otc.report.stats.DemoResult;
import ai.otc.report.stats.EvalStats;
import ai.otc.report.stats.RewardStats;
import ai.otc.report.stats.RunStats;
import ai.otc.report.stats.Targets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The report's result as a few plain-text lines for a terminal (what {@code ./otc demo} and {@code ./otc report} print). */
public final class Headline {

  private Headline() {}

  /** One line per evaluated policy, then the tool-call check and the targets. */
  public static List<String> of(DemoResult r) {
    List<String> out = new ArrayList<>();
    if (r.initial() != null) {
      out.add(line("initial", r.initial().all(), ""));
    }
    for (RewardStats s : r.rewards().values()) {
      String rel = s.vsBaseline() == null ? (s.reward().equals(r.baseline()) ? "  (baseline)" : "")
          : "  vs baseline: TC " + orDash(Html.down(s.vsBaseline().tcReduction())) + "  TP "
              + orDash(Html.up(s.vsBaseline().tpIncrease())) + "  excess removed " + Html.pct(s.vsBaseline().excessRemoved());
      String seeds = s.seeds().size() > 1 ? " (mean of " + s.seeds().size() + " seeds)" : "";
      out.add(line(s.reward(), s.mean(), rel) + seeds);
    }
    List<RunStats> disagree = r.allRuns().stream().filter(x -> !x.calls().agree()).toList();
    if (disagree.isEmpty()) {
      out.add("tool calls: metered = counted for every run");
    } else {
      disagree.forEach(x -> out.add("tool calls DISAGREE for " + x.runId() + ": metered " + x.calls().metered()
          + ", sent per trajectories " + x.calls().sent()));
    }
    List<Targets.Check> checks = Targets.of(r);
    if (!checks.isEmpty()) {
      long met = checks.stream().filter(Targets.Check::met).count();
      out.add("targets: " + met + " of " + checks.size() + " met");
    }
    return out;
  }

  private static String orDash(String s) {
    return s.isEmpty() ? "–" : s;
  }

  private static String line(String name, EvalStats s, String rel) {
    return String.format(Locale.ROOT, "%-9s EM %s  TC %s  TP %s  optimal-call rate %s  excess calls %s%s", name,
        Html.f3(s.em()), Html.f3(s.tc()), Html.f3(s.tp()), Html.pct(s.optimalCallRate()), Html.f3(s.excessCalls()), rel);
  }
}
