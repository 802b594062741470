package ai.otc.learner.messaging;

import ai.otc.contract.DeadLetterHeaders;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * The dead-letter channel of otc.rewarded.v1 ({@code rewarded-dlq}, a SmallRye Reactive Messaging emitter on the
 * {@code smallrye-kafka} connector, idempotent producer, {@code acks=all}): the poison record's key, value and own
 * headers, unchanged, plus the contract's {@code dlq-*} headers. At-least-once is what this channel needs and what the
 * emitter gives: the learner waits for every dead letter of a step to be acknowledged before its checkpoint moves the
 * offsets past it, and one sent again after a crash carries the same source partition and offset, so it dedupes.
 */
@ApplicationScoped
public class DeadLetters {

  /** The channel's name in {@code application.properties} ({@code mp.messaging.outgoing.rewarded-dlq.*}). */
  public static final String CHANNEL = "rewarded-dlq";

  @Inject
  @Channel(CHANNEL)
  Emitter<byte[]> emitter;

  /** Sends one dead letter; the stage completes when the broker acknowledged it. */
  public CompletionStage<Void> send(Object source, String reason, String detail) {
    @SuppressWarnings("unchecked")
    ConsumerRecord<String, byte[]> rec = (ConsumerRecord<String, byte[]>) source;
    RecordHeaders h = new RecordHeaders();
    for (Header x : rec.headers()) {
      h.add(x);
    }
    put(h, DeadLetterHeaders.REASON, reason);
    put(h, DeadLetterHeaders.DETAIL, detail);
    put(h, DeadLetterHeaders.SOURCE_TOPIC, rec.topic());
    put(h, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(rec.partition()));
    put(h, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(rec.offset()));
    CompletableFuture<Void> done = new CompletableFuture<>();
    OutgoingKafkaRecordMetadata<String> md = OutgoingKafkaRecordMetadata.<String>builder().withKey(rec.key()).withHeaders(h).build();
    Message<byte[]> msg = Message.of(rec.value() == null ? new byte[0] : rec.value())
        .addMetadata(md)
        .withAck(() -> {
          done.complete(null);
          return CompletableFuture.completedFuture(null);
        })
        .withNack(e -> {
          done.completeExceptionally(e);
          return CompletableFuture.completedFuture(null);
        });
    emitter.send(msg);
    return done;
  }

  private static void put(RecordHeaders h, String name, String value) {
    String v = value == null ? "" : value.length() > 1000 ? value.substring(0, 1000) : value;
    h.add(name, v.getBytes(StandardCharsets.UTF_8));
  }
}
