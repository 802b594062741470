package ai.otc.policy.eval;

import ai.otc.core.em.ExactMatch;
import ai.otc.core.metrics.ToolMetrics;
import ai.otc.world.QuestionKind;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * EM / TC / TP of a set of outcomes overall, per data source and per question kind (OTC.md §4), printed in the shape
 * of the paper's tables and convertible to JSON for later comparison.
 */
public final class EvalReport {
  private final String label;
  private final List<QuestionOutcome> outcomes;
  private final ToolMetrics overall = new ToolMetrics();
  private final Map<String, ToolMetrics> bySource = new TreeMap<>();
  private final Map<String, ToolMetrics> byKind = new LinkedHashMap<>();
  private int valid;

  public EvalReport(String label, List<QuestionOutcome> outcomes) {
    this.label = label;
    this.outcomes = List.copyOf(outcomes);
    for (QuestionKind k : QuestionKind.values()) {
      byKind.put(k.label(), new ToolMetrics());
    }
    for (QuestionOutcome o : outcomes) {
      double em = o.correct() ? 1 : 0;
      overall.add(em, o.toolCalls());
      bySource.computeIfAbsent(o.question().dataSource(), k -> new ToolMetrics()).add(em, o.toolCalls());
      byKind.get(o.question().kind().label()).add(em, o.toolCalls());
      if (o.valid()) {
        valid++;
      }
    }
    byKind.values().removeIf(m -> m.count() == 0);
  }

  public List<QuestionOutcome> outcomes() {
    return outcomes;
  }

  public ToolMetrics overall() {
    return overall;
  }

  public Map<String, ToolMetrics> byKind() {
    return byKind;
  }

  public Map<String, ToolMetrics> bySource() {
    return bySource;
  }

  /** Share of outcomes that were protocol-valid. */
  public double validShare() {
    return outcomes.isEmpty() ? Double.NaN : (double) valid / outcomes.size();
  }

  private static String tp(ToolMetrics m) {
    return m.tp().isPresent() ? String.format(Locale.ROOT, "%.3f", m.tp().getAsDouble()) : "-";
  }

  /** Markdown tables: one row with EM / TC / TP per data source (the paper's layout), then per kind (EM / TC). */
  public String table() {
    StringBuilder sb = new StringBuilder();
    sb.append("| run | ");
    for (String s : bySource.keySet()) {
      sb.append(s).append(" EM | ").append(s).append(" TC | ").append(s).append(" TP | ");
    }
    sb.append("all EM | all TC | all TP | valid |\n|---|");
    sb.append("---|---|---|".repeat(bySource.size() + 1)).append("---|\n");
    sb.append("| ").append(label).append(" | ");
    for (ToolMetrics m : bySource.values()) {
      sb.append(String.format(Locale.ROOT, "%.3f | %.3f | %s | ", m.em(), m.tc(), tp(m)));
    }
    sb.append(String.format(Locale.ROOT, "%.3f | %.3f | %s | %.1f%% |%n", overall.em(), overall.tc(), tp(overall),
        100 * validShare()));
    sb.append("\n| run | n | ");
    for (String k : byKind.keySet()) {
      sb.append(k).append(" EM/TC | ");
    }
    sb.append("\n|---|---|").append("---|".repeat(byKind.size())).append('\n');
    sb.append("| ").append(label).append(" | ").append(outcomes.size()).append(" | ");
    for (ToolMetrics m : byKind.values()) {
      sb.append(String.format(Locale.ROOT, "%.2f/%.2f | ", m.em(), m.tc()));
    }
    sb.append('\n');
    return sb.toString();
  }

  private static Map<String, Object> metrics(ToolMetrics m) {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("n", m.count());
    j.put("em", m.em());
    j.put("tc", m.tc());
    j.put("tp", m.tp().isPresent() ? m.tp().getAsDouble() : null);
    return j;
  }

  /** JSON-ready summary (overall, per source, per kind, valid share). */
  public Map<String, Object> toJson() {
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("label", label);
    j.put("overall", metrics(overall));
    j.put("valid", validShare());
    Map<String, Object> s = new LinkedHashMap<>();
    bySource.forEach((k, v) -> s.put(k, metrics(v)));
    j.put("by_source", s);
    Map<String, Object> k = new LinkedHashMap<>();
    byKind.forEach((kk, v) -> k.put(kk, metrics(v)));
    j.put("by_kind", k);
    return j;
  }

  /** Per-question rows (id, kind, normalized answer, correct, tool calls, valid, response) for behaviour tables. */
  public List<Map<String, Object>> perQuestion() {
    return outcomes.stream().map(o -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("id", o.question().id());
      m.put("kind", o.question().kind().label());
      m.put("data_source", o.question().dataSource());
      m.put("normalized_answer", o.prediction() == null ? null : ExactMatch.normalize(o.prediction()));
      m.put("correct", o.correct());
      m.put("tool_calls", o.toolCalls());
      m.put("min_calls", o.question().minCalls());
      m.put("valid", o.valid());
      m.put("response", o.response());
      return m;
    }).toList();
  }
}
