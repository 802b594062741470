package ai.otc.reward.streams;

/**
 * Keys of the {@code group-deadlines} store: {@code <16 hex digits of the due time>|<group id>},
 * so that the store's byte order is time order and the punctuator reads only what is due instead
 * of scanning every group. The value is one byte saying what is due.
 */
final class Deadlines {

  /** The group's timeout: still incomplete means apply the timeout policy. */
  static final byte TIMEOUT = 'T';
  /** A finished group's marker may be forgotten. */
  static final byte EXPIRE = 'E';

  private Deadlines() {}

  static String key(long dueMs, String groupId) {
    return String.format("%016x|%s", Math.max(0L, dueMs), groupId);
  }

  static long due(String key) {
    return Long.parseUnsignedLong(key.substring(0, 16), 16);
  }

  static String groupId(String key) {
    return key.substring(17);
  }
}
