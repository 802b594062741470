package ai.otc.rollout.support;

import ai.otc.contract.Headers;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.contract.kafka.TopicProvisioner;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.store.PolicyStore;
import ai.otc.policy.store.PolicyStores;
import ai.otc.policy.store.StoredPolicy;
import ai.otc.proto.v1.PolicyManifest;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.process.ServiceProcess;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import ai.otc.world.WorldIo;
import com.google.protobuf.Timestamp;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What a rollout IT runs against, all real: an embedded KRaft broker with the contract's topics, a tiny world on
 * disk, the packaged tool gateway serving its corpus (a child process, tenant {@value #TENANT}), the run's policy
 * store, and the learner's side of the protocol done by hand ({@link #publishVersion}: put the artifact in the store,
 * then announce its manifest on otc.policy.v1, key = run id, contract headers).
 */
public final class LoopPlatform implements AutoCloseable {
  /** The gateway tenant of the rollouts. */
  public static final String TENANT = "rollout";
  /** Its bearer token. */
  public static final String TOKEN = "rollout-it-token-0123456789";
  /** A second tenant whose searches are limited to {@value #TIGHT_RATE} per second (burst the same): back-pressure. */
  public static final String TIGHT_TOKEN = "tight-it-token-0123456789";
  /** The tight tenant's search rate per second. */
  public static final int TIGHT_RATE = 3;

  private final KafkaBroker broker;
  private final Path dir;
  private final World world;
  private final Path worldDir;
  private final Path storeRoot;
  private final Map<String, PolicyStore> stores = new java.util.concurrent.ConcurrentHashMap<>();
  private final PolicyArtifact policy;
  private final ServiceProcess gateway;
  private final KafkaProducer<String, byte[]> producer;

  /**
   * @param broker a started broker
   * @param dir    a scratch directory (world, store, gateway index and spool)
   */
  public LoopPlatform(KafkaBroker broker, Path dir) throws Exception {
    this.broker = broker;
    this.dir = dir;
    try (Admin admin = broker.admin()) {
      TopicProvisioner.createMissing(admin, List.of(TopicTable.get(Topics.ROLLOUTS), TopicTable.get(Topics.POLICY),
          TopicTable.get(Topics.TOOL_USAGE)), (short) 1, Duration.ofSeconds(30));
    }
    this.world = WorldGenerator.generate(WorldConfig.tiny(0));
    this.worldDir = dir.resolve("world");
    WorldIo.write(world, worldDir);
    this.storeRoot = dir.resolve("policies");
    this.policy = ItPolicy.obtain(world);
    Properties p = new Properties();
    p.put("bootstrap.servers", broker.bootstrap());
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    p.put("acks", "all");
    p.put("linger.ms", "0");
    this.producer = new KafkaProducer<>(p);
    this.gateway = PackagedServices.gateway("gateway").properties(gatewayConfig()).startAndAwaitReady();
  }

  private Map<String, String> gatewayConfig() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kafka.bootstrap.servers", broker.bootstrap());
    p.put("otc.gateway.search.corpus", worldDir.resolve("corpus.jsonl").toString());
    p.put("otc.gateway.search.index-dir", dir.resolve("gateway-index").toString());
    p.put("otc.gateway.metering.spool-dir", dir.resolve("gateway-spool").toString());
    p.put("otc.gateway.metering.source", "/tool-gateway/rollout-it");
    p.put("otc.gateway.metering.create-topic", "false");
    p.put("otc.gateway.auth.tenants." + TENANT + ".token", TOKEN);
    p.put("otc.gateway.auth.tenants.tight.token", TIGHT_TOKEN);
    p.put("otc.gateway.limits.tenants.tight.search.rate", Integer.toString(TIGHT_RATE));
    p.put("otc.gateway.limits.tenants.tight.search.period", "1s");
    p.put("otc.gateway.limits.tenants.tight.search.burst", Integer.toString(TIGHT_RATE));
    p.put("otc.gateway.limits.max-tenant-share", "1");
    p.put("otc.gateway.code.uid-base", "63000");
    p.put("otc.gateway.code.slots", "4");
    p.put("otc.gateway.code.default-timeout", "5s");
    // the exact-name-first search the warm start was trained with
    p.put("otc.gateway.search.ranking", "world");
    return p;
  }

  /**
   * Puts version {@code v} of run {@code runId} (the warm start's weights) in the run's store
   * ({@code <store root>/<run id>/}) and announces it; returns the manifest.
   */
  public PolicyManifest publishVersion(String runId, long v) throws Exception {
    PolicyStore store = stores.computeIfAbsent(runId, r -> PolicyStores.open(storeRoot.resolve(r).toUri()));
    StoredPolicy sp = store.put(v, ItPolicy.asVersion(policy, v));
    Instant now = Instant.now();
    PolicyManifest m = PolicyManifest.newBuilder().setRunId(runId).setVersion(v).setStep(v).setChecksum(sp.checksum())
        .setLocation(sp.location().toString()).setModelConfigJson(policy.modelConfig().canonical()).setReward("em")
        .setCreatedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano())).build();
    announce(m);
    return m;
  }

  /** Sends a manifest (any run's) to the policy topic, as the learner would. */
  public void announce(PolicyManifest m) throws Exception {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.POLICY, m.getRunId(), m.toByteArray());
    ContractHeaders.stamp(r.headers(), Headers.TYPE_POLICY_MANIFEST);
    producer.send(r).get();
  }

  /** The rollout service's configuration for instance {@code index} of {@code count} of run {@code runId}. */
  public Map<String, String> rolloutConfig(String runId, int index, int count) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kafka.bootstrap.servers", broker.bootstrap());
    p.put("otc.rollout.run-id", runId);
    p.put("otc.rollout.world", worldDir.toString());
    p.put("otc.rollout.seed", "17");
    p.put("otc.rollout.policy-store", storeRoot.toUri().toString());
    p.put("otc.rollout.gateway.target", "127.0.0.1:" + gateway.port());
    p.put("otc.rollout.gateway.token", TOKEN);
    p.put("otc.rollout.instance-index", Integer.toString(index));
    p.put("otc.rollout.instance-count", Integer.toString(count));
    p.put("otc.rollout.topics.create", "false");
    p.put("otc.rollout.progress-interval", "2s");
    return p;
  }

  public World world() {
    return world;
  }

  public ServiceProcess gateway() {
    return gateway;
  }

  public String bootstrap() {
    return broker.bootstrap();
  }

  @Override
  public void close() throws Exception {
    producer.close(Duration.ofSeconds(5));
    gateway.close();
  }
}
