package ai.otc.reward.streams;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.core.reward.RewardConfig;
import ai.otc.core.reward.RewardKind;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.Trajectory;
import ai.otc.reward.core.CorrectnessSource;
import ai.otc.reward.core.TimeoutPolicy;
import ai.otc.reward.domain.RewardMetrics;
import ai.otc.reward.domain.RewardSettings;
import ai.otc.reward.messaging.Topics;
import ai.otc.reward.support.Trajectories;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Property: over 1,000 random histories (one question each: random number of groups, sizes, tool
 * counts and correctness, members shuffled and histories interleaved), the n in the store equals a
 * brute-force minimum of m over every correct trajectory of the question (absent when none), and
 * the n attached to each scored group equals the brute-force minimum over the question's groups
 * up to and including that one. In-memory stores: TopologyTestDriver flushes RocksDB after every
 * record (about 25 ms each), which would make 12,000 records take minutes; RewardTopologyTest and the
 * broker ITs cover the persistent stores.
 */
class OptimalCallsPropertyTest {

  @TempDir Path stateDir;

  record Member(Trajectory t) {}

  @Test
  void storeNEqualsBruteForceMinimumOver1000RandomHistories() throws Exception {
    RewardSettings s = new RewardSettings(Topics.ROLLOUTS, Topics.REWARDED, Topics.ROLLOUTS_DLQ,
        RewardConfig.paper(RewardKind.OTC_GRPO), CorrectnessSource.RECOMPUTE, Duration.ofHours(1),
        TimeoutPolicy.SCORE_PARTIAL, Duration.ofSeconds(1), Duration.ofHours(1));
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "n-property");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    Random rnd = new Random(20251125L);
    int histories = 1000;
    // Each history: a list of groups (each a list of trajectories) for one question.
    List<List<List<Trajectory>>> all = new ArrayList<>();
    for (int h = 0; h < histories; h++) {
      String q = "q" + h;
      int groups = 1 + rnd.nextInt(6);
      List<List<Trajectory>> hist = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        int size = 1 + rnd.nextInt(5);
        List<Trajectory> members = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          // Correct rarely enough that all-wrong groups and never-correct questions occur.
          members.add(Trajectories.of(q + "-g" + g, q + "-g" + g + "-t" + i, q, size, rnd.nextInt(6), rnd.nextInt(4) == 0));
        }
        java.util.Collections.shuffle(members, rnd);
        hist.add(members);
      }
      all.add(hist);
    }
    // Interleave whole groups of different histories, keeping each history's group order.
    List<Trajectory> feed = new ArrayList<>();
    int[] next = new int[histories];
    List<Integer> open = new ArrayList<>();
    for (int h = 0; h < histories; h++) {
      open.add(h);
    }
    while (!open.isEmpty()) {
      int idx = rnd.nextInt(open.size());
      int h = open.get(idx);
      feed.addAll(all.get(h).get(next[h]++));
      if (next[h] == all.get(h).size()) {
        open.remove(idx);
      }
    }

    Map<String, List<Integer>> nUsedByGroupOrder = new HashMap<>();
    try (TopologyTestDriver d = new TopologyTestDriver(RewardTopology.build(s, RewardMetrics.NOOP, true), p, Instant.EPOCH)) {
      TestInputTopic<String, byte[]> in = d.createInputTopic(Topics.ROLLOUTS, new StringSerializer(), new ByteArraySerializer());
      TestOutputTopic<String, byte[]> out = d.createOutputTopic(Topics.REWARDED, new StringDeserializer(), new ByteArrayDeserializer());
      for (Trajectory t : feed) {
        in.pipeInput(t.getGroupId(), t.toByteArray());
      }
      Map<String, ScoredGroup> byGroup = new HashMap<>();
      for (byte[] v : out.readValuesToList()) {
        ScoredGroup g = ScoredGroup.parseFrom(v);
        assertThat(byGroup.put(g.getGroupId(), g)).as("group %s scored once", g.getGroupId()).isNull();
      }
      KeyValueStore<String, Integer> store = d.getKeyValueStore(RewardTopology.OPTIMAL_CALLS_STORE);
      int undefined = 0;
      for (int h = 0; h < histories; h++) {
        String q = "q" + h;
        Integer running = null;
        for (List<Trajectory> group : all.get(h)) {
          for (Trajectory t : group) {
            boolean correct = !t.getCorrect(); // Trajectories stores the opposite verdict; EM decides
            if (correct && (running == null || t.getToolCallCount() < running)) {
              running = t.getToolCallCount();
            }
          }
          ScoredGroup g = byGroup.get(group.get(0).getGroupId());
          assertThat(g).as("group %s scored", group.get(0).getGroupId()).isNotNull();
          if (running == null) {
            assertThat(g.hasN()).as("n of %s", g.getGroupId()).isFalse();
          } else {
            assertThat(g.getN()).as("n of %s", g.getGroupId()).isEqualTo(running);
          }
        }
        assertThat(store.get(q)).as("store n of %s", q).isEqualTo(running);
        if (running == null) {
          undefined++;
        }
      }
      assertThat(byGroup).hasSize(all.stream().mapToInt(List::size).sum());
      // The generator must exercise both cases, or the property says little.
      assertThat(undefined).isBetween(50, 950);
    }
  }
}
