package ai.otc.gateway;

import ai.otc.contract.Topics;
import ai.otc.proto.v1.ToolUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads {@code otc.tool-usage.v1} from the beginning, as an analytics consumer would. */
public final class UsageTopic {
  private UsageTopic() {}

  /** Polls until {@code predicate} holds for the events read so far, or {@code timeout} passes. */
  public static List<ConsumerRecord<String, byte[]>> readUntil(String bootstrap, java.util.function.Predicate<List<ToolUsage>> done,
      Duration timeout) {
    Map<String, Object> p = Map.of(
        "bootstrap.servers", bootstrap,
        "group.id", "test-" + UUID.randomUUID(),
        "auto.offset.reset", "earliest",
        "enable.auto.commit", "false",
        "key.deserializer", StringDeserializer.class.getName(),
        "value.deserializer", ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
    List<ToolUsage> events = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(Topics.TOOL_USAGE));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(r);
          events.add(parse(r.value()));
        }
        if (done.test(events)) {
          // one more short poll: a duplicate or an extra event would show up here
          for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
            out.add(r);
            events.add(parse(r.value()));
          }
          return out;
        }
      }
    }
    return out;
  }

  public static ToolUsage parse(byte[] b) {
    try {
      return ToolUsage.parseFrom(b);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException("not a ToolUsage", e);
    }
  }
}
