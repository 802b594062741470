package ai.otc.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The reader: read_committed, waits for a topic created later, ordered reads to the end, parse failures. */
class TopicReaderTest {

  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass();

  @Test
  void onlyCommittedTransactionsAreReadInPartitionAndOffsetOrder() throws Exception {
    broker.createTopic("tx", 2);
    try (KafkaProducer<String, byte[]> producer = Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kit-tx"))) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("tx", 1, "k", Clients.value("c1")));
      producer.send(new ProducerRecord<>("tx", 0, "k", Clients.value("c0")));
      producer.commitTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("tx", 0, "k", Clients.value("aborted")));
      producer.flush();
      producer.abortTransaction();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>("tx", 0, "k", Clients.value("c2")));
      producer.commitTransaction();
    }
    try (TopicReader<StringValue> reader = TopicReader.open(broker.bootstrap(), "tx", StringValue.parser())) {
      List<TopicRecord<StringValue>> all = reader.readToEnd(Duration.ofSeconds(60));
      assertThat(all).extracting(r -> r.partition() + ":" + r.value().getValue()).containsExactly("0:c0", "0:c2", "1:c1");
      assertThat(reader.settle(Duration.ofMillis(500))).as("nothing else").isEqualTo(3);
    }
  }

  @Test
  void aReaderWaitsForATopicThatIsCreatedLaterAndCreatesNothing() throws Exception {
    try (TopicReader<StringValue> reader = TopicReader.open(broker.bootstrap(), "later", StringValue.parser())) {
      assertThat(reader.poll(Duration.ofMillis(500))).isZero();
      try (var admin = broker.admin()) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).as("reading does not create").doesNotContain("later");
      }
      CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
        broker.createTopic("later", 3);
        try (KafkaProducer<String, byte[]> producer = Clients.producer(broker.bootstrap())) {
          for (int i = 0; i < 6; i++) {
            producer.send(new ProducerRecord<>("later", i % 3, "k" + i, Clients.value("v" + i))).get(30, TimeUnit.SECONDS);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(reader.pollUntil(values -> values.size() >= 6, Duration.ofSeconds(60))).isTrue();
      writer.get(10, TimeUnit.SECONDS);
      assertThat(reader.values()).extracting(StringValue::getValue).containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4", "v5");
      assertThat(reader.pollUntil(values -> values.size() > 6, Duration.ofMillis(500))).as("a predicate that never holds").isFalse();
    }
  }

  @Test
  void aRecordThatDoesNotParseFailsTheReadNamingWhere() throws Exception {
    broker.createTopic("garbage", 1);
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff};
    try (KafkaProducer<String, byte[]> producer = Clients.producer(broker.bootstrap())) {
      producer.send(new ProducerRecord<>("garbage", "k", garbage)).get(30, TimeUnit.SECONDS);
    }
    try (TopicReader<StringValue> reader = TopicReader.open(broker.bootstrap(), "garbage", StringValue.parser())) {
      assertThatThrownBy(() -> reader.pollUntil(1, Duration.ofSeconds(30)))
          .isInstanceOf(AssertionError.class).hasMessageContaining("garbage record at partition 0 offset 0 does not parse");
    }
    try (TopicReader<byte[]> raw = TopicReader.openRaw(broker.bootstrap(), "garbage")) {
      assertThat(raw.pollUntil(1, Duration.ofSeconds(30))).isEqualTo(1);
      assertThat(raw.values().get(0)).isEqualTo(garbage);
    }
  }
}
