package ai.otc.reward.pipeline;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.AbstractRecords;
import org.apache.kafka.common.record.CompressionType;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Sizes of the records the reward service writes, as Kafka counts them against {@code max.request.size} and the
 * topic's {@code max.message.bytes}: key, value, headers and the record-batch overhead (uncompressed: compression can
 * only make a record smaller).
 */
final class RecordSizes {

  /**
   * A bound of everything in an otc.rewarded.v1 record besides its value: the batch overhead (61 bytes), the record's
   * own varints (at most 21), the key and its length, the value's length, and the two contract headers (type and
   * version, under 64 bytes with their lengths); 256 bytes plus the key's UTF-8 bytes covers it with room to spare
   * ({@code RecordSizesTest} checks it against Kafka's own estimate).
   */
  static long overhead(String key) {
    return 256 + 4L * key.length();
  }

  /** Kafka's own upper bound of a record's size in a batch of its own (what the producer checks before sending). */
  static int exact(byte[] key, byte[] value, Header[] headers) {
    return AbstractRecords.estimateSizeInBytesUpperBound(RecordBatch.CURRENT_MAGIC_VALUE, CompressionType.NONE, key, value, headers);
  }

  static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  private RecordSizes() {}
}
