package ai.otc.report.render;

import ai.otc.core.metrics.BehaviourTable;
import ai.otc.report.stats.CallCheck;
import ai.otc.report.stats.Curve;
import ai.otc.report.stats.DemoResult;
import ai.otc.report.stats.EvalStats;
import ai.otc.report.stats.Relative;
import ai.otc.report.stats.RewardStats;
import ai.otc.report.stats.RunStats;
import ai.otc.report.stats.Targets;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link DemoResult} as the tree of {@code summary.json} (schema in the module's README). Undefined numbers
 * are null; nothing depends on when or where the report was built, so the same records give the same bytes.
 */
public final class SummaryJson {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** The mapper that writes the file: indented, fields in insertion order. */
  public static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private SummaryJson() {}

  /** The tree of {@code summary.json}. */
  public static ObjectNode of(DemoResult r) {
    ObjectNode root = F.objectNode();
    ObjectNode raw = r.config().raw();
    root.put("demo_id", r.config().demoId());
    root.set("created", raw.path("created").deepCopy());
    root.set("quick", raw.path("quick").deepCopy());
    root.put("baseline", r.baseline());
    root.set("initial", r.initial() == null ? F.nullNode() : runBlock(r.initial()));
    ObjectNode runs = root.putObject("runs");
    r.rewards().forEach((reward, s) -> runs.set(reward, rewardBlock(s)));
    root.put("tool_calls_agree", r.allRuns().stream().allMatch(x -> x.calls().agree()));
    ArrayNode targets = root.putArray("targets");
    for (Targets.Check c : Targets.of(r)) {
      ObjectNode t = targets.addObject();
      t.put("reward", c.reward());
      t.put("what", c.what());
      num(t, "value", c.value());
      t.put("target", c.target());
      t.put("met", c.met());
    }
    ObjectNode curves = root.putObject("curves");
    r.curves().forEach((id, c) -> curves.set(id, curve(c)));
    ObjectNode records = root.putObject("records");
    records.set("read", longs(r.recordsRead()));
    records.set("kept", longs(r.recordsKept()));
    ArrayNode missing = records.putArray("missing_topics");
    r.missingTopics().forEach(missing::add);
    ObjectNode config = root.putObject("config");
    for (String key : List.of("settings", "world", "initial_policy", "rewards", "seeds", "runs", "phases", "total_s",
        "finished", "kafka")) {
      config.set(key, raw.has(key) ? raw.get(key).deepCopy() : F.nullNode());
    }
    root.set("versions", raw.has("versions") ? raw.get("versions").deepCopy() : F.nullNode());
    return root;
  }

  static ObjectNode stats(EvalStats s) {
    ObjectNode n = F.objectNode();
    n.put("questions", s.questions());
    num(n, "em", s.em());
    num(n, "tc", s.tc());
    num(n, "tp", s.tp());
    num(n, "optimal_tc", s.optimalTc());
    num(n, "excess_calls", s.excessCalls());
    num(n, "optimal_call_rate", s.optimalCallRate());
    return n;
  }

  static ObjectNode runBlock(RunStats s) {
    ObjectNode n = F.objectNode();
    n.put("run_id", s.runId());
    n.put("seed", s.seed());
    n.setAll(stats(s.all()));
    n.set("by_kind", statsMap(s.byKind()));
    n.set("by_source", statsMap(s.bySource()));
    n.set("tool_calls", calls(s.calls()));
    num(n, "tool_time_s", s.toolSeconds());
    num(n, "eval_tool_time_s", s.evalToolSeconds());
    num(n, "metered_tool_time_s", s.meteredSeconds());
    num(n, "wall_s", s.wallSeconds());
    n.put("steps", s.steps());
    return n;
  }

  static ObjectNode rewardBlock(RewardStats s) {
    ObjectNode n = F.objectNode();
    ArrayNode ids = n.putArray("run_ids");
    s.seeds().forEach(x -> ids.add(x.runId()));
    n.setAll(stats(s.mean()));
    ObjectNode std = stats(s.std());
    std.remove("questions");
    n.set("std", std);
    n.set("by_kind", statsMap(s.byKind()));
    n.set("by_source", statsMap(s.bySource()));
    if (s.vsBaseline() == null) {
      n.putNull("vs_baseline");
    } else {
      ObjectNode vs = relative(s.vsBaseline());
      ObjectNode bySource = vs.putObject("by_source");
      s.bySourceVsBaseline().forEach((k, v) -> bySource.set(k, relative(v)));
      vs.set("behaviour", s.behaviour() == null ? F.nullNode() : behaviour(s.behaviour()));
      ArrayNode perSeed = vs.putArray("behaviour_by_seed");
      s.behaviourBySeed().forEach(b -> perSeed.add(behaviour(b)));
      n.set("vs_baseline", vs);
    }
    n.set("tool_calls", calls(s.calls()));
    num(n, "tool_time_s_total", s.seeds().stream().mapToDouble(RunStats::toolSeconds).sum());
    num(n, "eval_tool_time_s_total", s.seeds().stream().mapToDouble(RunStats::evalToolSeconds).sum());
    num(n, "wall_s_total", s.seeds().stream().anyMatch(x -> x.wallSeconds() == null) ? null
        : s.seeds().stream().mapToDouble(RunStats::wallSeconds).sum());
    ArrayNode seeds = n.putArray("seeds");
    s.seeds().forEach(x -> seeds.add(runBlock(x)));
    return n;
  }

  static ObjectNode relative(Relative r) {
    ObjectNode n = F.objectNode();
    num(n, "tc_reduction", r.tcReduction());
    num(n, "tp_increase", r.tpIncrease());
    num(n, "excess_removed", r.excessRemoved());
    num(n, "em_delta", r.emDelta());
    return n;
  }

  static ObjectNode behaviour(BehaviourTable b) {
    ObjectNode n = F.objectNode();
    n.put("questions", b.questions());
    num(n, "me", b.me());
    num(n, "le", b.le());
    num(n, "ma", b.ma());
    num(n, "la", b.la());
    num(n, "ae", b.ae());
    return n;
  }

  static ObjectNode calls(CallCheck c) {
    ObjectNode n = F.objectNode();
    n.put("counted", c.counted());
    n.put("not_executed", c.notExecuted());
    n.put("sent", c.sent());
    n.put("metered", c.metered());
    n.put("refused_attempts", c.refusedAttempts());
    n.put("agree", c.agree());
    return n;
  }

  static ObjectNode curve(Curve c) {
    ObjectNode n = F.objectNode();
    n.put("reward", c.reward());
    n.put("seed", c.seed());
    ArrayNode step = n.putArray("step");
    c.step().forEach(step::add);
    n.set("em", doubles(c.em()));
    n.set("tc", doubles(c.tc()));
    n.set("tp", doubles(c.tp()));
    n.set("mean_reward", doubles(c.meanReward()));
    n.set("kl", doubles(c.kl()));
    ArrayNode batch = n.putArray("batch");
    c.batch().forEach(batch::add);
    n.set("calls_above_optimum", doubles(c.callsAboveOptimum()));
    return n;
  }

  private static ObjectNode statsMap(Map<String, EvalStats> m) {
    ObjectNode n = F.objectNode();
    m.forEach((k, v) -> n.set(k, stats(v)));
    return n;
  }

  private static ObjectNode longs(Map<String, Long> m) {
    ObjectNode n = F.objectNode();
    m.forEach(n::put);
    return n;
  }

  private static ArrayNode doubles(List<Double> values) {
    ArrayNode a = F.arrayNode();
    for (Double v : values) {
      if (v == null || !Double.isFinite(v)) {
        a.addNull();
      } else {
        a.add(v);
      }
    }
    return a;
  }

  /** Puts {@code v}, or null when it is null, NaN or infinite (JSON has no NaN). */
  static void num(ObjectNode n, String key, Double v) {
    if (v == null || !Double.isFinite(v)) {
      n.putNull(key);
    } else {
      n.put(key, v.doubleValue());
    }
  }
}
