package ai.otc.reward.streams;

import ai.otc.reward.domain.RewardMetrics;
import ai.otc.reward.domain.RewardSettings;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The reward service's Kafka Streams topology (no framework: the service and the tests build it
 * the same way):
 * <pre>
 * otc.rollouts.v1 (key group id) ─► assemble [group-meta, group-members, group-deadlines; punctuator]
 *     ├─► dead letters ─► otc.rollouts.v1.dlq
 *     └─► assembled groups (key question id) ─► repartition "groups-by-question"
 *            ─► score [optimal-calls] ─► otc.rewarded.v1 (key group id)
 * </pre>
 * The repartition is what makes n global: groups of one question land on different rollout
 * partitions (they are keyed by group id), but all of them reach the one shard of
 * {@code optimal-calls} that owns the question, which serialises its updates.
 */
public final class RewardTopology {

  /** Pending groups and finished-group markers, by group id. */
  public static final String META_STORE = "group-meta";
  /** Members of pending groups, by {@code group id NUL trajectory id}. */
  public static final String MEMBERS_STORE = "group-members";
  /** Timeouts and marker expiries, time-ordered. */
  public static final String DEADLINES_STORE = "group-deadlines";
  /** The per-question global optimal tool-call count n (OTC.md §2), by question id: queried over gRPC. */
  public static final String OPTIMAL_CALLS_STORE = "optimal-calls";
  /** Name of the internal topic carrying assembled groups keyed by question id. */
  public static final String REPARTITION = "groups-by-question";

  private RewardTopology() {}

  /** The service's topology: persistent (RocksDB) stores, each backed by a changelog topic. */
  public static Topology build(RewardSettings s, RewardMetrics metrics) {
    return build(s, metrics, false);
  }

  /**
   * @param inMemoryStores in-memory instead of RocksDB stores (still changelog-backed): only for
   *     TopologyTestDriver runs of thousands of records, where the driver flushes RocksDB after every record
   */
  public static Topology build(RewardSettings s, RewardMetrics metrics, boolean inMemoryStores) {
    StreamsBuilder b = new StreamsBuilder();
    b.addStateStore(bytesStore(META_STORE, inMemoryStores));
    b.addStateStore(bytesStore(MEMBERS_STORE, inMemoryStores));
    b.addStateStore(bytesStore(DEADLINES_STORE, inMemoryStores));
    b.addStateStore(Stores.keyValueStoreBuilder(supplier(OPTIMAL_CALLS_STORE, inMemoryStores), Serdes.String(), Serdes.Integer())
        .withCachingEnabled()
        .withLoggingEnabled(Map.of()));

    Map<String, KStream<String, AssemblyOutput>> branches = b
        .stream(s.rolloutsTopic(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("rollouts"))
        .process(() -> new GroupAssemblyProcessor(s, metrics), Named.as("assemble"), META_STORE, MEMBERS_STORE, DEADLINES_STORE)
        .split(Named.as("assembly-"))
        .branch((k, v) -> v instanceof AssemblyOutput.DeadLetter, Branched.as("dlq"))
        .defaultBranch(Branched.as("groups"));

    branches.get("assembly-dlq")
        .mapValues(v -> ((AssemblyOutput.DeadLetter) v).value(), Named.as("dlq-value"))
        .to(s.dlqTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("dlq"));

    branches.get("assembly-groups")
        .mapValues(v -> ((AssemblyOutput.GroupReady) v).assembled().toByteArray(), Named.as("group-bytes"))
        .repartition(Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName(REPARTITION))
        .process(() -> new GroupScoringProcessor(s, metrics), Named.as("score"), OPTIMAL_CALLS_STORE)
        .to(s.rewardedTopic(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("rewarded"));
    return b.build();
  }

  private static org.apache.kafka.streams.state.KeyValueBytesStoreSupplier supplier(String name, boolean inMemory) {
    return inMemory ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
  }

  private static org.apache.kafka.streams.state.StoreBuilder<org.apache.kafka.streams.state.KeyValueStore<String, byte[]>> bytesStore(
      String name, boolean inMemory) {
    // Caching coalesces a group's put-then-delete within one commit interval, so most members never
    // reach the changelog as values, only as tombstones.
    return Stores.keyValueStoreBuilder(supplier(name, inMemory), Serdes.String(), Serdes.ByteArray())
        .withCachingEnabled()
        .withLoggingEnabled(Map.of());
  }
}
