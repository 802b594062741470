package ai.otc.reward.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.DeadLetterHeaders;
import ai.otc.contract.Headers;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.reward.core.RejectReason;
import ai.otc.reward.core.Rejection;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/**
 * Dead letters never exceed the dead-letter topic's limit as Kafka counts it: a record that fits keeps its key,
 * value and own headers; a 2 MiB value, a 2 MiB key, or a flood of headers turn it into a reference copy whose detail
 * says so and where the original is; a detail that repeats a huge key is bounded.
 */
class DeadLettersTest {

  static final int LIMIT = 1 << 20;

  static Header[] contract() {
    RecordHeaders h = new RecordHeaders();
    ContractHeaders.stamp(h, Headers.TYPE_TRAJECTORY);
    return h.toArray();
  }

  static int size(ProducerRecord<String, byte[]> r) {
    return RecordSizes.exact(RecordSizes.utf8(r.key()), r.value(), r.headers().toArray());
  }

  static String header(ProducerRecord<String, byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void aRecordThatFitsIsKeptWhole() {
    byte[] value = new byte[1000];
    ProducerRecord<String, byte[]> r = DeadLetters.record(Topics.ROLLOUTS_DLQ, LIMIT, "g1", value, contract(),
        new Rejection(RejectReason.UNDECODABLE, "bad"), Topics.ROLLOUTS, 2, 17, 123L);
    assertThat(r.value()).isSameAs(value);
    assertThat(r.key()).isEqualTo("g1");
    assertThat(r.timestamp()).isEqualTo(123L);
    assertThat(ContractHeaders.problems(Topics.ROLLOUTS_DLQ, r.headers())).isEmpty();
    assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("undecodable");
    assertThat(header(r, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("17");
  }

  @Test
  void a2MiBValueBecomesAReferenceCopyUnderTheLimit() {
    byte[] value = new byte[2 << 20];
    ProducerRecord<String, byte[]> r = DeadLetters.record(Topics.ROLLOUTS_DLQ, LIMIT, "g1", value, contract(),
        new Rejection(RejectReason.GROUP_TOO_LARGE, "group g1 too large"), Topics.ROLLOUTS, 3, 41, 5L);
    assertThat(r.value()).isNull();
    assertThat(r.key()).isEqualTo("g1");
    assertThat(size(r)).isLessThanOrEqualTo(LIMIT);
    assertThat(header(r, DeadLetterHeaders.REASON)).isEqualTo("group-too-large");
    assertThat(header(r, DeadLetterHeaders.DETAIL)).startsWith("group g1 too large; reference copy: this dead letter would be ")
        .contains("leaves out the value (2097152 bytes) and the record's own 2 headers")
        .endsWith("the original is otc.rollouts.v1 partition 3 offset 41");
    assertThat(header(r, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("3");
    assertThat(ContractHeaders.problems(Topics.ROLLOUTS_DLQ, r.headers())).as("no type header on a copy without value").isEmpty();
  }

  @Test
  void aHugeKeyRepeatedInTheDetailIsBoundedAndCut() {
    String key = "k".repeat(2 << 20);
    Rejection rej = new Rejection(RejectReason.KEY_MISMATCH, "record key '" + key + "' is not the group id 'g'");
    assertThat(rej.detail()).hasSizeLessThanOrEqualTo(Rejection.MAX_DETAIL_CHARS).endsWith("more chars]");
    ProducerRecord<String, byte[]> r = DeadLetters.record(Topics.ROLLOUTS_DLQ, LIMIT, key, new byte[10], contract(), rej, Topics.ROLLOUTS, 0,
        9, 1L);
    assertThat(size(r)).isLessThanOrEqualTo(LIMIT);
    assertThat(r.key()).hasSizeLessThanOrEqualTo(DeadLetters.MAX_REFERENCE_KEY_CHARS).startsWith("kkk");
    assertThat(header(r, DeadLetterHeaders.DETAIL)).contains("cuts the key (2097152 chars)");
  }

  @Test
  void aFloodOfOwnHeadersIsLeftOut() {
    RecordHeaders own = new RecordHeaders();
    for (int i = 0; i < 20; i++) {
      own.add("h" + i, new byte[64 * 1024]);
    }
    ProducerRecord<String, byte[]> r = DeadLetters.record(Topics.ROLLOUTS_DLQ, LIMIT, "g", new byte[10], own.toArray(),
        new Rejection(RejectReason.UNDECODABLE, "x"), Topics.ROLLOUTS, 0, 1, 1L);
    assertThat(size(r)).isLessThanOrEqualTo(LIMIT);
    assertThat(r.headers().toArray()).hasSize(5);
  }

  @Test
  void theOverheadBoundCoversKafkasOwnEstimateOfAScoredGroupRecord() {
    RecordHeaders h = new RecordHeaders();
    ContractHeaders.stamp(h, Headers.TYPE_SCORED_GROUP);
    for (String key : new String[] {"g", "g-1234567890", "\u00e9".repeat(1024), "\uD83D\uDE00".repeat(512)}) {
      for (int value : new int[] {0, 100, 1 << 16, (1 << 20) - 300}) {
        int kafka = RecordSizes.exact(RecordSizes.utf8(key), new byte[value], h.toArray());
        assertThat(RecordSizes.overhead(key) + value).as("key %d chars, value %d", key.length(), value).isGreaterThanOrEqualTo(kafka);
      }
    }
  }
}
