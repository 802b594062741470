package ai.otc.cli.score;

import ai.otc.core.em.AnswerExtractor;
import ai.otc.core.em.ExactMatch;
import ai.otc.core.metrics.ToolMetrics;
import ai.otc.core.protocol.SearchProtocol;
import ai.otc.core.reward.GroupScorer;
import ai.otc.core.reward.OptimalCallState;
import ai.otc.core.reward.Outcome;
import ai.otc.core.reward.TrajectoryReward;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The streaming engine of {@code otc score}: reads JSON Lines, assembles groups (runs of
 * consecutive lines sharing a {@code group_id}), scores each complete group with the core's
 * {@link GroupScorer} and writes one line per trajectory in input order. Holds one group at a time.
 */
public final class JsonlScorer {

  private final GroupScorer scorer;
  private final OptimalCallState state;
  private final SearchProtocol protocol;
  private final AnswerExtractor extractor = AnswerExtractor.responseOnly();
  private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private final ToolMetrics metrics = new ToolMetrics();
  private long groups;

  public JsonlScorer(GroupScorer scorer, OptimalCallState state, SearchProtocol protocol) {
    this.scorer = scorer;
    this.state = state;
    this.protocol = protocol;
  }

  /** One parsed input line waiting for its group to complete. */
  private record Pending(ObjectNode node, String trajectoryId, String questionId, Outcome outcome, String answer, boolean fromResponse) {}

  /**
   * Scores everything from {@code in} to {@code out}. Stops at the first bad line with an
   * {@link InputException}; the group being read at that point is not written.
   */
  public void run(BufferedReader in, Writer out) throws IOException, InputException {
    JsonGenerator gen = new JsonFactory(json).createGenerator(out).disable(JsonGenerator.Feature.FLUSH_PASSED_TO_STREAM);
    gen.setRootValueSeparator(null);
    List<Pending> group = new ArrayList<>();
    String groupId = null;
    Set<String> finished = new HashSet<>();
    long lineNo = 0;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      ObjectNode node = parseObject(line, lineNo);
      String gid = requireText(node, "group_id", lineNo);
      if (!gid.equals(groupId)) {
        if (groupId != null) {
          emit(groupId, group, gen);
          finished.add(groupId);
        }
        if (finished.contains(gid)) {
          throw new InputException(lineNo, "group_id '" + gid + "' comes back after another group started;"
              + " a group must be a run of consecutive lines");
        }
        groupId = gid;
      }
      group.add(parseMember(node, gid, lineNo, group));
    }
    if (groupId != null) {
      emit(groupId, group, gen);
    }
    gen.flush();
  }

  public ToolMetrics metrics() {
    return metrics;
  }

  public long groups() {
    return groups;
  }

  private ObjectNode parseObject(String line, long lineNo) throws InputException {
    JsonNode node;
    try {
      node = json.readTree(line);
    } catch (JsonProcessingException e) {
      throw new InputException(lineNo, "invalid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) {
      throw new InputException(lineNo, "expected a JSON object, got " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase()));
    }
    return (ObjectNode) node;
  }

  private Pending parseMember(ObjectNode node, String gid, long lineNo, List<Pending> group) throws InputException {
    String tid = requireText(node, "trajectory_id", lineNo);
    String qid = requireText(node, "question_id", lineNo);
    if (!group.isEmpty() && !group.get(0).questionId().equals(qid)) {
      throw new InputException(lineNo, "group '" + gid + "' mixes questions '" + group.get(0).questionId() + "' and '" + qid + "'");
    }
    for (Pending p : group) {
      if (p.trajectoryId().equals(tid)) {
        throw new InputException(lineNo, "trajectory_id '" + tid + "' appears twice in group '" + gid + "'");
      }
    }
    int m;
    boolean correct;
    String answer = null;
    boolean fromResponse = node.has("response");
    if (node.has("tool_calls") || node.has("correct")) {
      JsonNode tc = node.get("tool_calls");
      if (tc == null || !tc.isIntegralNumber() || !tc.canConvertToInt()) {
        throw new InputException(lineNo, "'tool_calls' must be an integer (with 'correct')" + (tc == null ? ", missing" : ", got " + tc));
      }
      m = tc.intValue();
      if (m < 0) {
        throw new InputException(lineNo, "'tool_calls' must be >= 0, got " + m);
      }
      JsonNode c = node.get("correct");
      if (c == null || !c.isBoolean()) {
        throw new InputException(lineNo, "'correct' must be true or false (with 'tool_calls')" + (c == null ? ", missing" : ", got " + c));
      }
      correct = c.booleanValue();
      fromResponse = false;
    } else if (fromResponse) {
      JsonNode r = node.get("response");
      if (!r.isTextual()) {
        throw new InputException(lineNo, "'response' must be a string");
      }
      List<String> golds = goldenAnswers(node, lineNo);
      String text = r.textValue();
      m = protocol.countToolCalls(text);
      answer = extractor.extract(text);
      correct = answer != null && ExactMatch.isMatch(answer, golds);
    } else {
      throw new InputException(lineNo, "needs either 'tool_calls' + 'correct', or 'response' + 'golden_answers'");
    }
    double rPhi = correct ? 1.0 : 0.0;
    JsonNode rp = node.get("r_phi");
    if (rp != null && !rp.isNull()) {
      if (!rp.isNumber() || !Double.isFinite(rp.doubleValue())) {
        throw new InputException(lineNo, "'r_phi' must be a finite number, got " + rp);
      }
      rPhi = rp.doubleValue();
    }
    return new Pending(node, tid, qid, new Outcome(m, correct, rPhi), answer, fromResponse);
  }

  private static List<String> goldenAnswers(ObjectNode node, long lineNo) throws InputException {
    JsonNode g = node.get("golden_answers");
    if (g == null) {
      throw new InputException(lineNo, "'golden_answers' is missing (needed with 'response')");
    }
    List<String> golds = new ArrayList<>();
    if (g.isTextual()) {
      golds.add(g.textValue());
    } else if (g.isArray()) {
      for (JsonNode e : g) {
        if (!e.isTextual()) {
          throw new InputException(lineNo, "'golden_answers' must be a list of strings, got an element " + e);
        }
        golds.add(e.textValue());
      }
    } else {
      throw new InputException(lineNo, "'golden_answers' must be a list of strings (or one string)");
    }
    return golds;
  }

  private static String requireText(ObjectNode node, String field, long lineNo) throws InputException {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw new InputException(lineNo, "missing field '" + field + "'");
    }
    if (!v.isTextual() && !v.isNumber()) {
      throw new InputException(lineNo, "'" + field + "' must be a string or a number, got " + v.getNodeType().name().toLowerCase());
    }
    return v.asText();
  }

  private void emit(String groupId, List<Pending> group, JsonGenerator gen) throws IOException {
    List<Outcome> outcomes = new ArrayList<>(group.size());
    for (Pending p : group) {
      outcomes.add(p.outcome());
    }
    GroupScorer.GroupResult result = scorer.score(group.get(0).questionId(), outcomes, state);
    OptionalInt n = result.n();
    for (int i = 0; i < group.size(); i++) {
      Pending p = group.get(i);
      TrajectoryReward r = result.members().get(i);
      ObjectNode node = p.node();
      if (p.fromResponse()) {
        if (p.answer() == null) {
          node.putNull("answer");
        } else {
          node.put("answer", p.answer());
        }
      }
      node.put("m", p.outcome().toolCalls());
      node.put("correct", p.outcome().correct());
      node.put("r_phi", r.rPhi());
      putNullable(node, "r_tool", r.rTool());
      node.put("reward", r.reward());
      if (n.isPresent()) {
        node.put("n", n.getAsInt());
      } else {
        node.putNull("n");
      }
      putNullable(node, "advantage", r.advantage());
      gen.writeTree(node);
      gen.writeRaw('\n');
      metrics.add(p.outcome().correct() ? 1 : 0, p.outcome().toolCalls());
    }
    groups++;
    group.clear();
  }

  private static void putNullable(ObjectNode node, String field, double v) {
    if (Double.isNaN(v)) {
      node.putNull(field);
    } else {
      node.put(field, v);
    }
  }
}
