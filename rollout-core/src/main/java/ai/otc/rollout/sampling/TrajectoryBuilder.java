package ai.otc.rollout.sampling;

import ai.otc.policy.generation.AnswerScoring;
import ai.otc.policy.generation.Rollout;
import ai.otc.policy.generation.ToolCallRecord;
import ai.otc.policy.generation.ToolProtocol;
import ai.otc.policy.generation.TurnAction;
import ai.otc.policy.generation.TurnRecord;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.proto.v1.ToolCall;
import ai.otc.proto.v1.ToolKind;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.Trajectory;
import ai.otc.proto.v1.Turn;
import ai.otc.world.Question;
import com.google.protobuf.Timestamp;
import java.time.Instant;
import java.util.List;

/**
 * Builds one {@code otc.v1.Trajectory} from a generated row: ids, question, tokens split into prompt and response,
 * loss mask (1 = sampled by the policy), old log-probs (0 where masked), the turns with their tool calls as the
 * environment recorded them (plus a final {@code NONE} turn for text generated after the last recognised action),
 * the response text, the extracted answer and its verdict ({@link AnswerScoring}, as {@code policy-offline}'s
 * evaluation), m, and the question's kind, minimal calls and data source.
 */
public final class TrajectoryBuilder {
  private final WordTokenizer tokenizer;

  public TrajectoryBuilder(WordTokenizer tokenizer) {
    this.tokenizer = tokenizer;
  }

  /** Who a row is. */
  public record Row(String runId, long batch, long policyVersion, int groupSize, Question question, String groupId,
      String trajectoryId, long seed, ToolProtocol protocol) {}

  /** The trajectory of {@code row}. */
  public Trajectory build(Row row, Rollout r, List<TurnRecord> turns, int toolCalls) {
    Question q = row.question();
    int p = r.promptLength();
    int n = r.tokens().length;
    Trajectory.Builder t = Trajectory.newBuilder()
        .setTrajectoryId(row.trajectoryId())
        .setGroupId(row.groupId())
        .setQuestionId(q.id())
        .setDataSource(q.dataSource())
        .setGroupSize(row.groupSize())
        .setPolicyVersion(row.policyVersion())
        .setRunId(row.runId())
        .setQuestion(q.question())
        .addAllGoldenAnswers(q.goldenAnswers())
        .setSeed(row.seed())
        .setQuestionKind(q.kind().label())
        .setMinCalls(q.minCalls())
        .setRolloutBatch(row.batch())
        .setToolCallCount(toolCalls);
    Instant now = Instant.now();
    t.setCreatedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()));
    for (int i = 0; i < p; i++) {
      t.addPromptTokenIds(r.tokens()[i]);
    }
    for (int i = p; i < n; i++) {
      t.addResponseTokenIds(r.tokens()[i]);
      t.addLossMask(r.generated()[i] ? 1 : 0);
      t.addOldLogProbs(r.generated()[i] ? r.logProbs()[i] : 0f);
    }
    int after = p;
    for (TurnRecord tr : turns) {
      t.addTurns(turn(tr));
      after = tr.end() + tr.inserted();
    }
    int firstGenerated = -1;
    for (int i = after; i < n; i++) {
      if (r.generated()[i]) {
        firstGenerated = i;
        break;
      }
    }
    if (firstGenerated >= 0) {
      t.addTurns(Turn.newBuilder().setIndex(turns.size()).setText(tokenizer.decode(r.tokens(), firstGenerated, n))
          .setAction(ai.otc.proto.v1.TurnAction.TURN_ACTION_NONE));
    }
    String response = tokenizer.decode(r.response());
    AnswerScoring.Verdict v = AnswerScoring.score(row.protocol(), response, q.goldenAnswers());
    t.setResponseText(response)
        .setHasAnswer(v.prediction() != null)
        .setExtractedAnswer(v.prediction() == null ? "" : v.prediction())
        .setCorrect(v.correct());
    return t.build();
  }

  private static Turn turn(TurnRecord tr) {
    Turn.Builder b = Turn.newBuilder().setIndex(tr.index()).setText(tr.text()).setAction(action(tr.action()));
    ToolCallRecord c = tr.toolCall();
    if (c != null) {
      b.setToolCall(ToolCall.newBuilder()
          .setTool(c.tool() == ToolProtocol.SEARCH ? ToolKind.TOOL_KIND_SEARCH : ToolKind.TOOL_KIND_CODE)
          .setArguments(c.arguments())
          .setStatus(ToolStatus.valueOf("TOOL_STATUS_" + c.status().name()))
          .setLatencyMs(c.latencyMs())
          .setCacheHit(c.cacheHit())
          .setCallId(c.callId())
          .setObservation(c.observation()));
    }
    return b.build();
  }

  private static ai.otc.proto.v1.TurnAction action(TurnAction a) {
    return ai.otc.proto.v1.TurnAction.valueOf("TURN_ACTION_" + a.name());
  }
}
