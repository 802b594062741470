package ai.otc.reward.pipeline;

import java.nio.ByteBuffer;

/**
 * Values of the group changelog topic {@code <application-id>-groups} (compacted, key = group id,
 * one partition per rollouts partition: a marker lives in the partition its group's first member
 * came from). Nine bytes: a type and a wall-clock time in epoch milliseconds.
 * <ul>
 *   <li>{@link #OPEN}: the group is pending and times out at the time (written at the commit that
 *       first sees it pending, so a restart keeps the original timeout);</li>
 *   <li>{@link #FINISHED}: the group was scored or dropped; its late members are ignored until the
 *       time, when the service writes a tombstone.</li>
 * </ul>
 */
public final class GroupMarkers {

  public static final byte OPEN = 1;
  public static final byte FINISHED = 2;
  private static final int SIZE = 9;

  private GroupMarkers() {}

  public static byte[] open(long deadlineMs) {
    return encode(OPEN, deadlineMs);
  }

  public static byte[] finished(long expireAtMs) {
    return encode(FINISHED, expireAtMs);
  }

  private static byte[] encode(byte type, long timeMs) {
    return ByteBuffer.allocate(SIZE).put(type).putLong(timeMs).array();
  }

  /** The type byte; throws on a value this version cannot read (the changelog is ours: that is corruption). */
  public static byte type(byte[] value) {
    if (value.length != SIZE || (value[0] != OPEN && value[0] != FINISHED)) {
      throw new IllegalStateException("group changelog value of " + value.length + " bytes is not a marker");
    }
    return value[0];
  }

  public static long timeMs(byte[] value) {
    type(value);
    return ByteBuffer.wrap(value, 1, 8).getLong();
  }
}
