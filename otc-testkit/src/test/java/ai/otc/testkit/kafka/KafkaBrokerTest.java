package ai.otc.testkit.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.StringValue;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker in this JVM, one per test method: produce and consume, restart with the same data, topic creation. */
class KafkaBrokerTest {

  @RegisterExtension
  final KafkaBroker broker = KafkaBroker.perMethod().withTopic("t", 2);

  @Test
  void aRecordProducedIsReadBackWithKeyValueAndHeaders() throws Exception {
    try (KafkaProducer<String, byte[]> producer = Clients.producer(broker.bootstrap())) {
      ProducerRecord<String, byte[]> r = new ProducerRecord<>("t", "k1", Clients.value("hello"));
      r.headers().add("h", "v1".getBytes(StandardCharsets.UTF_8));
      producer.send(r).get(30, TimeUnit.SECONDS);
    }
    List<TopicRecord<StringValue>> read = TopicReader.read(broker.bootstrap(), "t", StringValue.parser(), 1, Duration.ofSeconds(30));
    assertThat(read).hasSize(1);
    assertThat(read.get(0).key()).isEqualTo("k1");
    assertThat(read.get(0).value().getValue()).isEqualTo("hello");
    assertThat(read.get(0).header("h")).isEqualTo("v1");
    assertThat(read.get(0).header("absent")).isNull();
    try (var admin = broker.admin()) {
      assertThat(admin.describeTopics(List.of("t")).allTopicNames().get(30, TimeUnit.SECONDS).get("t").partitions()).hasSize(2);
    }
  }

  @Test
  void aRestartOnTheSamePortKeepsTheDataAndClientsReconnect() throws Exception {
    String bootstrap = broker.bootstrap();
    try (KafkaProducer<String, byte[]> producer = Clients.producer(bootstrap);
        TopicReader<StringValue> reader = TopicReader.open(bootstrap, "t", StringValue.parser())) {
      for (int i = 0; i < 5; i++) {
        producer.send(new ProducerRecord<>("t", 0, "k", Clients.value("before-" + i))).get(30, TimeUnit.SECONDS);
      }
      assertThat(reader.pollUntil(5, Duration.ofSeconds(30))).isEqualTo(5);

      broker.stop();
      assertThat(broker.isRunning()).isFalse();
      assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("127.0.0.1", broker.port()), 1000))
          .as("nothing listens while stopped").isInstanceOf(ConnectException.class);
      Duration first = broker.lastStartTime();
      broker.start();
      System.out.printf("in-JVM broker: first start %d ms, restart %d ms%n", first.toMillis(), broker.lastStartTime().toMillis());

      assertThat(broker.bootstrap()).isEqualTo(bootstrap);
      // the same producer and reader, created before the stop, carry on
      for (int i = 0; i < 5; i++) {
        producer.send(new ProducerRecord<>("t", 0, "k", Clients.value("after-" + i))).get(60, TimeUnit.SECONDS);
      }
      assertThat(reader.pollUntil(10, Duration.ofSeconds(60))).isEqualTo(10);
      assertThat(reader.values()).extracting(StringValue::getValue)
          .containsExactly("before-0", "before-1", "before-2", "before-3", "before-4", "after-0", "after-1", "after-2", "after-3", "after-4");
    }
    // a new reader sees the records from before the restart: they were on disk
    assertThat(TopicReader.read(bootstrap, "t", StringValue.parser(), 10, Duration.ofSeconds(30))).hasSize(10);
  }

  @Test
  void topicsAreNotCreatedByAProducerUnlessAsked() {
    try (KafkaProducer<String, byte[]> producer = Clients.producer(broker.bootstrap(), Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2000))) {
      assertThatThrownBy(() -> producer.send(new ProducerRecord<>("never-created", "k", Clients.value("x"))).get(10, TimeUnit.SECONDS))
          .hasMessageContaining("not present in metadata");
    }
  }

  @Test
  void withAutoCreationOnAProducerCreatesItsTopic() throws Exception {
    try (KafkaBroker auto = KafkaBroker.create().autoCreateTopics(true).start();
        KafkaProducer<String, byte[]> producer = Clients.producer(auto.bootstrap())) {
      producer.send(new ProducerRecord<>("created-on-use", "k", Clients.value("x"))).get(60, TimeUnit.SECONDS);
      assertThat(TopicReader.read(auto.bootstrap(), "created-on-use", StringValue.parser(), 1, Duration.ofSeconds(30))).hasSize(1);
    }
  }

  @Test
  void aBrokerInThisJvmCannotBePausedOrKilled() {
    assertThatThrownBy(broker::pause).isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("CHILD_PROCESS");
    assertThatThrownBy(broker::kill).isInstanceOf(UnsupportedOperationException.class);
    assertThat(broker.process()).isEmpty();
  }

  @Test
  void settingsCannotChangeOnceStarted() {
    assertThatThrownBy(() -> broker.autoCreateTopics(true)).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> broker.start()).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
  }
}
