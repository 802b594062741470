package ai.otc.report.render;

import static ai.otc.report.render.Html.down;
import static ai.otc.report.render.Html.duration;
import static ai.otc.report.render.Html.esc;
import static ai.otc.report.render.Html.f2;
import static ai.otc.report.render.Html.f3;
import static ai.otc.report.render.Html.pct;
import static ai.otc.report.render.Html.table;
import static ai.otc.report.render.Html.up;

import ai.otc.core.metrics.BehaviourTable;
import ai.otc.report.stats.DemoResult;
import ai.otc.report.stats.EvalStats;
import ai.otc.report.stats.Relative;
import ai.otc.report.stats.RewardStats;
import ai.otc.report.stats.RunStats;
import ai.otc.report.stats.Targets;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The tables of {@code report.html}, one method per section. */
final class HtmlSections {

  private HtmlSections() {}

  /** EM / TC / TP per data source with ▼TC and ▲TP against the baseline, as the paper's Table 1. */
  static void paperTable(StringBuilder out, DemoResult r) {
    out.append("<h2>Final table (paper format)</h2>\n<p class=\"note\">Test split, greedy. ▼TC = (TC<sub>base</sub> − TC) /"
        + " TC<sub>base</sub>; ▲TP = (TP − TP<sub>base</sub>) / TP<sub>base</sub> from TPs rounded to 3 decimals, as the"
        + " paper computes them (OTC.md §4); baseline: <code>em</code>. TP is “–” when no tool was called."
        + " With several seeds, means over seeds.</p>\n");
    Set<String> sources = new TreeSet<>();
    r.rewards().values().forEach(s -> sources.addAll(s.bySource().keySet()));
    if (r.initial() != null) {
      sources.addAll(r.initial().bySource().keySet());
    }
    List<String> cols = new ArrayList<>(sources);
    cols.add("all");
    List<String> header = new ArrayList<>(List.of("run"));
    for (String c : cols) {
      header.add(esc(c) + " EM");
      header.add(esc(c) + " TC");
      header.add(esc(c) + " TP");
    }
    List<List<String>> rows = new ArrayList<>();
    if (r.initial() != null) {
      List<String> row = new ArrayList<>(List.of("initial (warm start)"));
      for (String c : cols) {
        EvalStats s = c.equals("all") ? r.initial().all() : r.initial().bySource().get(c);
        cells(row, s, null);
      }
      rows.add(row);
    }
    for (RewardStats s : r.rewards().values()) {
      List<String> row = new ArrayList<>(List.of("<b>" + esc(s.reward()) + "</b>" + (s.reward().equals(r.baseline()) ? " (baseline)" : "")));
      for (String c : cols) {
        EvalStats e = c.equals("all") ? s.mean() : s.bySource().get(c);
        Relative rel = s.vsBaseline() == null ? null : c.equals("all") ? s.vsBaseline() : s.bySourceVsBaseline().get(c);
        cells(row, e, rel);
      }
      rows.add(row);
    }
    table(out, header, rows);
  }

  private static void cells(List<String> row, EvalStats s, Relative rel) {
    if (s == null) {
      row.add("");
      row.add("");
      row.add("");
      return;
    }
    row.add(f3(s.em()));
    row.add(f3(s.tc()) + (rel == null ? "" : " <span class=\"note\">(" + down(rel.tcReduction()) + ")</span>"));
    row.add(f3(s.tp()) + (rel == null || rel.tpIncrease() == null ? "" : " <span class=\"note\">(" + up(rel.tpIncrease()) + ")</span>"));
  }

  static void targets(StringBuilder out, List<Targets.Check> checks) {
    if (checks.isEmpty()) {
      return;
    }
    out.append("<h2>Against the targets</h2>\n<p class=\"note\">The main job's targets (issue #13), on this demo's"
        + " means; the issue asks for them on the default world with 3 seeds.</p>\n");
    List<List<String>> rows = new ArrayList<>();
    for (Targets.Check c : checks) {
      rows.add(List.of(esc(c.reward()), esc(c.what()), f3(c.value()), esc(c.target()),
          c.met() ? "<span class=\"ok\">met</span>" : "<span class=\"bad\">not met</span>"));
    }
    table(out, "text", List.of("run", "what", "value", "target", ""), rows);
  }

  /** Per question kind: the minimum, mean calls, optimal-call rate, excess calls and EM of each run. */
  static void kinds(StringBuilder out, DemoResult r) {
    out.append("<h2>Per question kind: calls against the minimum</h2>\n<p class=\"note\">Our world knows each question's"
        + " minimal number of tool calls. Optimal-call rate: answered correctly with exactly that many calls. Excess"
        + " calls: TC minus the minimal TC of the same questions. Kinds that need no call first.</p>\n");
    List<String> names = new ArrayList<>();
    List<Map<String, EvalStats>> maps = new ArrayList<>();
    if (r.initial() != null) {
      names.add("initial");
      maps.add(r.initial().byKind());
    }
    r.rewards().values().forEach(s -> {
      names.add(s.reward());
      maps.add(s.byKind());
    });
    out.append("<div class=\"tables\">\n");
    kindTable(out, r, "Mean tool calls", names, maps, s -> f2(s.tc()), true);
    kindTable(out, r, "Optimal-call rate", names, maps, s -> pct(s.optimalCallRate()), false);
    kindTable(out, r, "Excess calls", names, maps, s -> f2(s.excessCalls()), false);
    kindTable(out, r, "EM", names, maps, s -> f3(s.em()), false);
    out.append("</div>\n");
  }

  private static void kindTable(StringBuilder out, DemoResult r, String title, List<String> names,
      List<Map<String, EvalStats>> maps, java.util.function.Function<EvalStats, String> cell, boolean withMinimum) {
    out.append("<div><h3>").append(esc(title)).append("</h3>\n");
    List<String> header = new ArrayList<>(List.of("kind"));
    if (withMinimum) {
      header.add("questions");
      header.add("minimum");
    }
    names.forEach(n -> header.add(esc(n)));
    List<List<String>> rows = new ArrayList<>();
    for (String k : r.kinds()) {
      List<String> row = new ArrayList<>(List.of("<b>" + esc(k) + "</b>"));
      if (withMinimum) {
        EvalStats any = maps.stream().map(m -> m.get(k)).filter(x -> x != null).findFirst().orElse(EvalStats.EMPTY);
        row.add(Integer.toString(any.questions()));
        row.add(f2(any.optimalTc()));
      }
      for (Map<String, EvalStats> m : maps) {
        row.add(cell.apply(m.getOrDefault(k, EvalStats.EMPTY)));
      }
      rows.add(row);
    }
    table(out, header, rows);
    out.append("</div>\n");
  }

  static void behaviour(StringBuilder out, DemoResult r) {
    out.append("<h2>Behaviour against the baseline</h2>\n<p class=\"note\">As the paper's Table 3, in % of the test"
        + " questions both runs answered (paired by question id, seed with seed): ME same answer with fewer calls, LE"
        + " same answer with more calls, MA OTC correct and the baseline wrong, LA the baseline correct and OTC wrong,"
        + " AE OTC correct with fewer calls and the baseline wrong. Same answer = same normalised extracted answer.</p>\n");
    List<List<String>> rows = new ArrayList<>();
    for (RewardStats s : r.rewards().values()) {
      BehaviourTable b = s.behaviour();
      if (b == null) {
        continue;
      }
      rows.add(List.of("<b>" + esc(s.reward()) + "</b> vs " + esc(r.baseline()), Integer.toString(b.questions()), pct(b.me()),
          pct(b.le()), pct(b.ma()), pct(b.la()), pct(b.ae())));
    }
    if (rows.isEmpty()) {
      out.append("<p>No OTC run with a baseline to compare.</p>\n");
      return;
    }
    table(out, List.of("runs", "questions", "ME", "LE", "MA", "LA", "AE"), rows);
  }

  static void seeds(StringBuilder out, DemoResult r) {
    out.append("<h2>Seeds</h2>\n<p class=\"note\">Every run, per seed; ± is the sample standard deviation over seeds.</p>\n");
    List<List<String>> rows = new ArrayList<>();
    for (RewardStats s : r.rewards().values()) {
      for (RunStats x : s.seeds()) {
        rows.add(List.of("<code>" + esc(x.runId()) + "</code>", Long.toString(x.seed()), f3(x.all().em()), f3(x.all().tc()),
            f3(x.all().tp()), pct(x.all().optimalCallRate()), f3(x.all().excessCalls()), Integer.toString(x.steps()),
            duration(x.wallSeconds())));
      }
      if (s.seeds().size() > 1) {
        EvalStats m = s.mean();
        EvalStats d = s.std();
        rows.add(List.of("<b>" + esc(s.reward()) + " mean</b>", "", f3(m.em()) + " ± " + f3(d.em()), f3(m.tc()) + " ± " + f3(d.tc()),
            f3(m.tp()) + " ± " + f3(d.tp()), pct(m.optimalCallRate()) + " ± " + pct(d.optimalCallRate()),
            f3(m.excessCalls()) + " ± " + f3(d.excessCalls()), "", ""));
      }
    }
    table(out, List.of("run", "seed", "EM", "TC", "TP", "optimal-call rate", "excess calls", "steps", "wall-clock"), rows);
  }

  static void toolCalls(StringBuilder out, DemoResult r) {
    out.append("<h2>Tool calls and time</h2>\n<p class=\"note\">Counted: Σ m over the run's rollouts and evaluations"
        + " (m counts a search emitted in the final turn, never executed). Sent: counted minus those. Metered: distinct"
        + " (trajectory, call index) in otc.tool-usage.v1 (a refused attempt and its retry are one call). Time in tool"
        + " calls: Σ latency of the calls as the rollouts measured them.</p>\n");
    List<List<String>> rows = new ArrayList<>();
    for (RunStats x : r.allRuns()) {
      rows.add(List.of("<code>" + esc(x.runId()) + "</code>", Long.toString(x.calls().counted()),
          Long.toString(x.calls().notExecuted()), Long.toString(x.calls().sent()), Long.toString(x.calls().metered()),
          Long.toString(x.calls().refusedAttempts()),
          x.calls().agree() ? "<span class=\"ok\">agree</span>" : "<span class=\"bad\">DISAGREE</span>",
          duration(x.toolSeconds()), duration(x.evalToolSeconds()), duration(x.meteredSeconds()), duration(x.wallSeconds())));
    }
    table(out, List.of("run", "counted", "not executed", "sent", "metered", "refused", "", "in tools (training)",
        "in tools (eval)", "gateway time", "wall-clock"), rows);
    for (RunStats x : r.allRuns()) {
      if (!x.calls().agree()) {
        out.append("<p class=\"warn\">The gateway metered ").append(x.calls().metered()).append(" calls for <code>")
            .append(esc(x.runId())).append("</code> but its trajectories say ").append(x.calls().sent())
            .append(" were sent: the counts disagree.</p>\n");
      }
    }
  }

  static void configuration(StringBuilder out, DemoResult r) {
    JsonNode raw = r.config().raw();
    out.append("<h2>Configuration and versions</h2>\n<h3>Settings</h3>\n");
    keyValues(out, raw.path("settings"));
    out.append("<h3>World and initial policy</h3>\n");
    keyValues(out, raw.path("world"));
    keyValues(out, raw.path("initial_policy"));
    out.append("<h3>Phases</h3>\n");
    List<List<String>> phases = new ArrayList<>();
    for (JsonNode p : raw.path("phases")) {
      phases.add(List.of(esc(p.path("name").asText()), duration(p.path("seconds").isNumber() ? p.path("seconds").asDouble() : null)));
    }
    if (raw.path("total_s").isNumber()) {
      phases.add(List.of("<b>the whole demo</b>", "<b>" + duration(raw.path("total_s").asDouble()) + "</b>"));
    }
    table(out, List.of("phase", "time"), phases);
    out.append("<h3>Versions</h3>\n");
    keyValues(out, raw.path("versions"));
    out.append("<h3>Records read</h3>\n");
    List<List<String>> rec = new ArrayList<>();
    r.recordsRead().forEach((t, n) -> rec.add(List.of("<code>" + esc(t) + "</code>", Long.toString(n),
        Long.toString(r.recordsKept().getOrDefault(t, 0L)))));
    table(out, List.of("topic", "records (all runs)", "this demo's, deduplicated"), rec);
  }

  private static void keyValues(StringBuilder out, JsonNode node) {
    if (!node.isObject() || node.isEmpty()) {
      out.append("<p class=\"note\">(not recorded)</p>\n");
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      rows.add(List.of("<code>" + esc(e.getKey()) + "</code>", esc(e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString())));
    }
    table(out, "text", List.of("key", "value"), rows);
  }
}
