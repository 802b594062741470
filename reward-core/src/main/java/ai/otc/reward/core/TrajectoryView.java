package ai.otc.reward.core;

import com.google.protobuf.InvalidProtocolBufferException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The fields of one {@code otc.v1.Trajectory} that the reward stage needs, read straight from the
 * record's wire bytes, together with those bytes.
 *
 * <p><b>Why it exists.</b> The reward service scores a trajectory and forwards it unchanged inside
 * a {@code ScoredGroup} ({@link ScoredGroupWriter} splices {@link #bytes()} into the output). Fully
 * decoding every record into a {@code Trajectory} (token arrays, log-probs, turns, texts) only to
 * re-encode it again dominated the service's cost. This view makes one pass over the bytes,
 * materialising only the Strings behind its accessors; token arrays, turns, timestamps and the
 * other strings are validated and skipped.
 *
 * <p><b>Acceptance is identical to {@code Trajectory.parseFrom(bytes)}</b> (protobuf-java 4.33,
 * proto3 generated code): {@link #parse} succeeds exactly when {@code parseFrom} does, and every
 * accessor equals the generated getter. That means it validates what {@code parseFrom} validates
 * even in fields it skips: the nested {@code Turn} → {@code ToolCall} and
 * {@code google.protobuf.Timestamp} messages, UTF-8 of every proto3 string field, varint and length
 * bounds, unknown fields including (nested) groups and their end tags, and the recursion limit of
 * 100. A field number arriving with a wire type its generated parser has no case for is kept as an
 * unknown field (so it is skipped, not rejected), as protobuf-java does. The bytes must not be
 * modified after {@link #parse}; the view keeps a reference, not a copy.
 */
public final class TrajectoryView {

  /** protobuf-java's default {@code CodedInputStream} recursion limit (messages + groups). */
  private static final int RECURSION_LIMIT = 100;

  // Tags (field number << 3 | wire type) the generated parsers have a case for.
  private static final int WT_VARINT = 0;
  private static final int WT_FIXED64 = 1;
  private static final int WT_LENGTH_DELIMITED = 2;
  private static final int WT_START_GROUP = 3;
  private static final int WT_END_GROUP = 4;
  private static final int WT_FIXED32 = 5;

  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ASCII_MASK = 0x8080808080808080L;

  private final byte[] bytes;
  private final String trajectoryId;
  private final String groupId;
  private final String questionId;
  private final int groupSize;
  private final long policyVersion;
  private final String runId;
  private final List<String> goldenAnswers;
  private final String extractedAnswer;
  private final boolean hasAnswer;
  private final int toolCallCount;
  private final boolean correct;

  private TrajectoryView(Reader r) {
    this.bytes = r.buf;
    this.trajectoryId = r.trajectoryId;
    this.groupId = r.groupId;
    this.questionId = r.questionId;
    this.groupSize = r.groupSize;
    this.policyVersion = r.policyVersion;
    this.runId = r.runId;
    this.goldenAnswers = r.goldenAnswers();
    this.extractedAnswer = r.extractedAnswer;
    this.hasAnswer = r.hasAnswer;
    this.toolCallCount = r.toolCallCount;
    this.correct = r.correct;
  }

  /**
   * Reads a trajectory's wire bytes in one validating pass.
   *
   * @throws InvalidProtocolBufferException exactly when {@code Trajectory.parseFrom(bytes)} would throw
   */
  public static TrajectoryView parse(byte[] bytes) throws InvalidProtocolBufferException {
    Reader r = new Reader(bytes);
    r.parseTrajectory();
    return new TrajectoryView(r);
  }

  /** The original wire bytes (not a copy: do not modify). */
  public byte[] bytes() {
    return bytes;
  }

  /** Field 1, {@code trajectory_id}. */
  public String trajectoryId() {
    return trajectoryId;
  }

  /** Field 2, {@code group_id}. */
  public String groupId() {
    return groupId;
  }

  /** Field 3, {@code question_id}. */
  public String questionId() {
    return questionId;
  }

  /** Field 5, {@code group_size}. */
  public int groupSize() {
    return groupSize;
  }

  /** Field 6, {@code policy_version}. */
  public long policyVersion() {
    return policyVersion;
  }

  /** Field 7, {@code run_id}. */
  public String runId() {
    return runId;
  }

  /** Field 9, {@code golden_answers} (unmodifiable). */
  public List<String> goldenAnswers() {
    return goldenAnswers;
  }

  /** Field 16, {@code extracted_answer}. */
  public String extractedAnswer() {
    return extractedAnswer;
  }

  /** Field 17, {@code has_answer}. */
  public boolean hasAnswer() {
    return hasAnswer;
  }

  /** Field 18, {@code tool_call_count} (m). */
  public int toolCallCount() {
    return toolCallCount;
  }

  /** Field 19, {@code correct} (the rollout's own verdict). */
  public boolean correct() {
    return correct;
  }

  @Override
  public String toString() {
    return "TrajectoryView[" + trajectoryId + " of " + groupId + ", question " + questionId + ", " + bytes.length + " bytes]";
  }

  /** The parse state: a cursor over the bytes plus the fields read so far (last one wins). */
  private static final class Reader {
    final byte[] buf;
    int pos;

    String trajectoryId = "";
    String groupId = "";
    String questionId = "";
    int groupSize;
    long policyVersion;
    String runId = "";
    String firstGoldenAnswer;
    ArrayList<String> moreGoldenAnswers;
    String extractedAnswer = "";
    boolean hasAnswer;
    int toolCallCount;
    boolean correct;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    List<String> goldenAnswers() {
      if (firstGoldenAnswer == null) {
        return List.of();
      }
      if (moreGoldenAnswers == null) {
        return List.of(firstGoldenAnswer);
      }
      moreGoldenAnswers.add(0, firstGoldenAnswer);
      return Collections.unmodifiableList(moreGoldenAnswers);
    }

    /** Trajectory's generated {@code mergeFrom}: one case per tag it accepts, everything else is an unknown field. */
    void parseTrajectory() throws InvalidProtocolBufferException {
      final int end = buf.length;
      while (pos < end) {
        int tag = readTag(end);
        switch (tag) {
          case 10 -> trajectoryId = readString(end);
          case 18 -> groupId = readString(end);
          case 26 -> questionId = readString(end);
          case 34, 66, 122, 178 -> skipString(end); // data_source, question, response_text, question_kind
          case 40 -> groupSize = readVarint32(end);
          case 48 -> policyVersion = readVarint64(end);
          case 58 -> runId = readString(end);
          case 74 -> addGoldenAnswer(readString(end));
          case 80, 88, 96, 168, 184, 192 -> readVarint64(end); // unpacked ids, loss mask; seed, min_calls, rollout_batch
          case 82, 90, 98 -> skipPackedVarints(end);
          case 109 -> skipFixed(4, end); // unpacked old_log_probs
          case 106 -> skipPackedFixed32(end);
          case 114 -> {
            int limit = enterMessage(end, 0);
            parseTurn(limit, 1);
          }
          case 130 -> extractedAnswer = readString(end);
          case 136 -> hasAnswer = readVarint64(end) != 0;
          case 144 -> toolCallCount = readVarint32(end);
          case 152 -> correct = readVarint64(end) != 0;
          case 162 -> {
            int limit = enterMessage(end, 0);
            parseTimestamp(limit, 1);
          }
          default -> skipUnknownField(tag, end, 0);
        }
      }
    }

    private void addGoldenAnswer(String s) {
      if (firstGoldenAnswer == null) {
        firstGoldenAnswer = s;
      } else {
        if (moreGoldenAnswers == null) {
          moreGoldenAnswers = new ArrayList<>(4);
        }
        moreGoldenAnswers.add(s);
      }
    }

    /** otc.v1.Turn: index 1, text 2, action 3 (open enum), tool_call 4. */
    private void parseTurn(int end, int depth) throws InvalidProtocolBufferException {
      while (pos < end) {
        int tag = readTag(end);
        switch (tag) {
          case 8, 24 -> readVarint64(end);
          case 18 -> skipString(end);
          case 34 -> {
            int limit = enterMessage(end, depth);
            parseToolCall(limit, depth + 1);
          }
          default -> skipUnknownField(tag, end, depth);
        }
      }
    }

    /** otc.v1.ToolCall: tool 1, arguments 2, status 3, latency_ms 4 (double), cache_hit 5, call_id 6, observation 7. */
    private void parseToolCall(int end, int depth) throws InvalidProtocolBufferException {
      while (pos < end) {
        int tag = readTag(end);
        switch (tag) {
          case 8, 24, 40 -> readVarint64(end);
          case 18, 50, 58 -> skipString(end);
          case 33 -> skipFixed(8, end);
          default -> skipUnknownField(tag, end, depth);
        }
      }
    }

    /** google.protobuf.Timestamp: seconds 1 (int64), nanos 2 (int32); no range check at parse time. */
    private void parseTimestamp(int end, int depth) throws InvalidProtocolBufferException {
      while (pos < end) {
        int tag = readTag(end);
        switch (tag) {
          case 8, 16 -> readVarint64(end);
          default -> skipUnknownField(tag, end, depth);
        }
      }
    }

    /**
     * {@code CodedInputStream.readMessage}'s framing: the length, the recursion check (messages and
     * groups together), the bounds; returns the nested message's end. The nested loop then stops
     * exactly there (all reads are bounded by it), which is readMessage's "consumed exactly its length".
     */
    private int enterMessage(int end, int depth) throws InvalidProtocolBufferException {
      int length = readVarint32(end);
      if (depth >= RECURSION_LIMIT) {
        throw recursionLimitExceeded();
      }
      if (length < 0) {
        throw negativeSize();
      }
      if (length > end - pos) {
        throw truncated();
      }
      return pos + length;
    }

    /** {@code UnknownFieldSet.Builder.mergeFieldFrom} outside a group: an end-group tag is an error here. */
    private void skipUnknownField(int tag, int end, int depth) throws InvalidProtocolBufferException {
      switch (tag & 7) {
        case WT_VARINT -> readVarint64(end);
        case WT_FIXED64 -> skipFixed(8, end);
        case WT_LENGTH_DELIMITED -> skipBytes(end);
        case WT_START_GROUP -> skipGroup(tag, end, depth);
        case WT_END_GROUP -> throw invalidEndTag(); // checkValidEndTag with no open group
        case WT_FIXED32 -> skipFixed(4, end);
        default -> throw invalidWireType();
      }
    }

    /**
     * {@code CodedInputStream.readGroup} into an {@code UnknownFieldSet}: fields up to an end-group
     * tag, which must be exactly the start tag's field number with wire type 4; running out of input
     * first is an error too (the last tag is then 0).
     */
    private void skipGroup(int startTag, int end, int depth) throws InvalidProtocolBufferException {
      if (depth >= RECURSION_LIMIT) {
        throw recursionLimitExceeded();
      }
      int endTag = (startTag & ~7) | WT_END_GROUP;
      while (pos < end) {
        int tag = readTag(end);
        int wireType = tag & 7;
        if (wireType == WT_END_GROUP) {
          if (tag != endTag) {
            throw invalidEndTag();
          }
          return;
        }
        if (wireType == WT_START_GROUP) {
          skipGroup(tag, end, depth + 1);
        } else {
          skipUnknownField(tag, end, depth + 1);
        }
      }
      throw invalidEndTag();
    }

    /** {@code readTag}: the tag is a varint truncated to 32 bits; field number 0 is invalid. */
    private int readTag(int end) throws InvalidProtocolBufferException {
      int tag = readVarint32(end);
      if ((tag >>> 3) == 0) {
        throw invalidTag();
      }
      return tag;
    }

    /** {@code readRawVarint32}: at most 10 bytes, the low 32 bits of the value. */
    private int readVarint32(int end) throws InvalidProtocolBufferException {
      int p = pos;
      if (p < end) {
        int b = buf[p];
        if (b >= 0) {
          pos = p + 1;
          return b;
        }
      }
      return readVarint32Slow(end);
    }

    private int readVarint32Slow(int end) throws InvalidProtocolBufferException {
      byte[] b = buf;
      int p = pos;
      int result = 0;
      for (int shift = 0; shift < 32; shift += 7) {
        if (p >= end) {
          throw truncated();
        }
        byte x = b[p++];
        result |= (x & 0x7F) << shift;
        if (x >= 0) {
          pos = p;
          return result;
        }
      }
      for (int i = 0; i < 5; i++) {
        if (p >= end) {
          throw truncated();
        }
        if (b[p++] >= 0) {
          pos = p;
          return result;
        }
      }
      throw malformedVarint();
    }

    /**
     * {@code readRawVarint64} as protobuf-java 4.33's array decoder computes it: at most 10 bytes; a
     * 10-byte varint always has bit 63 set and its 10th byte contributes nothing else (the decoder's
     * fast path, which is the one that runs whenever 10 bytes are available).
     */
    private long readVarint64(int end) throws InvalidProtocolBufferException {
      byte[] b = buf;
      int p = pos;
      if (p < end) {
        byte x = b[p];
        if (x >= 0) {
          pos = p + 1;
          return x;
        }
      }
      long result = 0;
      for (int shift = 0; shift < 63; shift += 7) {
        if (p >= end) {
          throw truncated();
        }
        byte x = b[p++];
        result |= (long) (x & 0x7F) << shift;
        if (x >= 0) {
          pos = p;
          return result;
        }
      }
      if (p >= end) {
        throw truncated();
      }
      if (b[p++] < 0) {
        throw malformedVarint();
      }
      pos = p;
      return result | Long.MIN_VALUE;
    }

    private void skipFixed(int size, int end) throws InvalidProtocolBufferException {
      if (end - pos < size) {
        throw truncated();
      }
      pos += size;
    }

    /**
     * Packed varints: the length is a limit and each element a varint of at most 10 bytes that ends
     * before it. Only the continuation bits matter for validity, so this counts runs of them, 8 bytes
     * at a time: no run may reach 10 bytes, and the last byte must end an element.
     */
    private void skipPackedVarints(int end) throws InvalidProtocolBufferException {
      int limit = packedLimit(end);
      byte[] b = buf;
      int run = 0; // continuation bytes of the element being read
      int p = pos;
      for (; limit - p >= 8; p += 8) {
        long terminators = ~((long) LONGS.get(b, p)) & ASCII_MASK; // bit 7 of each byte that ends an element
        if (terminators == 0) {
          run += 8;
          if (run >= 10) {
            throw malformedVarint();
          }
        } else {
          // Continuation bytes before the word's first terminator extend the current run; runs
          // inside the word are shorter than 8; the bytes after its last terminator start the next.
          if (run + (Long.numberOfTrailingZeros(terminators) >>> 3) >= 10) {
            throw malformedVarint();
          }
          run = Long.numberOfLeadingZeros(terminators) >>> 3;
        }
      }
      for (; p < limit; p++) {
        if (b[p] < 0) {
          if (++run == 10) {
            throw malformedVarint();
          }
        } else {
          run = 0;
        }
      }
      if (run != 0) {
        throw truncated(); // the last element runs past the packed length
      }
      pos = limit;
    }

    /** Packed floats: readFloat needs 4 bytes before the limit, so the length must be a multiple of 4. */
    private void skipPackedFixed32(int end) throws InvalidProtocolBufferException {
      int limit = packedLimit(end);
      if (((limit - pos) & 3) != 0) {
        throw truncated();
      }
      pos = limit;
    }

    /** {@code pushLimit}'s checks. */
    private int packedLimit(int end) throws InvalidProtocolBufferException {
      int length = readVarint32(end);
      if (length < 0) {
        throw negativeSize();
      }
      if (length > end - pos) {
        throw truncated();
      }
      return pos + length;
    }

    /** {@code readBytes} of an unknown length-delimited field. */
    private void skipBytes(int end) throws InvalidProtocolBufferException {
      int length = readVarint32(end);
      if (length < 0) {
        throw negativeSize();
      }
      if (length > end - pos) {
        throw truncated();
      }
      pos += length;
    }

    /** {@code readStringRequireUtf8}, validating without allocating. */
    private void skipString(int end) throws InvalidProtocolBufferException {
      int length = stringLength(end);
      int start = pos;
      if (!isValidUtf8(buf, start, start + length)) {
        throw invalidUtf8();
      }
      pos = start + length;
    }

    /** {@code readStringRequireUtf8}. */
    private String readString(int end) throws InvalidProtocolBufferException {
      int length = stringLength(end);
      if (length == 0) {
        return "";
      }
      int start = pos;
      if (!isValidUtf8(buf, start, start + length)) {
        throw invalidUtf8();
      }
      pos = start + length;
      return new String(buf, start, length, StandardCharsets.UTF_8);
    }

    private int stringLength(int end) throws InvalidProtocolBufferException {
      int length = readVarint32(end);
      if (length < 0) {
        throw negativeSize();
      }
      if (length > end - pos) {
        throw truncated();
      }
      return length;
    }
  }

  /**
   * Well-formed UTF-8 (Unicode Table 3-7) as protobuf's {@code Utf8.isValidUtf8} checks it: no
   * overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence.
   * ({@code com.google.protobuf.Utf8} is not public, hence this copy.)
   */
  static boolean isValidUtf8(byte[] b, int from, int to) {
    int i = from;
    // ASCII fast path, 8 bytes at a time.
    while (to - i >= 8 && (((long) LONGS.get(b, i)) & ASCII_MASK) == 0) {
      i += 8;
    }
    while (i < to) {
      int c = b[i];
      if (c >= 0) {
        i++;
        continue;
      }
      c &= 0xFF;
      if (c < 0xC2) {
        return false; // continuation byte, or overlong 2-byte lead C0/C1
      }
      if (c < 0xE0) {
        if (to - i < 2 || !isContinuation(b[i + 1])) {
          return false;
        }
        i += 2;
      } else if (c < 0xF0) {
        if (to - i < 3) {
          return false;
        }
        int c1 = b[i + 1] & 0xFF;
        if (c1 < 0x80 || c1 > 0xBF
            || (c == 0xE0 && c1 < 0xA0) // overlong
            || (c == 0xED && c1 > 0x9F) // surrogates
            || !isContinuation(b[i + 2])) {
          return false;
        }
        i += 3;
      } else if (c <= 0xF4) {
        if (to - i < 4) {
          return false;
        }
        int c1 = b[i + 1] & 0xFF;
        if (c1 < 0x80 || c1 > 0xBF
            || (c == 0xF0 && c1 < 0x90) // overlong
            || (c == 0xF4 && c1 > 0x8F) // above U+10FFFF
            || !isContinuation(b[i + 2]) || !isContinuation(b[i + 3])) {
          return false;
        }
        i += 4;
      } else {
        return false;
      }
      while (to - i >= 8 && (((long) LONGS.get(b, i)) & ASCII_MASK) == 0) {
        i += 8;
      }
    }
    return true;
  }

  private static boolean isContinuation(byte x) {
    return (x & 0xC0) == 0x80;
  }

  // The messages protobuf-java's InvalidProtocolBufferException factories use (those are not public).

  private static InvalidProtocolBufferException truncated() {
    return new InvalidProtocolBufferException(
        "While parsing a protocol message, the input ended unexpectedly in the middle of a field.  This could mean either"
            + " that the input has been truncated or that an embedded message misreported its own length.");
  }

  private static InvalidProtocolBufferException negativeSize() {
    return new InvalidProtocolBufferException(
        "CodedInputStream encountered an embedded string or message which claimed to have negative size.");
  }

  private static InvalidProtocolBufferException malformedVarint() {
    return new InvalidProtocolBufferException("CodedInputStream encountered a malformed varint.");
  }

  private static InvalidProtocolBufferException invalidTag() {
    return new InvalidProtocolBufferException("Protocol message contained an invalid tag (zero).");
  }

  private static InvalidProtocolBufferException invalidEndTag() {
    return new InvalidProtocolBufferException("Protocol message end-group tag did not match expected tag.");
  }

  private static InvalidProtocolBufferException invalidWireType() {
    return new InvalidProtocolBufferException.InvalidWireTypeException("Protocol message tag had invalid wire type.");
  }

  private static InvalidProtocolBufferException recursionLimitExceeded() {
    return new InvalidProtocolBufferException("Protocol message had too many levels of nesting.  May be malicious.  Use"
        + " setRecursionLimit() to increase the recursion depth limit.");
  }

  private static InvalidProtocolBufferException invalidUtf8() {
    return new InvalidProtocolBufferException("Protocol message had invalid UTF-8.");
  }
}
