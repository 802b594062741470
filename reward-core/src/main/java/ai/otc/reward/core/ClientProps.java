package ai.otc.reward.core;

import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Kafka client settings the reward stage's readers share (the live service's and {@code ./otc rescore}'s). */
public final class ClientProps {

  private ClientProps() {}

  /**
   * A consumer of (String key, byte[] value) records that sees only committed transactions and never
   * commits offsets by itself: what every reader of otc.rollouts.v1 and of the changelogs needs.
   */
  public static Properties readCommittedConsumer(String bootstrap, int maxPollRecords) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords));
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }
}
