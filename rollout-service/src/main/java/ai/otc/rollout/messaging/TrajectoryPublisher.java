package ai.otc.rollout.messaging;

import ai.otc.contract.Headers;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.proto.v1.Trajectory;
import ai.otc.rollout.loop.TrajectorySink;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Publishes a batch's trajectories to the rollouts topic, key = group id, value = the {@code Trajectory} bytes,
 * headers stamped by the contract ({@code otc-type: otc.v1.Trajectory}, {@code otc-version: v1}), with an idempotent
 * producer ({@code enable.idempotence=true}, {@code acks=all}) that is also transactional: a batch is one
 * transaction, so a read_committed consumer (the reward service) sees all of a batch's groups or none of them. An
 * instance that dies in the middle of a batch therefore never leaves a half-published group, and its restart
 * regenerates the batch with the same ids. The transactional id is {@code otc-rollout-<run>-<instance index>}: a
 * restarted instance aborts what its predecessor left open, and a second process with the same index (a zombie or a
 * misconfiguration) is fenced instead of producing doubles.
 */
public final class TrajectoryPublisher implements TrajectorySink, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TrajectoryPublisher.class);

  private final Properties props;
  private final String topic;
  private final String transactionalId;
  private KafkaProducer<String, byte[]> producer;

  /**
   * @param clientProps     producer properties (bootstrap, client id, overrides); the fixed ones are put after them
   * @param topic           the rollouts topic
   * @param transactionalId this instance's stable transactional identity
   */
  public TrajectoryPublisher(Map<String, Object> clientProps, String topic, String transactionalId) {
    this.props = new Properties();
    props.putAll(clientProps);
    props.put("key.serializer", StringSerializer.class.getName());
    props.put("value.serializer", ByteArraySerializer.class.getName());
    props.put("enable.idempotence", "true");
    props.put("acks", "all");
    props.put("transactional.id", transactionalId);
    this.topic = topic;
    this.transactionalId = transactionalId;
  }

  /** The fixed transactional id of instance {@code index} of run {@code runId}. */
  public static String transactionalId(String runId, int index) {
    return "otc-rollout-" + runId + "-" + index;
  }

  /** Creates the producer and registers the transactional id (aborting a predecessor's open transaction). */
  public synchronized void init() {
    if (producer == null) {
      KafkaProducer<String, byte[]> p = new KafkaProducer<>(props);
      try {
        p.initTransactions();
      } catch (RuntimeException e) {
        p.close(java.time.Duration.ZERO);
        throw e;
      }
      producer = p;
    }
  }

  @Override
  public synchronized void publish(long batch, List<Trajectory> trajectories) {
    init();
    try {
      producer.beginTransaction();
      for (Trajectory t : trajectories) {
        ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, t.getGroupId(), t.toByteArray());
        ContractHeaders.stamp(r.headers(), Headers.TYPE_TRAJECTORY);
        producer.send(r);
      }
      producer.commitTransaction(); // flushes and waits for every send, then commits
    } catch (ProducerFencedException | InvalidProducerEpochException e) {
      discard();
      throw new SinkFencedException("another rollout process took over transactional id " + transactionalId
          + " (the same run and instance index run twice?)", e);
    } catch (KafkaException e) {
      // abort when the producer can; a fatal state means a new producer (init() makes one at the next publish)
      try {
        producer.abortTransaction();
      } catch (RuntimeException abort) {
        LOG.warnf("abort of batch %d's transaction failed (%s); recreating the producer", batch, abort.toString());
        discard();
      }
      throw new IllegalStateException("batch " + batch + " was not published: " + e, e);
    }
  }

  private void discard() {
    if (producer != null) {
      try {
        producer.close(java.time.Duration.ZERO);
      } catch (RuntimeException ignored) {
        // closing a failed producer
      }
      producer = null;
    }
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(java.time.Duration.ofSeconds(5));
      producer = null;
    }
  }
}
