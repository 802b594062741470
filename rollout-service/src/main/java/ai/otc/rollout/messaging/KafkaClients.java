package ai.otc.rollout.messaging;

import ai.otc.contract.kafka.KafkaConnection;
import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka client settings of the service: the connection (bootstrap address and {@code kafka.security.protocol},
 * {@code kafka.sasl.*}, {@code kafka.ssl.*}, the same for every client, the Admin included), the service's defaults,
 * then the user's {@code otc.rollout.producer.*} /
 * {@code otc.rollout.consumer.*} overrides, then (in {@link TrajectoryPublisher} and {@code PolicyFeed}) the settings
 * correctness depends on, which no override can change. {@code client.id} names the service, run, instance and role.
 */
public final class KafkaClients {
  private KafkaClients() {}

  /** The trajectory producer's settings before the fixed ones (idempotence, acks, transactional id). */
  public static Map<String, Object> producer(KafkaConnection kafka, String runId, int index, Map<String, String> overrides) {
    Map<String, Object> p = new HashMap<>(kafka.clientSettings());
    p.put("client.id", "rollout-service-" + runId + "-" + index + "-producer");
    // Kafka 4 defaults to linger.ms=5; a batch is sent at once and committed, so waiting gains nothing
    p.put("linger.ms", "1");
    // A batch is ~256 trajectories (~0.5-1 MB) sent in a burst, then committed: 16 KiB producer batches (the default)
    // cut it into dozens of requests, at most 5 in flight per connection, before the commit can go out.
    p.put("batch.size", "262144");
    p.put("delivery.timeout.ms", "60000");
    p.put("request.timeout.ms", "15000");
    // how long a send, the transaction's init or commit may block while the broker is unreachable
    p.put("max.block.ms", "20000");
    p.put("transaction.timeout.ms", "60000");
    p.putAll(overrides);
    return p;
  }

  /** The policy consumer's settings before the fixed ones (no group, read_committed, no auto-commit). */
  public static Map<String, Object> consumer(KafkaConnection kafka, String runId, int index, Map<String, String> overrides) {
    Map<String, Object> p = new HashMap<>(kafka.clientSettings());
    p.put("client.id", "rollout-service-" + runId + "-" + index + "-policy");
    p.put("fetch.max.wait.ms", "100");
    p.putAll(overrides);
    return p;
  }

  /** Admin client settings (the topic check): the connection, a client id and timeouts. */
  public static Map<String, Object> admin(KafkaConnection kafka, String runId, int index) {
    Map<String, Object> p = new HashMap<>(kafka.clientSettings());
    p.put("client.id", "rollout-service-" + runId + "-" + index + "-admin");
    p.put("request.timeout.ms", "10000");
    p.put("default.api.timeout.ms", "15000");
    return p;
  }
}
