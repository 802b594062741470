package ai.otc.reward.support;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.reward.core.ClientProps;
import com.google.protobuf.InvalidProtocolBufferException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** Reads otc.rewarded.v1 as the learner would: read_committed, from the beginning, keeping every record (duplicates included). */
public final class RewardedReader implements AutoCloseable {

  private final KafkaConsumer<String, byte[]> consumer;
  public final List<ScoredGroup> all = new ArrayList<>();

  public RewardedReader(String bootstrap, String topic) {
    Properties p = ClientProps.readCommittedConsumer(bootstrap, 500);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumer = new KafkaConsumer<>(p);
    consumer.subscribe(List.of(topic));
  }

  /** Polls once and returns how many records have been read in total. */
  public int poll(Duration d) {
    for (ConsumerRecord<String, byte[]> r : consumer.poll(d)) {
      try {
        all.add(ScoredGroup.parseFrom(r.value()));
      } catch (InvalidProtocolBufferException e) {
        throw new AssertionError("otc.rewarded.v1 record at " + r.partition() + "/" + r.offset() + " does not decode", e);
      }
    }
    return all.size();
  }

  /** Polls until at least {@code n} records were read or the time is up. */
  public int pollUntil(int n, Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    while (all.size() < n && System.nanoTime() < deadline) {
      poll(Duration.ofMillis(200));
    }
    return all.size();
  }

  @Override
  public void close() {
    consumer.close();
  }
}
