package ai.otc.reward.pipeline;

import ai.otc.contract.DeadLetterHeaders;
import ai.otc.reward.core.Rejection;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the dead-letter records of the reward service so that none can be too large to write (a refused write
 * would abort the transaction, and the restarted service would meet the same record again, forever):
 * <ul>
 *   <li>the record as it arrived (key, value, its own headers) plus the {@code dlq-*} headers, whose detail is
 *       bounded ({@link Rejection#MAX_DETAIL_CHARS}), when that fits the dead-letter topic's limit;</li>
 *   <li>otherwise a <b>reference copy</b>: no value and none of its own headers, a key cut to
 *       {@link #MAX_REFERENCE_KEY_CHARS} characters when longer, and a detail that says so, how large the record
 *       was and where the original is (source topic, partition, offset: it stays there for the topic's retention).
 *       Its reason stays the rejection's.</li>
 * </ul>
 */
final class DeadLetters {

  /** The longest key a reference copy keeps, in chars. */
  static final int MAX_REFERENCE_KEY_CHARS = 256;

  private DeadLetters() {}

  /**
   * The dead-letter record for {@code dlqTopic}, at most {@code limit} bytes as Kafka counts them.
   *
   * @param own the source record's headers (kept when the whole fits)
   * @throws IllegalStateException when even the reference copy does not fit (a limit under a few KiB; the
   *     configuration allows no less than 64 KiB)
   */
  static ProducerRecord<String, byte[]> record(String dlqTopic, int limit, String key, byte[] value, Header[] own,
      Rejection rejection, String sourceTopic, int sourcePartition, long sourceOffset, long timestampMs) {
    Headers h = new RecordHeaders(own);
    stamp(h, rejection.reason().wireName(), rejection.detail(), sourceTopic, sourcePartition, sourceOffset);
    byte[] keyBytes = RecordSizes.utf8(key);
    int size = RecordSizes.exact(keyBytes, value, h.toArray());
    if (size <= limit) {
      return new ProducerRecord<>(dlqTopic, null, timestampMs, key, value, h);
    }
    String shortKey = key == null ? null : Rejection.bounded(key, MAX_REFERENCE_KEY_CHARS);
    String note = "; reference copy: this dead letter would be " + size + " bytes, over the " + limit + "-byte limit of " + dlqTopic
        + ", so it leaves out the value (" + (value == null ? 0 : value.length) + " bytes) and the record's own " + own.length
        + " headers" + (shortKey != null && !shortKey.equals(key) ? " and cuts the key (" + key.length() + " chars)" : "")
        + "; the original is " + sourceTopic + " partition " + sourcePartition + " offset " + sourceOffset;
    Headers ref = new RecordHeaders();
    stamp(ref, rejection.reason().wireName(), rejection.detail() + note, sourceTopic, sourcePartition, sourceOffset);
    int refSize = RecordSizes.exact(RecordSizes.utf8(shortKey), null, ref.toArray());
    if (refSize > limit) {
      throw new IllegalStateException("the reference copy of " + sourceTopic + "-" + sourcePartition + "@" + sourceOffset + " is "
          + refSize + " bytes, over the " + limit + "-byte limit of " + dlqTopic);
    }
    return new ProducerRecord<>(dlqTopic, null, timestampMs, shortKey, null, ref);
  }

  private static void stamp(Headers h, String reason, String detail, String topic, int partition, long offset) {
    put(h, DeadLetterHeaders.REASON, reason);
    put(h, DeadLetterHeaders.DETAIL, detail);
    put(h, DeadLetterHeaders.SOURCE_TOPIC, topic);
    put(h, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(partition));
    put(h, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(offset));
  }

  private static void put(Headers h, String name, String value) {
    h.remove(name);
    h.add(name, value.getBytes(StandardCharsets.UTF_8));
  }
}
