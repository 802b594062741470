package ai.otc.report.render;

import static ai.otc.report.render.Html.down;
import static ai.otc.report.render.Html.esc;
import static ai.otc.report.render.Html.f2;
import static ai.otc.report.render.Html.f3;
import static ai.otc.report.render.Html.pct;
import static ai.otc.report.render.Html.signed;
import static ai.otc.report.render.Html.up;

import ai.otc.report.stats.DemoResult;
import ai.otc.report.stats.EvalStats;
import ai.otc.report.stats.RewardStats;
import ai.otc.report.stats.RunStats;
import ai.otc.report.stats.Targets;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes {@code report.html}: one self-contained file (inline CSS, the charts as base64 PNG {@code data:} URIs, no
 * script, no network) with the result in a few sentences at the top, then the paper's table, the targets, the
 * training curves, the per-kind numbers, the behaviour table, seeds, tool calls and time, and the configuration.
 */
public final class HtmlReport {

  private HtmlReport() {}

  /** The report of {@code r} with {@code charts} (PNG bytes by name, as {@link Charts#render} gives them). */
  public static String of(DemoResult r, Map<String, byte[]> charts) {
    StringBuilder out = new StringBuilder(64 * 1024);
    String id = r.config().demoId();
    out.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<title>OTC demo ").append(esc(id)).append("</title>\n<style>\n").append(Html.CSS).append("</style>\n</head>\n<body>\n<main>\n");
    JsonNode raw = r.config().raw();
    out.append("<h1>OTC demo <code>").append(esc(id)).append("</code></h1>\n<p class=\"sub\">")
        .append("created ").append(esc(raw.path("created").asText("–")))
        .append(raw.path("quick").asBoolean(false) ? " · quick" : "")
        .append(" · rewards ").append(esc(String.join(", ", r.config().rewards())))
        .append(" · seeds ").append(esc(r.config().seeds().toString()))
        .append(raw.path("total_s").isNumber() ? " · took " + Html.duration(raw.path("total_s").asDouble()) : "")
        .append(" · test-split evaluation through the gateway, greedy</p>\n");
    lead(out, r);
    cards(out, r);
    HtmlSections.paperTable(out, r);
    HtmlSections.targets(out, Targets.of(r));
    figures(out, "Training curves", charts, List.of("curve-em", "curve-tc", "curve-tp", "curve-reward", "curve-kl", "curve-excess"),
        "Colour = reward; with several seeds, each seed is a thin line behind their mean. Curves come from otc.metrics.v1 (the training batches, sampled),"
            + " calls above the optimum from otc.rollouts.v1.");
    HtmlSections.kinds(out, r);
    figures(out, null, charts, List.of("kind-calls", "kind-optimal-rate"), "Test split, mean over seeds; “minimum” is"
        + " the world's minimal number of calls.");
    HtmlSections.behaviour(out, r);
    HtmlSections.seeds(out, r);
    HtmlSections.toolCalls(out, r);
    HtmlSections.configuration(out, r);
    out.append("</main>\n</body>\n</html>\n");
    return out.toString();
  }

  /** The result in a few sentences. */
  private static void lead(StringBuilder out, DemoResult r) {
    out.append("<div class=\"lead\"><strong>Result</strong>\n<ul>\n");
    RewardStats base = r.baseline() == null ? null : r.rewards().get(r.baseline());
    if (base == null) {
      out.append("<li>No baseline run (reward <code>em</code>) in this demo: no relative numbers.</li>\n");
    } else {
      EvalStats b = base.mean();
      out.append("<li>Baseline (<b>em</b>, Search-R1's EM-only reward): EM ").append(f3(b.em())).append(", TC ")
          .append(f3(b.tc())).append(" against a minimum of ").append(f3(b.optimalTc())).append(" (").append(f3(b.excessCalls()))
          .append(" excess calls per question), TP ").append(f3(b.tp())).append(", optimal-call rate ").append(pct(b.optimalCallRate()))
          .append(".</li>\n");
      for (RewardStats s : r.rewards().values()) {
        if (s == base) {
          continue;
        }
        EvalStats m = s.mean();
        out.append("<li><b>").append(esc(s.reward())).append("</b>: TC ").append(f3(m.tc())).append(" (")
            .append(down(s.vsBaseline().tcReduction())).append(" vs the baseline), EM ").append(f3(m.em())).append(" (")
            .append(signed(s.vsBaseline().emDelta())).append("), TP ").append(f3(m.tp())).append(" (")
            .append(up(s.vsBaseline().tpIncrease())).append("); ").append(excess(s.vsBaseline().excessRemoved()))
            .append("; optimal-call rate ").append(pct(m.optimalCallRate())).append(".</li>\n");
      }
    }
    if (r.initial() != null) {
      EvalStats i = r.initial().all();
      out.append("<li>All runs started from the same warm start (<code>").append(esc(r.initial().runId()))
          .append("</code>): EM ").append(f3(i.em())).append(", TC ").append(f3(i.tc())).append(", optimal-call rate ")
          .append(pct(i.optimalCallRate())).append(".</li>\n");
    }
    List<RunStats> disagree = r.allRuns().stream().filter(x -> !x.calls().agree()).toList();
    if (disagree.isEmpty()) {
      out.append("<li class=\"ok\">Tool calls metered by the gateway agree with those counted in the trajectories for every run.</li>\n");
    } else {
      out.append("<li class=\"bad\">Tool calls DISAGREE for ").append(disagree.size()).append(" of ")
          .append(r.allRuns().size()).append(" runs: ");
      for (int i = 0; i < Math.min(3, disagree.size()); i++) {
        RunStats x = disagree.get(i);
        out.append(i > 0 ? "; " : "").append("<code>").append(esc(x.runId())).append("</code> metered ")
            .append(x.calls().metered()).append(", trajectories say ").append(x.calls().sent()).append(" sent");
      }
      out.append(disagree.size() > 3 ? "; …" : "").append(" (see Tool calls and time).</li>\n");
    }
    List<Targets.Check> checks = Targets.of(r);
    if (!checks.isEmpty()) {
      long met = checks.stream().filter(Targets.Check::met).count();
      out.append("<li class=\"").append(met == checks.size() ? "ok" : "bad").append("\">").append(met).append(" of ")
          .append(checks.size()).append(" targets met (see below).</li>\n");
    }
    if (!r.missingTopics().isEmpty()) {
      out.append("<li class=\"bad\">Topics missing on the broker: ").append(esc(String.join(", ", r.missingTopics()))).append(".</li>\n");
    }
    out.append("</ul></div>\n");
  }

  private static String excess(Double removed) {
    if (removed == null) {
      return "excess calls against the baseline's: –";
    }
    return removed >= 0 ? "it removes " + pct(removed) + " of the baseline's excess calls"
        : "it makes " + pct(-removed) + " more excess calls than the baseline";
  }

  private static void cards(StringBuilder out, DemoResult r) {
    out.append("<div class=\"cards\">\n");
    if (r.initial() != null) {
      card(out, "initial", "warm start", r.initial().all());
    }
    for (RewardStats s : r.rewards().values()) {
      card(out, s.reward(), s.seeds().size() == 1 ? "1 seed" : "mean of " + s.seeds().size() + " seeds", s.mean());
    }
    out.append("</div>\n");
  }

  private static void card(StringBuilder out, String reward, String note, EvalStats s) {
    java.awt.Color c = Charts.colour(reward);
    out.append(String.format("<div class=\"card\" style=\"border-top-color:#%02x%02x%02x\">", c.getRed(), c.getGreen(), c.getBlue()))
        .append("<h3>").append(esc(reward)).append(" <span class=\"note\">").append(esc(note)).append("</span></h3>")
        .append("<div class=\"row\"><span>EM</span><span class=\"big\">").append(f3(s.em())).append("</span></div>")
        .append("<div class=\"row\"><span>TC</span><span class=\"big\">").append(f2(s.tc())).append("</span></div>")
        .append("<div class=\"row\"><span>TP</span><span>").append(f3(s.tp())).append("</span></div>")
        .append("<div class=\"row\"><span>optimal-call rate</span><span>").append(pct(s.optimalCallRate())).append("</span></div>")
        .append("<div class=\"row\"><span>excess calls</span><span>").append(f3(s.excessCalls())).append("</span></div>")
        .append("</div>\n");
  }

  private static void figures(StringBuilder out, String title, Map<String, byte[]> charts, List<String> names, String note) {
    if (title != null) {
      out.append("<h2>").append(esc(title)).append("</h2>\n");
    }
    out.append("<p class=\"note\">").append(esc(note)).append("</p>\n<div class=\"grid\">\n");
    for (String n : names) {
      byte[] png = charts.get(n);
      if (png == null) {
        continue;
      }
      out.append("<figure><img alt=\"").append(esc(n)).append("\" width=\"").append(Charts.WIDTH).append("\" height=\"")
          .append(Charts.HEIGHT).append("\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png))
          .append("\"><figcaption>plots/").append(esc(n)).append(".png</figcaption></figure>\n");
    }
    out.append("</div>\n");
  }
}
