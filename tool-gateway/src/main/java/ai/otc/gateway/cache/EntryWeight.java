package ai.otc.gateway.cache;

import com.google.protobuf.MessageLite;

/**
 * The estimated heap bytes of one cache entry, which the gateway's caches are bounded by (not by their
 * number of entries: one code result may be 1,000 times a search result).
 *
 * <p>The estimate is the value's protobuf-serialised size (text fields dominate it; a Java string of
 * Latin-1 text takes about as many bytes on the heap, a UTF-8-encoded non-Latin one about as many or
 * fewer), twice the key's characters (a UTF-16 string at worst), and a fixed {@link #ENTRY_OVERHEAD} for
 * the cache's node, the key and value objects and the message's own fields. It is an estimate, not a
 * measurement: what it must do is grow with what a value really holds, so that a few large values
 * cannot take more room than many small ones.
 */
public final class EntryWeight {
  /** Bytes charged to every entry on top of its key and value. */
  public static final int ENTRY_OVERHEAD = 256;

  private EntryWeight() {}

  /** The estimated bytes of an entry with {@code key} and {@code value} (null: an entry whose value is not there yet). */
  public static int of(String key, MessageLite value) {
    long bytes = ENTRY_OVERHEAD + 2L * key.length() + (value == null ? 0 : value.getSerializedSize());
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }
}
