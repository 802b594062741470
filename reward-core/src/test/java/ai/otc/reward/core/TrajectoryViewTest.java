package ai.otc.reward.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.fail;

import ai.otc.proto.v1.ToolCall;
import ai.otc.proto.v1.ToolKind;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.Trajectory;
import ai.otc.proto.v1.Turn;
import ai.otc.proto.v1.TurnAction;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link TrajectoryView} must accept exactly what {@code Trajectory.parseFrom} accepts and read the
 * same values: realistic records, every protobuf-java acceptance rule one by one, and a seeded fuzz.
 */
class TrajectoryViewTest {

  // ---------------------------------------------------------------------------------------------
  // Parity oracle

  /** Outcome of one comparison, for the fuzz's statistics. */
  private enum Verdict { BOTH_ACCEPT, BOTH_REJECT }

  /** Asserts view and generated parser agree on acceptance and, when both accept, on every field. */
  private static Verdict assertParity(byte[] bytes) {
    Trajectory expected;
    InvalidProtocolBufferException expectedError = null;
    try {
      expected = Trajectory.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      expected = null;
      expectedError = e;
    }
    TrajectoryView view;
    InvalidProtocolBufferException viewError = null;
    try {
      view = TrajectoryView.parse(bytes);
    } catch (InvalidProtocolBufferException e) {
      view = null;
      viewError = e;
    }
    if (expected == null && view != null) {
      fail("view accepted what parseFrom rejects (" + expectedError.getMessage() + "): " + hex(bytes));
    }
    if (expected != null && view == null) {
      fail("view rejected what parseFrom accepts (" + viewError.getMessage() + "): " + hex(bytes));
    }
    if (expected == null) {
      return Verdict.BOTH_REJECT;
    }
    assertSameFields(view, expected, bytes);
    return Verdict.BOTH_ACCEPT;
  }

  private static void assertSameFields(TrajectoryView v, Trajectory t, byte[] bytes) {
    String where = hex(bytes);
    assertThat(v.bytes()).as("bytes are the original array").isSameAs(bytes);
    assertThat(v.trajectoryId()).as("trajectory_id %s", where).isEqualTo(t.getTrajectoryId());
    assertThat(v.groupId()).as("group_id %s", where).isEqualTo(t.getGroupId());
    assertThat(v.questionId()).as("question_id %s", where).isEqualTo(t.getQuestionId());
    assertThat(v.groupSize()).as("group_size %s", where).isEqualTo(t.getGroupSize());
    assertThat(v.policyVersion()).as("policy_version %s", where).isEqualTo(t.getPolicyVersion());
    assertThat(v.runId()).as("run_id %s", where).isEqualTo(t.getRunId());
    assertThat(v.goldenAnswers()).as("golden_answers %s", where).containsExactlyElementsOf(t.getGoldenAnswersList());
    assertThat(v.extractedAnswer()).as("extracted_answer %s", where).isEqualTo(t.getExtractedAnswer());
    assertThat(v.hasAnswer()).as("has_answer %s", where).isEqualTo(t.getHasAnswer());
    assertThat(v.toolCallCount()).as("tool_call_count %s", where).isEqualTo(t.getToolCallCount());
    assertThat(v.correct()).as("correct %s", where).isEqualTo(t.getCorrect());
  }

  private static void assertAccepted(byte[] bytes) {
    assertThat(assertParity(bytes)).as("accepted by both: %s", hex(bytes)).isEqualTo(Verdict.BOTH_ACCEPT);
  }

  private static void assertRejected(byte[] bytes) {
    assertThat(assertParity(bytes)).as("rejected by both: %s", hex(bytes)).isEqualTo(Verdict.BOTH_REJECT);
    assertThatThrownBy(() -> TrajectoryView.parse(bytes)).isInstanceOf(InvalidProtocolBufferException.class);
  }

  private static String hex(byte[] b) {
    return b.length <= 400 ? HexFormat.of().formatHex(b) : HexFormat.of().formatHex(b, 0, 400) + "... (" + b.length + " bytes)";
  }

  // ---------------------------------------------------------------------------------------------
  // Realistic records

  static Trajectory realistic(Random rnd, int promptTokens, int responseTokens, int turns) {
    String tid = "t-" + rnd.nextInt(1_000_000);
    Trajectory.Builder b = Trajectory.newBuilder()
        .setTrajectoryId(tid)
        .setGroupId("g-" + rnd.nextInt(1000))
        .setQuestionId("nq-" + rnd.nextInt(100_000))
        .setDataSource(rnd.nextBoolean() ? "nq" : "hotpotqa")
        .setGroupSize(1 + rnd.nextInt(16))
        .setPolicyVersion(rnd.nextInt(4) == 0 ? 0 : rnd.nextLong(1 << 20))
        .setRunId(rnd.nextInt(4) == 0 ? "" : "run-" + rnd.nextInt(10))
        .setQuestion("who wrote the novel " + rnd.nextInt(100) + "? – “quoted” ünïcödé 🚀")
        .setResponseText("<search>q</search> … <answer>Émile Zola</answer>")
        .setExtractedAnswer(rnd.nextBoolean() ? "Émile Zola" : "")
        .setHasAnswer(rnd.nextBoolean())
        .setToolCallCount(rnd.nextInt(6))
        .setCorrect(rnd.nextBoolean())
        .setCreatedAt(Timestamp.newBuilder().setSeconds(1_700_000_000L + rnd.nextInt(1_000_000)).setNanos(rnd.nextInt(1_000_000_000)))
        .setSeed(rnd.nextLong());
    int golden = rnd.nextInt(4);
    for (int i = 0; i < golden; i++) {
      b.addGoldenAnswers(i == 0 ? "Émile Zola" : "answer " + i);
    }
    for (int i = 0; i < promptTokens; i++) {
      b.addPromptTokenIds(rnd.nextInt(151_000));
    }
    for (int i = 0; i < responseTokens; i++) {
      b.addResponseTokenIds(rnd.nextInt(151_000));
      boolean policy = rnd.nextInt(4) != 0;
      b.addLossMask(policy ? 1 : 0);
      b.addOldLogProbs(policy ? (float) -rnd.nextDouble() * 5 : 0f);
    }
    for (int i = 0; i < turns; i++) {
      Turn.Builder turn = Turn.newBuilder().setIndex(i).setText("<think>step " + i + "</think><search>ü " + i + "</search>")
          .setAction(i == turns - 1 ? TurnAction.TURN_ACTION_ANSWER : TurnAction.TURN_ACTION_SEARCH);
      if (i < turns - 1) {
        turn.setToolCall(ToolCall.newBuilder().setTool(ToolKind.TOOL_KIND_SEARCH).setArguments("query ü " + i)
            .setStatus(ToolStatus.TOOL_STATUS_OK).setLatencyMs(rnd.nextDouble() * 100).setCacheHit(rnd.nextBoolean())
            .setCallId(tid + ":" + i).setObservation("Doc 1 (Title: “x”) text…"));
      }
      b.addTurns(turn);
    }
    return b.build();
  }

  @Test
  void realisticTrajectoriesReadLikeTheGeneratedGetters() throws Exception {
    Random rnd = new Random(1);
    for (int i = 0; i < 300; i++) {
      Trajectory t = realistic(rnd, rnd.nextInt(64), rnd.nextInt(128), rnd.nextInt(5));
      byte[] bytes = t.toByteArray();
      assertAccepted(bytes);
      TrajectoryView v = TrajectoryView.parse(bytes);
      assertSameFields(v, t, bytes);
    }
  }

  @Test
  void emptyInputIsTheDefaultTrajectory() throws Exception {
    TrajectoryView v = TrajectoryView.parse(new byte[0]);
    assertThat(v.trajectoryId()).isEmpty();
    assertThat(v.groupId()).isEmpty();
    assertThat(v.questionId()).isEmpty();
    assertThat(v.runId()).isEmpty();
    assertThat(v.extractedAnswer()).isEmpty();
    assertThat(v.goldenAnswers()).isEmpty();
    assertThat(v.groupSize()).isZero();
    assertThat(v.policyVersion()).isZero();
    assertThat(v.toolCallCount()).isZero();
    assertThat(v.hasAnswer()).isFalse();
    assertThat(v.correct()).isFalse();
    assertAccepted(new byte[0]);
  }

  @Test
  void goldenAnswersKeepOrderAcrossInterleavedOccurrencesAndAreUnmodifiable() throws Exception {
    byte[] bytes = new Wire().string(9, "a").string(1, "id").string(9, "").string(16, "x").string(9, "c").bytes();
    assertAccepted(bytes);
    TrajectoryView v = TrajectoryView.parse(bytes);
    assertThat(v.goldenAnswers()).containsExactly("a", "", "c");
    assertThatThrownBy(() -> v.goldenAnswers().add("d")).isInstanceOf(UnsupportedOperationException.class);
    TrajectoryView one = TrajectoryView.parse(new Wire().string(9, "only").bytes());
    assertThat(one.goldenAnswers()).containsExactly("only");
    assertThatThrownBy(() -> one.goldenAnswers().add("d")).isInstanceOf(UnsupportedOperationException.class);
  }

  // ---------------------------------------------------------------------------------------------
  // Singular fields

  @Test
  void lastOccurrenceOfASingularFieldWins() throws Exception {
    byte[] bytes = new Wire()
        .string(1, "first").string(1, "second")
        .varint(5, 3).varint(5, 7)
        .varint(6, 9).varint(6, 0)
        .varint(17, 1).varint(17, 0)
        .varint(19, 0).varint(19, 1)
        .varint(18, 4).varint(18, 2)
        .string(16, "x").string(16, "y")
        .string(7, "r1").string(7, "")
        .bytes();
    assertAccepted(bytes);
    TrajectoryView v = TrajectoryView.parse(bytes);
    assertThat(v.trajectoryId()).isEqualTo("second");
    assertThat(v.groupSize()).isEqualTo(7);
    assertThat(v.policyVersion()).isZero();
    assertThat(v.hasAnswer()).isFalse();
    assertThat(v.correct()).isTrue();
    assertThat(v.toolCallCount()).isEqualTo(2);
    assertThat(v.extractedAnswer()).isEqualTo("y");
    assertThat(v.runId()).isEmpty();
  }

  @Test
  void int32FieldsKeepTheLow32BitsOfA64BitVarint() {
    assertAccepted(new Wire().varint(5, (1L << 32) + 5).varint(18, -1L).bytes());
    assertAccepted(new Wire().varint(5, -7L).varint(18, Long.MIN_VALUE + 3).bytes());
  }

  @Test
  void boolsAreAnyNonZeroVarintIncludingOnesWhoseLow32BitsAreZero() {
    assertAccepted(new Wire().varint(17, 1L << 32).varint(19, 2).bytes());
    assertAccepted(new Wire().varint(17, 0).varint(19, Long.MIN_VALUE).bytes());
    // Non-canonical zero: 0x80 0x00.
    assertAccepted(new Wire().tag(17, 0).raw(0x80, 0x00).tag(19, 0).raw(0x80, 0x80, 0x00).bytes());
  }

  @Test
  void tenByteVarintsReadAsProtobufJavasArrayDecoderReadsThem() throws Exception {
    // protobuf-java's fast path sets bit 63 for every 10-byte varint and ignores the 10th byte's payload.
    for (int last = 0; last < 0x80; last++) {
      byte[] bytes = new Wire().tag(6, 0).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, last)
          .tag(17, 0).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, last)
          .tag(19, 0).raw(0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, last).bytes();
      assertAccepted(bytes);
      // And at the very end of the input.
      assertAccepted(new Wire().tag(6, 0).raw(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, last).bytes());
      assertAccepted(new Wire().tag(17, 0).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, last).bytes());
    }
    assertThat(TrajectoryView.parse(new Wire().tag(6, 0).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00)
        .bytes()).policyVersion()).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void varintsLongerThanTenBytesAreRejected() {
    assertRejected(new Wire().tag(6, 0).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).bytes());
    assertRejected(new Wire().tag(5, 0).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).bytes());
    // As a length and as a tag too.
    assertRejected(new Wire().tag(1, 2).raw(0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).bytes());
    assertRejected(new Wire().raw(0x88, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01).bytes());
    // An unknown varint field too.
    assertRejected(new Wire().tag(99, 0).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).bytes());
  }

  @Test
  void nonCanonicalTagVarintsStillMatchTheirField() throws Exception {
    // Tag 10 (field 1, length-delimited) as 0x8A 0x00, and as 5 bytes whose bits above 32 are dropped.
    byte[] bytes = new Wire().raw(0x8A, 0x00).raw(1, 'a').raw(0x92, 0x80, 0x80, 0x80, 0x10).raw(1, 'g').bytes();
    assertAccepted(bytes);
    TrajectoryView v = TrajectoryView.parse(bytes);
    assertThat(v.trajectoryId()).isEqualTo("a");
    assertThat(v.groupId()).isEqualTo("g");
  }

  // ---------------------------------------------------------------------------------------------
  // Repeated scalars: packed and unpacked

  @Test
  void repeatedScalarsAreAcceptedPackedUnpackedAndMixed() {
    Wire w = new Wire();
    w.varint(10, 5).varint(10, -1).packedVarints(10, 1, 2, 300).varint(11, 7).packedVarints(11).packedVarints(12, 1, 0, 1)
        .varint(12, 1).fixed32(13, Float.floatToIntBits(-0.5f)).packedFixed32(13, 1, 2, 3).fixed32(13, 0);
    assertAccepted(w.bytes());
    // Empty packed runs.
    assertAccepted(new Wire().packedVarints(10).packedVarints(11).packedVarints(12).packedFixed32(13).bytes());
  }

  @Test
  void packedFloatsWhoseLengthIsNotAMultipleOfFourAreRejected() {
    for (int len = 1; len < 12; len++) {
      byte[] bytes = new Wire().tag(13, 2).varintRaw(len).raw(new byte[len]).bytes();
      if (len % 4 == 0) {
        assertAccepted(bytes);
      } else {
        assertRejected(bytes);
      }
    }
  }

  @Test
  void packedVarintsMustEndExactlyAtTheirLength() {
    // A varint that runs past the packed length: 0x81 then the length ends.
    assertRejected(new Wire().tag(10, 2).varintRaw(1).raw(0x81).raw(0x01).bytes());
    assertRejected(new Wire().tag(11, 2).varintRaw(3).raw(0x01, 0x02).bytes());
    // An 11-byte element inside a packed run.
    assertRejected(new Wire().tag(12, 2).varintRaw(11).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00).bytes());
    assertAccepted(new Wire().tag(12, 2).varintRaw(10).raw(0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01).bytes());
  }

  @Test
  void packedVarintRunsAreValidatedAtEveryLengthAndAlignment() {
    // Elements of 1..12 bytes (over 10 is malformed), an unterminated last element, at every offset mod 8.
    Random rnd = new Random(4);
    int accepted = 0;
    int cases = 6_000;
    for (int i = 0; i < cases; i++) {
      int len = rnd.nextInt(48);
      byte[] payload = new byte[len];
      int p = 0;
      while (p < len) {
        int run = rnd.nextInt(4) == 0 ? 7 + rnd.nextInt(5) : rnd.nextInt(4);
        for (int k = 0; k < run && p < len; k++) {
          payload[p++] = (byte) (0x80 | rnd.nextInt(128));
        }
        if (p < len && rnd.nextInt(30) != 0) {
          payload[p++] = (byte) rnd.nextInt(128);
        }
      }
      Wire w = new Wire().bytes(new byte[rnd.nextInt(9)], 99).tag(10 + rnd.nextInt(3), 2).varintRaw(len).raw(payload);
      if (rnd.nextBoolean()) {
        w.string(1, "after");
      }
      if (assertParity(w.bytes()) == Verdict.BOTH_ACCEPT) {
        accepted++;
      }
    }
    assertThat(accepted).isBetween(cases / 10, cases - cases / 10);
  }

  @Test
  void unpackedFloatNeedsFourBytes() {
    assertRejected(new Wire().tag(13, 5).raw(1, 2, 3).bytes());
    assertAccepted(new Wire().tag(13, 5).raw(1, 2, 3, 4).bytes());
  }

  // ---------------------------------------------------------------------------------------------
  // Wire type mismatches and unknown fields

  @Test
  void aKnownFieldWithAnUnexpectedWireTypeIsSkippedAsUnknown() throws Exception {
    byte[] bytes = new Wire()
        .varint(1, 42)                                   // trajectory_id as a varint
        .tag(5, 2).varintRaw(3).raw(0xFF, 0xFE, 0xC0)     // group_size length-delimited, not UTF-8: not a string here
        .fixed32(18, 9)                                   // tool_call_count as fixed32
        .fixed64(17, 1)                                   // has_answer as fixed64
        .varint(14, 3)                                    // turns as a varint
        .varint(20, 1)                                    // created_at as a varint
        .fixed64(9, 0)                                    // golden_answers as fixed64
        .varint(13, 1)                                    // old_log_probs as a varint
        .fixed32(10, 1)                                   // prompt_token_ids as fixed32
        .startGroup(2).endGroup(2)                        // group_id as a group
        .bytes();
    assertAccepted(bytes);
    TrajectoryView v = TrajectoryView.parse(bytes);
    assertThat(v.trajectoryId()).isEmpty();
    assertThat(v.groupSize()).isZero();
    assertThat(v.toolCallCount()).isZero();
    assertThat(v.hasAnswer()).isFalse();
    assertThat(v.goldenAnswers()).isEmpty();
    // Inside nested messages too: Turn.text as a varint, ToolCall.latency_ms as a varint, Timestamp.seconds as fixed64.
    byte[] turn = new Wire().varint(2, 1).bytes(new Wire().varint(4, 7).fixed32(1, 1).bytes(), 4).bytes();
    assertAccepted(new Wire().bytes(turn, 14).bytes(new Wire().fixed64(1, 5).tag(2, 2).varintRaw(1).raw(0xFF).bytes(), 20).bytes());
  }

  @Test
  void unknownFieldsOfEveryValidWireTypeAreSkipped() throws Exception {
    byte[] bytes = new Wire()
        .string(1, "id")
        .varint(22, 1).fixed64(23, 2).bytes(new byte[] {(byte) 0xFF, 0}, 24).fixed32(25, 3)
        .startGroup(26).varint(1, 1).bytes(new byte[] {(byte) 0xC0}, 2).endGroup(26)
        .varint(536_870_911, 5) // the largest field number
        .tag(1000, 2).varintRaw(0)
        .string(2, "g")
        .bytes();
    assertAccepted(bytes);
    TrajectoryView v = TrajectoryView.parse(bytes);
    assertThat(v.trajectoryId()).isEqualTo("id");
    assertThat(v.groupId()).isEqualTo("g");
  }

  @Test
  void tagsAbove32BitsOfFieldNumberSpaceBehaveLikeTheirTruncatedTag() {
    // A tag varint of 5 bytes with its top bits set: field number (tag >>> 3) is large and non-zero.
    assertAccepted(new Wire().raw(0xF8, 0xFF, 0xFF, 0xFF, 0x0F).raw(0x01).bytes()); // field 0x1FFFFFFF varint
    assertAccepted(new Wire().raw(0xF8, 0xFF, 0xFF, 0xFF, 0x7F).raw(0x01).bytes());
  }

  @Test
  void wireTypesSixAndSevenAreRejected() {
    assertRejected(new Wire().string(1, "id").tag(30, 6).raw(0).bytes());
    assertRejected(new Wire().tag(30, 7).bytes());
    assertRejected(new Wire().tag(1, 6).bytes());
    assertRejected(new Wire().bytes(new Wire().tag(3, 7).bytes(), 14).bytes());
  }

  @Test
  void fieldNumberZeroIsAnInvalidTag() {
    assertRejected(new byte[] {0});
    assertRejected(new byte[] {2, 0});
    assertRejected(new byte[] {(byte) 0x80, 0});
    assertRejected(new Wire().string(1, "id").raw(0, 0).bytes());
    assertRejected(new Wire().bytes(new byte[] {0}, 14).bytes());
    assertRejected(new Wire().bytes(new byte[] {0}, 20).bytes());
    assertRejected(new Wire().bytes(new Wire().bytes(new byte[] {5, 0}, 4).bytes(), 14).bytes());
    assertRejected(new Wire().startGroup(30).raw(0).endGroup(30).bytes());
  }

  // ---------------------------------------------------------------------------------------------
  // Groups

  @Test
  void unknownGroupsMustCloseWithTheirOwnEndTag() {
    assertAccepted(new Wire().startGroup(30).endGroup(30).bytes());
    assertAccepted(new Wire().startGroup(30).startGroup(31).varint(1, 1).endGroup(31).fixed32(2, 0).endGroup(30).bytes());
    assertRejected(new Wire().startGroup(30).endGroup(31).bytes());
    assertRejected(new Wire().startGroup(30).startGroup(31).endGroup(30).endGroup(31).bytes());
    assertRejected(new Wire().startGroup(30).bytes());
    assertRejected(new Wire().startGroup(30).varint(1, 1).bytes());
    // A group of a known field number is an unknown field too.
    assertAccepted(new Wire().startGroup(1).string(1, "not read").endGroup(1).bytes());
    // A group inside a nested message must close inside that message.
    assertAccepted(new Wire().bytes(new Wire().startGroup(9).endGroup(9).bytes(), 14).bytes());
    assertRejected(new Wire().bytes(new Wire().startGroup(9).bytes(), 14).endGroup(9).bytes());
    // Wire type 6 inside a group.
    assertRejected(new Wire().startGroup(30).tag(2, 6).endGroup(30).bytes());
  }

  @Test
  void anEndGroupTagWithoutAnOpenGroupIsRejected() {
    assertRejected(new Wire().endGroup(30).bytes());
    assertRejected(new Wire().string(1, "id").endGroup(1).bytes());
    assertRejected(new Wire().bytes(new Wire().endGroup(5).bytes(), 14).bytes());
    assertRejected(new Wire().bytes(new Wire().bytes(new Wire().endGroup(5).bytes(), 4).bytes(), 14).bytes());
    assertRejected(new Wire().bytes(new Wire().endGroup(3).bytes(), 20).bytes());
  }

  @Test
  void groupNestingCountsTowardsTheRecursionLimitOfOneHundred() {
    // Top level: 100 nested groups are fine, 101 are not.
    assertAccepted(nestedGroups(new Wire(), 100).bytes());
    assertRejected(nestedGroups(new Wire(), 101).bytes());
    // Inside Turn (depth 1): 99 and 100.
    assertAccepted(new Wire().bytes(nestedGroups(new Wire(), 99).bytes(), 14).bytes());
    assertRejected(new Wire().bytes(nestedGroups(new Wire(), 100).bytes(), 14).bytes());
    // Inside Turn -> ToolCall (depth 2): 98 and 99.
    assertAccepted(new Wire().bytes(new Wire().bytes(nestedGroups(new Wire(), 98).bytes(), 4).bytes(), 14).bytes());
    assertRejected(new Wire().bytes(new Wire().bytes(nestedGroups(new Wire(), 99).bytes(), 4).bytes(), 14).bytes());
    // Inside created_at (depth 1).
    assertAccepted(new Wire().bytes(nestedGroups(new Wire(), 99).bytes(), 20).bytes());
    assertRejected(new Wire().bytes(nestedGroups(new Wire(), 100).bytes(), 20).bytes());
    // Far deeper nesting is rejected, not a stack overflow.
    assertRejected(nestedGroups(new Wire(), 50_000).bytes());
  }

  private static Wire nestedGroups(Wire w, int depth) {
    for (int i = 0; i < depth; i++) {
      w.startGroup(30 + (i % 3));
    }
    for (int i = depth - 1; i >= 0; i--) {
      w.endGroup(30 + (i % 3));
    }
    return w;
  }

  // ---------------------------------------------------------------------------------------------
  // Nested messages

  @Test
  void nestedMessagesAreValidatedToTheirLastByte() {
    Turn turn = Turn.newBuilder().setIndex(2).setText("t").setAction(TurnAction.TURN_ACTION_CODE)
        .setToolCall(ToolCall.newBuilder().setArguments("print(1)").setLatencyMs(1.5).setCallId("c").setObservation("1")).build();
    byte[] ok = new Wire().bytes(turn.toByteArray(), 14).bytes();
    assertAccepted(ok);
    // Turn length one byte too long / short.
    byte[] body = turn.toByteArray();
    assertRejected(new Wire().tag(14, 2).varintRaw(body.length + 1).raw(body).bytes());
    assertRejected(new Wire().tag(14, 2).varintRaw(body.length - 1).raw(body).bytes());
    // A Turn message whose last field is cut by its own length (the outer buffer still has bytes).
    byte[] cut = Arrays.copyOf(body, body.length - 1);
    assertRejected(new Wire().tag(14, 2).varintRaw(cut.length).raw(cut).raw(body[body.length - 1]).bytes());
    // created_at with a truncated nanos field.
    assertRejected(new Wire().tag(20, 2).varintRaw(1).raw(0x10).bytes());
    // ToolCall.latency_ms needs 8 bytes inside the ToolCall.
    assertRejected(new Wire().bytes(new Wire().tag(4, 2).varintRaw(5).raw(0x21, 1, 2, 3, 4).raw(5, 6, 7, 8).bytes(), 14).bytes());
  }

  @Test
  void repeatedCreatedAtAndEnumsWithUnknownNumbersAreAccepted() {
    byte[] tool = new Wire().varint(1, 99).varint(3, -1).varint(5, 7).bytes();
    byte[] turn = new Wire().varint(3, 12345).varint(1, -5).bytes(tool, 4).bytes(tool, 4).bytes();
    assertAccepted(new Wire().bytes(turn, 14).bytes(turn, 14)
        .bytes(new Wire().varint(1, 5).bytes(), 20).bytes(new Wire().varint(2, -1).varint(1, -9).bytes(), 20).bytes());
  }

  @Test
  void emptyNestedMessagesAreAccepted() {
    assertAccepted(new Wire().bytes(new byte[0], 14).bytes(new byte[0], 20).bytes(new Wire().bytes(new byte[0], 4).bytes(), 14).bytes());
  }

  // ---------------------------------------------------------------------------------------------
  // Lengths and truncation

  @Test
  void negativeLengthsAreRejectedEverywhere() {
    byte[] minusOne = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x0F};
    for (int field : new int[] {1, 4, 9, 10, 13, 14, 16, 20, 40}) {
      assertRejected(new Wire().tag(field, 2).raw(minusOne).raw(1, 2, 3).bytes());
      assertRejected(new Wire().tag(field, 2).varintRaw(Integer.MIN_VALUE).raw(1, 2, 3).bytes());
    }
    assertRejected(new Wire().bytes(new Wire().tag(2, 2).raw(minusOne).bytes(), 14).bytes());
  }

  @Test
  void lengthsBeyondTheInputAreRejected() {
    for (int field : new int[] {1, 4, 9, 10, 13, 14, 16, 20, 40}) {
      assertRejected(new Wire().tag(field, 2).varintRaw(4).raw(1, 2, 3).bytes());
      assertRejected(new Wire().tag(field, 2).varintRaw(Integer.MAX_VALUE).raw(1, 2, 3).bytes());
    }
  }

  @Test
  void everyPrefixOfARealisticTrajectoryIsJudgedLikeParseFrom() {
    Random rnd = new Random(2);
    for (int k = 0; k < 5; k++) {
      byte[] full = realistic(rnd, 8, 16, 3).toByteArray();
      int accepted = 0;
      for (int len = 0; len <= full.length; len++) {
        if (assertParity(Arrays.copyOf(full, len)) == Verdict.BOTH_ACCEPT) {
          accepted++;
        }
      }
      // Prefixes that end on a field boundary are valid trajectories, all others are truncated.
      assertThat(accepted).isBetween(2, full.length);
    }
  }

  @Test
  void truncatedFixedWidthAndVarintFieldsAreRejected() {
    assertRejected(new Wire().tag(30, 1).raw(1, 2, 3, 4, 5, 6, 7).bytes());
    assertRejected(new Wire().tag(30, 5).raw(1, 2, 3).bytes());
    assertRejected(new Wire().tag(6, 0).raw(0x80).bytes());
    assertRejected(new Wire().raw(0x80).bytes());
    assertRejected(new Wire().tag(21, 0).raw(0xFF, 0xFF).bytes());
  }

  // ---------------------------------------------------------------------------------------------
  // UTF-8

  /** Byte sequences that are not well-formed UTF-8. */
  static final byte[][] INVALID_UTF8 = {
      {(byte) 0x80},                                  // lone continuation
      {(byte) 0xBF},
      {(byte) 0xC0, (byte) 0x80},                     // overlong NUL
      {(byte) 0xC1, (byte) 0xBF},                     // overlong
      {(byte) 0xC3},                                  // truncated 2-byte
      {(byte) 0xC3, 0x41},                            // bad continuation
      {(byte) 0xE0, (byte) 0x80, (byte) 0x80},        // overlong 3-byte
      {(byte) 0xE0, (byte) 0x9F, (byte) 0xBF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},        // surrogate D800
      {(byte) 0xED, (byte) 0xBF, (byte) 0xBF},        // surrogate DFFF
      {(byte) 0xE2, (byte) 0x82},                     // truncated 3-byte
      {(byte) 0xF0, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // overlong 4-byte
      {(byte) 0xF0, (byte) 0x8F, (byte) 0xBF, (byte) 0xBF},
      {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // above U+10FFFF
      {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80},
      {(byte) 0xF8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80},
      {(byte) 0xFF},
      {(byte) 0xFE},
      {(byte) 0xF0, (byte) 0x9F, (byte) 0x98},        // truncated 4-byte
      {0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, (byte) 0x80}, // after an ASCII run
  };

  /** Well-formed edge cases. */
  static final String[] VALID_UTF8 = {
      "", "a", "\u0000", "\u007F", "\u0080", "\u07FF", "\u0800", "\uD7FF", "\uE000", "\uFFFD", "\uFFFF",
      "\uD800\uDC00", "\uDBFF\uDFFF", "🚀 rocket", "Émile Zola", "日本語のテキスト", "abcdefgh€ijklmnop",
  };

  @Test
  void invalidUtf8IsRejectedInEveryStringFieldReadOrSkipped() {
    for (byte[] bad : INVALID_UTF8) {
      // Trajectory strings: 1, 2, 3, 4, 7, 8, 9, 15, 16.
      for (int field : new int[] {1, 2, 3, 4, 7, 8, 9, 15, 16}) {
        assertRejected(new Wire().bytes(bad, field).bytes());
      }
      // Turn.text.
      assertRejected(new Wire().bytes(new Wire().bytes(bad, 2).bytes(), 14).bytes());
      // ToolCall.arguments, call_id, observation.
      for (int field : new int[] {2, 6, 7}) {
        assertRejected(new Wire().bytes(new Wire().bytes(new Wire().bytes(bad, field).bytes(), 4).bytes(), 14).bytes());
      }
      // Not a string field: unknown fields, and strings' numbers with other wire types in an unknown group, are bytes.
      assertAccepted(new Wire().bytes(bad, 99).bytes());
      assertAccepted(new Wire().bytes(bad, 5).bytes());
      assertAccepted(new Wire().bytes(new Wire().bytes(bad, 3).bytes(), 14).bytes()); // Turn.action as bytes
      assertAccepted(new Wire().startGroup(30).bytes(bad, 1).endGroup(30).bytes());
    }
  }

  @Test
  void wellFormedUtf8EdgeCasesDecodeLikeProtobuf() throws Exception {
    for (String s : VALID_UTF8) {
      byte[] bytes = new Wire().string(1, s).string(9, s).string(16, s).string(8, s).bytes();
      assertAccepted(bytes);
      TrajectoryView v = TrajectoryView.parse(bytes);
      assertThat(v.trajectoryId()).isEqualTo(s);
      assertThat(v.extractedAnswer()).isEqualTo(s);
    }
  }

  @Test
  void utf8ValidationAgreesWithProtobufOnRandomSequences() {
    Random rnd = new Random(3);
    byte[] interesting = {0x00, 0x41, 0x7F, (byte) 0x80, (byte) 0x8F, (byte) 0x90, (byte) 0x9F, (byte) 0xA0, (byte) 0xBF,
        (byte) 0xC0, (byte) 0xC1, (byte) 0xC2, (byte) 0xDF, (byte) 0xE0, (byte) 0xE1, (byte) 0xEC, (byte) 0xED, (byte) 0xEE,
        (byte) 0xEF, (byte) 0xF0, (byte) 0xF1, (byte) 0xF3, (byte) 0xF4, (byte) 0xF5, (byte) 0xFF};
    int valid = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] s = new byte[rnd.nextInt(14)];
      for (int j = 0; j < s.length; j++) {
        s[j] = rnd.nextInt(3) == 0 ? (byte) rnd.nextInt(256) : interesting[rnd.nextInt(interesting.length)];
      }
      // Pad with an ASCII run on one side sometimes, to cross the 8-byte fast path.
      if (rnd.nextBoolean()) {
        byte[] padded = new byte[s.length + 9];
        Arrays.fill(padded, (byte) 'x');
        System.arraycopy(s, 0, padded, rnd.nextBoolean() ? 0 : 9, s.length);
        s = padded;
      }
      int field = rnd.nextBoolean() ? 1 : 8; // read vs skipped
      if (assertParity(new Wire().bytes(s, field).bytes()) == Verdict.BOTH_ACCEPT) {
        valid++;
      }
    }
    assertThat(valid).as("some valid, some invalid").isBetween(1000, 19_000);
  }

  // ---------------------------------------------------------------------------------------------
  // Seeded fuzz

  @Test
  void seededFuzzAcceptsExactlyWhatParseFromAccepts() {
    Random rnd = new Random(20_240_607L);
    List<byte[]> corpus = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      corpus.add(realistic(rnd, rnd.nextInt(40), rnd.nextInt(80), rnd.nextInt(4)).toByteArray());
    }
    corpus.add(markerTrajectory().toByteArray());
    int cases = 30_000;
    int accepted = 0;
    int[] perMutation = new int[12];
    for (int i = 0; i < cases; i++) {
      byte[] base = corpus.get(rnd.nextInt(corpus.size()));
      int kind = rnd.nextInt(perMutation.length);
      byte[] mutated = mutate(rnd, base, kind);
      // Sometimes stack a second mutation.
      if (rnd.nextInt(5) == 0) {
        mutated = mutate(rnd, mutated, rnd.nextInt(perMutation.length));
      }
      if (assertParity(mutated) == Verdict.BOTH_ACCEPT) {
        accepted++;
        perMutation[kind]++;
      }
    }
    // The fuzz must exercise both outcomes substantially.
    assertThat(accepted).as("accepted of %d", cases).isBetween(cases / 10, cases - cases / 10);
  }

  @Test
  void seededFuzzOfRandomWellFramedMessages() {
    Random rnd = new Random(77);
    int accepted = 0;
    int cases = 10_000;
    for (int i = 0; i < cases; i++) {
      Wire w = new Wire();
      randomFields(rnd, w, 0, 1 + rnd.nextInt(12));
      if (assertParity(w.bytes()) == Verdict.BOTH_ACCEPT) {
        accepted++;
      }
    }
    assertThat(accepted).as("accepted of %d", cases).isBetween(cases / 10, cases - cases / 10);
  }

  /** Random well-framed fields, biased to known field numbers with right and wrong wire types, and nested messages. */
  private static void randomFields(Random rnd, Wire w, int depth, int count) {
    for (int i = 0; i < count; i++) {
      int field = rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(2000) : 1 + rnd.nextInt(22);
      int r = rnd.nextInt(20);
      if (r < 6) {
        w.tag(field, 0).varintRaw(randomVarintValue(rnd));
      } else if (r < 8) {
        w.fixed32(field, rnd.nextInt());
      } else if (r < 10) {
        w.fixed64(field, rnd.nextLong());
      } else if (r < 14) {
        byte[] s = new byte[rnd.nextInt(6)];
        for (int j = 0; j < s.length; j++) {
          s[j] = rnd.nextInt(4) == 0 ? (byte) (0x80 + rnd.nextInt(128)) : (byte) ('a' + rnd.nextInt(26));
        }
        w.bytes(s, field);
      } else if (r < 17 && depth < 4) {
        Wire inner = new Wire();
        randomFields(rnd, inner, depth + 1, rnd.nextInt(5));
        w.bytes(inner.bytes(), field);
      } else if (r < 18 && depth < 4) {
        w.startGroup(field);
        randomFields(rnd, w, depth + 1, rnd.nextInt(3));
        w.endGroup(rnd.nextInt(8) == 0 ? field + 1 : field);
      } else if (r < 19) {
        int len = rnd.nextInt(9);
        Wire packed = new Wire();
        for (int j = 0; j < len; j++) {
          packed.raw(rnd.nextInt(128));
        }
        w.bytes(packed.bytes(), field);
      } else {
        w.tag(field, rnd.nextInt(8));
      }
    }
  }

  private static long randomVarintValue(Random rnd) {
    return switch (rnd.nextInt(5)) {
      case 0 -> rnd.nextInt(2);
      case 1 -> rnd.nextInt(300);
      case 2 -> rnd.nextLong();
      case 3 -> -rnd.nextInt(5);
      default -> 1L << rnd.nextInt(64);
    };
  }

  /** A trajectory whose nested strings hold markers, so that the fuzz can corrupt their UTF-8 without breaking framing. */
  static Trajectory markerTrajectory() {
    return Trajectory.newBuilder().setTrajectoryId("tid-MARK").setGroupId("g").setQuestionId("q").setGroupSize(2)
        .setQuestion("question MARK").addGoldenAnswers("gold MARK").setExtractedAnswer("MARK")
        .addTurns(Turn.newBuilder().setText("text MARK").setToolCall(ToolCall.newBuilder().setArguments("args MARK")
            .setCallId("MARK:0").setObservation("obs MARK")))
        .addPromptTokenIds(1).addResponseTokenIds(2).addLossMask(1).addOldLogProbs(-0.25f)
        .setCreatedAt(Timestamp.newBuilder().setSeconds(5).setNanos(6)).setResponseText("resp MARK").build();
  }

  private static final byte[] MARK = "MARK".getBytes(StandardCharsets.US_ASCII);

  private static byte[] mutate(Random rnd, byte[] base, int kind) {
    byte[] b = base.clone();
    int n = b.length;
    switch (kind) {
      case 0 -> { // bit flips
        if (n > 0) {
          int flips = 1 + rnd.nextInt(3);
          for (int i = 0; i < flips; i++) {
            int p = rnd.nextInt(n);
            b[p] ^= (byte) (1 << rnd.nextInt(8));
          }
        }
        return b;
      }
      case 1 -> { // truncation
        return Arrays.copyOf(b, n == 0 ? 0 : rnd.nextInt(n));
      }
      case 2 -> { // inserted bytes
        int p = rnd.nextInt(n + 1);
        byte[] ins = new byte[1 + rnd.nextInt(4)];
        rnd.nextBytes(ins);
        return splice(b, p, p, ins);
      }
      case 3 -> { // deleted bytes
        if (n == 0) {
          return b;
        }
        int p = rnd.nextInt(n);
        int q = Math.min(n, p + 1 + rnd.nextInt(4));
        return splice(b, p, q, new byte[0]);
      }
      case 4 -> { // random bytes overwrite
        if (n > 0) {
          int p = rnd.nextInt(n);
          int len = Math.min(n - p, 1 + rnd.nextInt(6));
          for (int i = 0; i < len; i++) {
            b[p + i] = (byte) rnd.nextInt(256);
          }
        }
        return b;
      }
      case 5 -> { // entirely random bytes
        byte[] r = new byte[rnd.nextInt(64)];
        rnd.nextBytes(r);
        return r;
      }
      case 6 -> { // spliced unknown field (anywhere, often breaking framing, sometimes not)
        Wire w = new Wire();
        randomFields(rnd, w, 2, 1);
        int p = rnd.nextBoolean() ? n : rnd.nextInt(n + 1);
        return splice(b, p, p, w.bytes());
      }
      case 7 -> { // invalid (or valid) UTF-8 injected into a marked string, keeping framing
        int at = indexOf(b, MARK, rnd.nextInt(Math.max(1, n)));
        if (at < 0) {
          at = indexOf(b, MARK, 0);
        }
        if (at >= 0) {
          byte[] bad = INVALID_UTF8[rnd.nextInt(INVALID_UTF8.length)];
          for (int i = 0; i < 4; i++) {
            b[at + i] = rnd.nextInt(6) == 0 ? (byte) 'k' : i < bad.length ? bad[i] : (byte) rnd.nextInt(256);
          }
        }
        return b;
      }
      case 8 -> { // varint-ish byte tweaks: set/clear continuation bits
        if (n > 0) {
          int p = rnd.nextInt(n);
          b[p] = (byte) (rnd.nextBoolean() ? b[p] | 0x80 : b[p] & 0x7F);
        }
        return b;
      }
      case 9 -> { // duplicate a slice (repeated fields, last-one-wins)
        if (n == 0) {
          return b;
        }
        int p = rnd.nextInt(n);
        int q = Math.min(n, p + 1 + rnd.nextInt(32));
        return splice(b, q, q, Arrays.copyOfRange(b, p, q));
      }
      case 10 -> { // concatenate with another realistic record (merge semantics)
        byte[] other = realistic(rnd, rnd.nextInt(4), rnd.nextInt(8), rnd.nextInt(3)).toByteArray();
        return splice(b, n, n, other);
      }
      default -> { // length byte tweaks: +-1 on a random byte
        if (n > 0) {
          int p = rnd.nextInt(n);
          b[p] += (byte) (rnd.nextBoolean() ? 1 : -1);
        }
        return b;
      }
    }
  }

  private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
    byte[] out = new byte[b.length - (to - from) + insert.length];
    System.arraycopy(b, 0, out, 0, from);
    System.arraycopy(insert, 0, out, from, insert.length);
    System.arraycopy(b, to, out, from + insert.length, b.length - to);
    return out;
  }

  private static int indexOf(byte[] b, byte[] needle, int from) {
    outer:
    for (int i = from; i + needle.length <= b.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (b[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  // ---------------------------------------------------------------------------------------------
  // A tiny wire writer that can also write what protobuf-java never would.

  static final class Wire {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    Wire raw(int... bytes) {
      for (int b : bytes) {
        out.write(b);
      }
      return this;
    }

    Wire raw(byte[] bytes) {
      out.writeBytes(bytes);
      return this;
    }

    Wire varintRaw(long v) {
      while ((v & ~0x7FL) != 0) {
        out.write((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      out.write((int) v);
      return this;
    }

    Wire tag(int field, int wireType) {
      return varintRaw(((long) field << 3 | wireType) & 0xFFFFFFFFL);
    }

    Wire varint(int field, long v) {
      return tag(field, 0).varintRaw(v);
    }

    Wire fixed32(int field, int v) {
      tag(field, 5);
      for (int i = 0; i < 4; i++) {
        out.write((v >>> (8 * i)) & 0xFF);
      }
      return this;
    }

    Wire fixed64(int field, long v) {
      tag(field, 1);
      for (int i = 0; i < 8; i++) {
        out.write((int) ((v >>> (8 * i)) & 0xFF));
      }
      return this;
    }

    Wire bytes(byte[] payload, int field) {
      tag(field, 2).varintRaw(payload.length);
      out.writeBytes(payload);
      return this;
    }

    Wire string(int field, String s) {
      return bytes(s.getBytes(StandardCharsets.UTF_8), field);
    }

    Wire packedVarints(int field, long... values) {
      Wire inner = new Wire();
      for (long v : values) {
        inner.varintRaw(v);
      }
      return bytes(inner.bytes(), field);
    }

    Wire packedFixed32(int field, int... values) {
      Wire inner = new Wire();
      for (int v : values) {
        inner.raw(v & 0xFF, (v >>> 8) & 0xFF, (v >>> 16) & 0xFF, (v >>> 24) & 0xFF);
      }
      return bytes(inner.bytes(), field);
    }

    Wire startGroup(int field) {
      return tag(field, 3);
    }

    Wire endGroup(int field) {
      return tag(field, 4);
    }

    byte[] bytes() {
      return out.toByteArray();
    }
  }
}
