package ai.otc.testkit.kafka;

import com.google.protobuf.StringValue;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producers for the kit's own tests; values are protobuf {@code StringValue}s. */
final class Clients {

  private Clients() {}

  static KafkaProducer<String, byte[]> producer(String bootstrap, Map<String, Object> extra) {
    Map<String, Object> p = new java.util.HashMap<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.LINGER_MS_CONFIG, 0,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    p.putAll(extra);
    return new KafkaProducer<>(p);
  }

  static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return producer(bootstrap, Map.of());
  }

  static byte[] value(String s) {
    return StringValue.of(s).toByteArray();
  }
}
