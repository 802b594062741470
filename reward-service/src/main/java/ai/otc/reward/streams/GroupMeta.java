package ai.otc.reward.streams;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The value of the {@code group-meta} store, keyed by group id: either a pending group (question,
 * expected size, member ids, first-seen and timeout times, latest record timestamp) or the marker
 * of a group already completed or dropped, kept for a retention period so late members and
 * duplicates of finished groups are ignored instead of starting a second group with the same id.
 * Encoded in a small versioned binary form (it lives in a changelog topic).
 */
public record GroupMeta(
    boolean done,
    String questionId,
    int expectedSize,
    long timeoutAtMs,
    long latestRecordTimestampMs,
    List<String> memberIds,
    long expireAtMs) {

  private static final byte VERSION = 1;

  /** A new pending group with its first member. */
  public static GroupMeta pending(String questionId, int expectedSize, long timeoutAtMs, String firstMemberId, long recordTs) {
    return new GroupMeta(false, questionId, expectedSize, timeoutAtMs, recordTs, List.of(firstMemberId), 0L);
  }

  /** The marker of a finished group, deleted at {@code expireAtMs}. */
  public static GroupMeta done(long expireAtMs) {
    return new GroupMeta(true, "", 0, 0L, 0L, List.of(), expireAtMs);
  }

  /** This pending group with one more member. */
  public GroupMeta withMember(String memberId, long recordTs) {
    List<String> ids = new ArrayList<>(memberIds.size() + 1);
    ids.addAll(memberIds);
    ids.add(memberId);
    return new GroupMeta(false, questionId, expectedSize, timeoutAtMs,
        Math.max(latestRecordTimestampMs, recordTs), Collections.unmodifiableList(ids), 0L);
  }

  public boolean isComplete() {
    return !done && memberIds.size() >= expectedSize;
  }

  public byte[] encode() {
    ByteArrayOutputStream bos = new ByteArrayOutputStream(64 + memberIds.size() * 40);
    try (DataOutputStream out = new DataOutputStream(bos)) {
      out.writeByte(VERSION);
      out.writeBoolean(done);
      if (done) {
        out.writeLong(expireAtMs);
      } else {
        writeString(out, questionId);
        out.writeInt(expectedSize);
        out.writeLong(timeoutAtMs);
        out.writeLong(latestRecordTimestampMs);
        out.writeInt(memberIds.size());
        for (String id : memberIds) {
          writeString(out, id);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bos.toByteArray();
  }

  public static GroupMeta decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      byte v = in.readByte();
      if (v != VERSION) {
        throw new IllegalStateException("unknown group-meta encoding version " + v);
      }
      if (in.readBoolean()) {
        return done(in.readLong());
      }
      String q = readString(in);
      int size = in.readInt();
      long timeoutAt = in.readLong();
      long latest = in.readLong();
      int n = in.readInt();
      List<String> ids = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        ids.add(readString(in));
      }
      return new GroupMeta(false, q, size, timeoutAt, latest, Collections.unmodifiableList(ids), 0L);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt group-meta value", e);
    }
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
