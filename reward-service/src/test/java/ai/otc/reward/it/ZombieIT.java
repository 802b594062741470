package ai.otc.reward.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.reward.support.PackagedRewardService;
import ai.otc.reward.support.RolloutFeed;
import ai.otc.testkit.Ports;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.testkit.process.ServiceProcess;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The zombie case of exactly-once, with two packaged instances and a real KRaft broker: instance A
 * is frozen with SIGSTOP in the middle of a stream (an open transaction, outputs sent but not
 * committed), its session expires and instance B takes its partitions over from the committed
 * offsets; then A is thawed with SIGCONT and carries on as if nothing happened. The broker must
 * fence it (KIP-447: its transaction was aborted at the timeout and its generation is stale), A
 * must notice, start a new life from the committed state and rejoin, and a read_committed reader
 * must see every group exactly once, none missing, and both instances must serve the brute-force n
 * of every question (no lowering from A's aborted transaction kept, every committed one replicated).
 */
class ZombieIT {

  static final String IN = "zombie.rollouts";
  static final String OUT = "zombie.rewarded";
  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass().withTopic(IN, 4);

  @Test
  void aFrozenInstanceThatWakesUpIsFencedAndNothingIsScoredTwice() throws Exception {
    RolloutFeed feed = RolloutFeed.generate("zb", 600, 5, 100, 7L);
    int total = feed.trajectories.size();
    Map<String, String> props = Map.of(
        "otc.reward.application-id", "reward-zombie-it",
        "otc.reward.topics.rollouts", IN,
        "otc.reward.topics.rewarded", OUT,
        "otc.reward.topics.dlq", IN + ".dlq",
        // Short transactions time out sooner, so B does not wait long for A's open one.
        "otc.reward.producer.\"transaction.timeout.ms\"", "10000");
    try (KafkaProducer<String, byte[]> producer = RolloutFeed.producer(broker.bootstrap());
        TopicReader<ScoredGroup> reader = TopicReader.open(broker.bootstrap(), OUT, ScoredGroup.parser());
        ServiceProcess a = PackagedRewardService.start("zombie-a", broker.bootstrap(), Ports.free(), props)) {
      CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < total; i += 50) {
            feed.send(producer, IN, i, Math.min(total, i + 50));
            Thread.sleep(250);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(reader.pollUntil(100, Duration.ofSeconds(60))).as("A scores; log %s", a.log()).isGreaterThanOrEqualTo(100);
      a.pause();
      try (ServiceProcess b = PackagedRewardService.start("zombie-b", broker.bootstrap(), Ports.free(), props)) {
        int before = reader.count();
        // B gets A's partitions once A's session (10 s) has expired and A's open transaction has timed out.
        assertThat(reader.pollUntil(before + 100, Duration.ofSeconds(90))).as("B takes over; log %s", b.log())
            .isGreaterThanOrEqualTo(before + 100);
        a.resume();
        feeding.get(120, TimeUnit.SECONDS);
        reader.pollUntil(600, Duration.ofSeconds(120));
        reader.settle(Duration.ofSeconds(3));
        Map<String, Integer> copies = new HashMap<>();
        for (ScoredGroup g : reader.values()) {
          copies.merge(g.getId(), 1, Integer::sum);
        }
        Set<String> expected = new HashSet<>();
        feed.groupIds.forEach(gid -> expected.add(gid + "@otc-grpo:v1"));
        assertThat(copies.keySet()).as("every group, none missing; logs %s %s", a.log(), b.log()).isEqualTo(expected);
        assertThat(copies.values()).as("exactly once although A woke up with an open transaction").allMatch(c -> c == 1);
        String aLog = Files.readString(a.log());
        assertThat(aLog).as("A noticed it had been fenced or had lost its partitions, and started a new life")
            .contains("reward stream failed");
        // Lowerings in A's aborted transaction must not survive in anyone's table, and the committed ones must reach both.
        ManagedChannel chA = RebalanceIT.channel(a.port());
        ManagedChannel chB = RebalanceIT.channel(b.port());
        try {
          await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1)).ignoreException(StatusRuntimeException.class)
              .untilAsserted(() -> {
                assertThat(RebalanceIT.queryAll(chA, feed, "zb")).as("n via A").isEqualTo(new TreeMap<>(feed.minCorrect));
                assertThat(RebalanceIT.queryAll(chB, feed, "zb")).as("n via B").isEqualTo(new TreeMap<>(feed.minCorrect));
              });
        } finally {
          chA.shutdownNow();
          chB.shutdownNow();
        }
      }
    }
  }
}
