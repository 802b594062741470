package ai.otc.learner.support;

import ai.otc.contract.Headers;
import ai.otc.contract.TopicSpec;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.contract.kafka.TopicProvisioner;
import ai.otc.proto.v1.PolicyManifest;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.StepMetrics;
import ai.otc.testkit.kafka.TopicReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the reward service for the learner's ITs: produces scored groups to otc.rewarded.v1 (key group id, contract
 * headers) and reads back what the learner announced on otc.policy.v1 and otc.metrics.v1 for one run.
 */
public final class RunFeed implements AutoCloseable {

  private final KafkaProducer<String, byte[]> producer;
  private final TopicReader<PolicyManifest> manifests;
  private final TopicReader<StepMetrics> metrics;
  private final String runId;

  public RunFeed(String bootstrap, String runId) {
    this.runId = runId;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);
    manifests = TopicReader.open(bootstrap, Topics.POLICY, PolicyManifest.parser());
    metrics = TopicReader.open(bootstrap, Topics.METRICS, StepMetrics.parser());
  }

  /** Creates the learner's topics as the table says (so groups can be produced before the learner runs). */
  public static void createTopics(String bootstrap) throws Exception {
    List<TopicSpec> specs = List.of(TopicTable.get(Topics.REWARDED), TopicTable.get(Topics.REWARDED_DLQ),
        TopicTable.get(Topics.POLICY), TopicTable.get(Topics.METRICS));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicProvisioner.createMissing(admin, specs, (short) 1, Duration.ofSeconds(30));
    }
  }

  /** Produces one scored group (synchronously), partitioned by its key as the reward service does. */
  public void send(ScoredGroup g) throws Exception {
    send(g, null);
  }

  /**
   * Produces one scored group (synchronously) to {@code partition} (null: by key). The learner decides records in poll
   * order, which interleaves partitions arbitrarily; a test that needs a fixed order uses one partition.
   */
  public void send(ScoredGroup g, Integer partition) throws Exception {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.REWARDED, partition, g.getGroupId(), g.toByteArray());
    ContractHeaders.stamp(r.headers(), Headers.TYPE_SCORED_GROUP);
    producer.send(r).get();
  }

  /** Produces raw bytes claiming to be a scored group (a poison record); returns its partition and offset. */
  public long[] sendRaw(String key, byte[] value, Integer partition) throws Exception {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.REWARDED, partition, key, value);
    ContractHeaders.stamp(r.headers(), Headers.TYPE_SCORED_GROUP);
    var md = producer.send(r).get();
    return new long[] {md.partition(), md.offset()};
  }

  /** Waits until this run announced {@code version}; returns all of the run's manifests read so far. */
  public List<PolicyManifest> awaitVersion(long version, Duration max) {
    manifests.pollUntil(v -> v.stream().anyMatch(m -> runId.equals(m.getRunId()) && m.getVersion() >= version), max);
    List<PolicyManifest> mine = manifests();
    if (mine.stream().noneMatch(m -> m.getVersion() >= version)) {
      throw new AssertionError("run " + runId + " did not announce version " + version + " within " + max + "; manifests: " + mine);
    }
    return mine;
  }

  /** The newest version this run announced so far (-1 when none), after a short poll. */
  public long latestVersion() {
    manifests.poll(Duration.ofMillis(200));
    return manifests().stream().mapToLong(PolicyManifest::getVersion).max().orElse(-1);
  }

  /** This run's manifests read so far, in read order. */
  public List<PolicyManifest> manifests() {
    return manifests.values().stream().filter(m -> runId.equals(m.getRunId())).toList();
  }

  /** The records of the manifests (headers). */
  public TopicReader<PolicyManifest> manifestReader() {
    return manifests;
  }

  /** Waits until this run's metrics of {@code step} arrived; returns all of the run's metrics read so far. */
  public List<StepMetrics> awaitStep(long step, Duration max) {
    metrics.pollUntil(v -> v.stream().anyMatch(m -> runId.equals(m.getRunId()) && m.getStep() >= step), max);
    List<StepMetrics> mine = metrics.values().stream().filter(m -> runId.equals(m.getRunId())).toList();
    if (mine.stream().noneMatch(m -> m.getStep() >= step)) {
      throw new AssertionError("run " + runId + " did not publish the metrics of step " + step + " within " + max);
    }
    return mine;
  }

  /** The records of the metrics (headers). */
  public TopicReader<StepMetrics> metricsReader() {
    return metrics;
  }

  @Override
  public void close() {
    producer.close();
    manifests.close();
    metrics.close();
  }
}
