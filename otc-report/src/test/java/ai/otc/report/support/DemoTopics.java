package ai.otc.report.support;

import ai.otc.contract.Headers;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.proto.v1.StepMetrics;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.proto.v1.Trajectory;
import ai.otc.testkit.kafka.KafkaBroker;
import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes the {@link SyntheticDemo}'s records to a real broker as the platform does: the contract's topics with their
 * partitions, the contract's keys and headers, idempotent producers; rollouts and evaluations in committed
 * transactions, plus one aborted transaction whose records a read_committed report must not see.
 */
public final class DemoTopics {

  private DemoTopics() {}

  /** Creates the four topics on the test kit's broker and writes every record of the synthetic demo. */
  public static void write(KafkaBroker broker) {
    broker.createTopics(List.of(Topics.METRICS, Topics.ROLLOUTS, Topics.EVALUATIONS, Topics.TOOL_USAGE).stream()
        .map(t -> new NewTopic(t, TopicTable.get(t).partitions(), (short) 1)).toList());
    writeRecords(broker.bootstrap());
  }

  /** Writes every record of the synthetic demo to existing topics of the broker at {@code bootstrap}. */
  public static void writeRecords(String bootstrap) {
    try (KafkaProducer<String, byte[]> p = producer(bootstrap, null)) {
      for (StepMetrics m : SyntheticDemo.metrics()) {
        p.send(record(Topics.METRICS, m.getRunId(), m, Headers.TYPE_STEP_METRICS));
      }
      for (ToolUsage u : SyntheticDemo.usage()) {
        p.send(record(Topics.TOOL_USAGE, u.getTenant(), u, Headers.TYPE_TOOL_USAGE));
      }
      p.flush();
    }
    try (KafkaProducer<String, byte[]> p = producer(bootstrap, "report-it")) {
      p.initTransactions();
      p.beginTransaction();
      for (Trajectory t : SyntheticDemo.rollouts()) {
        p.send(record(Topics.ROLLOUTS, t.getGroupId(), t, Headers.TYPE_TRAJECTORY));
      }
      p.commitTransaction();
      p.beginTransaction();
      // Never committed: an extra question for T.em.s1 and a step that would change its curve.
      p.send(record(Topics.EVALUATIONS, "T.em.s1",
          SyntheticDemo.trajectory("T.em.s1/eval/qz", "T.em.s1", "qz", -1, 9, 0, false, "no"), Headers.TYPE_TRAJECTORY));
      p.send(record(Topics.METRICS, "T.em.s1", SyntheticDemo.step("T.em.s1", 3, 0.0, 9.0, 0.0), Headers.TYPE_STEP_METRICS));
      p.flush();
      p.abortTransaction();
      p.beginTransaction();
      for (Trajectory t : SyntheticDemo.evaluations()) {
        p.send(record(Topics.EVALUATIONS, t.getRunId(), t, Headers.TYPE_TRAJECTORY));
      }
      p.commitTransaction();
    }
  }

  private static ProducerRecord<String, byte[]> record(String topic, String key, Message value, String type) {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, key, value.toByteArray());
    r.headers().add(Headers.TYPE, type.getBytes(StandardCharsets.UTF_8));
    r.headers().add(Headers.VERSION, Headers.VERSION_VALUE.getBytes(StandardCharsets.UTF_8));
    return r;
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap, String transactionalId) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    if (transactionalId != null) {
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    }
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }
}
