package ai.otc.reward.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.proto.v1.OptimalCallsRequest;
import ai.otc.proto.v1.OptimalCallsResponse;
import ai.otc.proto.v1.RewardStateGrpc;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.contract.Topics;
import ai.otc.reward.support.PackagedRewardService;
import ai.otc.reward.support.RolloutFeed;
import ai.otc.reward.support.Trajectories;
import ai.otc.testkit.Ports;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.testkit.process.ServiceProcess;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 10,000 trajectories (2,000 groups of 5) stream into a real KRaft broker while the packaged
 * service scores them; halfway through it is killed with SIGKILL (no shutdown, an open
 * transaction) and started again. A read_committed reader must then
 * see every group exactly once (no duplicate even before deduping on the deterministic id, since
 * the service is exactly-once), none missing, all complete, and the n served over gRPC must equal
 * the brute-force minimum over the correct trajectories of each question.
 */
class KillRestartIT {

  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass().withTopic(Topics.ROLLOUTS, 4);

  @Test
  void everyGroupIsScoredExactlyOnceAcrossAKill() throws Exception {
    RolloutFeed feed = RolloutFeed.generate("kr", 2000, 5, 300, 42L);
    int total = feed.trajectories.size();
    assertThat(total).isEqualTo(10_000);
    int port = Ports.free();
    Map<String, String> props = Map.of("otc.reward.application-id", "reward-kill-it");

    try (KafkaProducer<String, byte[]> producer = RolloutFeed.producer(broker.bootstrap());
        TopicReader<ScoredGroup> reader = TopicReader.open(broker.bootstrap(), Topics.REWARDED, ScoredGroup.parser())) {
      ServiceProcess first = PackagedRewardService.start("kill-first", broker.bootstrap(), port, props);
      // The stream keeps flowing, throttled, also while the service is down.
      CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < total; i += 250) {
            feed.send(producer, Topics.ROLLOUTS, i, Math.min(total, i + 250));
            Thread.sleep(40);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      int before = reader.pollUntil(1000, Duration.ofSeconds(120));
      assertThat(before).as("scored before the kill; log %s", first.log()).isGreaterThanOrEqualTo(1000);
      first.kill();
      int atKill = reader.poll(Duration.ofMillis(100));
      assertThat(atKill).as("the kill happened mid-stream").isLessThan(2000);

      ServiceProcess second = PackagedRewardService.start("kill-restarted", broker.bootstrap(), port, props);
      try {
        feeding.get(120, TimeUnit.SECONDS);
        reader.pollUntil(2000, Duration.ofSeconds(120));
        // Anything extra (a duplicate) would arrive right behind: give it the chance to show up.
        reader.settle(Duration.ofSeconds(2));

        Set<String> ids = new HashSet<>();
        Map<String, Integer> copies = new HashMap<>();
        for (ScoredGroup g : reader.values()) {
          copies.merge(g.getId(), 1, Integer::sum);
          ids.add(g.getId());
          assertThat(g.getMembersCount()).isEqualTo(5);
          assertThat(g.getPartial()).isFalse();
        }
        Set<String> expected = new HashSet<>();
        feed.groupIds.forEach(gid -> expected.add(gid + "@otc-grpo:v1"));
        assertThat(ids).as("after dedupe: every group, none missing, nothing else").isEqualTo(expected);
        assertThat(copies.values()).as("exactly once: no group scored twice (read_committed)").allMatch(c -> c == 1);

        ManagedChannel ch = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
          RewardStateGrpc.RewardStateBlockingStub stub = RewardStateGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS);
          for (int q = 0; q < 300; q++) {
            String question = "kr-q" + q;
            OptimalCallsResponse r = stub.getOptimalCalls(OptimalCallsRequest.newBuilder().setQuestionId(question).build());
            Integer want = feed.minCorrect.get(question);
            if (want == null) {
              assertThat(r.hasN()).as("n of %s", question).isFalse();
            } else {
              assertThat(r.getN()).as("n of %s", question).isEqualTo(want);
            }
          }
        } finally {
          ch.shutdownNow();
        }
      } finally {
        second.close();
      }
    }
  }

  /**
   * A group still pending when the service is killed keeps the deadline it got when its first member
   * was processed (the OPEN marker committed before the kill), instead of a fresh timeout counted from
   * the restart: with a 20 s timeout, the partial group must appear about 20 s after its first member,
   * not 20 s after the restarted instance got the partition (which comes ~10 s after the kill, once the
   * killed member's session has expired).
   */
  @Test
  void aPendingGroupKeepsItsOriginalTimeoutAcrossAKill() throws Exception {
    String in = "timeout-it.rollouts";
    String out = "timeout-it.rewarded";
    broker.createTopic(in, 1);
    int port = Ports.free();
    Map<String, String> props = Map.of(
        "otc.reward.application-id", "reward-timeout-it",
        "otc.reward.topics.rollouts", in,
        "otc.reward.topics.rewarded", out,
        "otc.reward.topics.dlq", in + ".dlq",
        "otc.reward.groups.timeout", "PT20S",
        "otc.reward.groups.punctuate-interval", "PT0.2S");
    try (KafkaProducer<String, byte[]> producer = RolloutFeed.producer(broker.bootstrap());
        TopicReader<ScoredGroup> reader = TopicReader.open(broker.bootstrap(), out, ScoredGroup.parser())) {
      ServiceProcess first = PackagedRewardService.start("timeout-first", broker.bootstrap(), port, props);
      long t0;
      try {
        t0 = System.nanoTime();
        for (String id : new String[] {"s1", "s2"}) {
          producer.send(new ProducerRecord<>(in, "slow", Trajectories.of("slow", id, "q", 3, 1, true).toByteArray())).get();
        }
        // A complete group behind them proves the pending members were processed.
        producer.send(new ProducerRecord<>(in, "done", Trajectories.of("done", "d1", "q", 1, 2, true).toByteArray())).get();
        assertThat(reader.pollUntil(1, Duration.ofSeconds(30))).as("log %s", first.log()).isEqualTo(1);
        // Several 100 ms commits: the pending group's OPEN marker is in the changelog.
        Thread.sleep(1500);
      } finally {
        first.kill();
      }
      try (ServiceProcess second = PackagedRewardService.start("timeout-restarted", broker.bootstrap(), port, props)) {
        assertThat(reader.pollUntil(2, Duration.ofSeconds(60))).as("log %s", second.log()).isEqualTo(2);
        double afterFirstMember = (System.nanoTime() - t0) / 1e9;
        ScoredGroup slow = reader.values().get(1);
        assertThat(slow.getGroupId()).isEqualTo("slow");
        assertThat(slow.getPartial()).isTrue();
        assertThat(slow.getMembersCount()).as("both members, rebuilt by replay").isEqualTo(2);
        assertThat(afterFirstMember).as("timed out at the original deadline (s after the first member); log %s", second.log())
            .isBetween(19.0, 28.0);
      }
    }
  }
}
