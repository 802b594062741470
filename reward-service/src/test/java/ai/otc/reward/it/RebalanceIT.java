package ai.otc.reward.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.otc.proto.v1.ListOptimalCallsRequest;
import ai.otc.proto.v1.ListOptimalCallsResponse;
import ai.otc.proto.v1.OptimalCallsRequest;
import ai.otc.proto.v1.OptimalCallsResponse;
import ai.otc.proto.v1.RewardStateGrpc;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.contract.Topics;
import ai.otc.reward.support.PackagedRewardService;
import ai.otc.reward.support.RolloutFeed;
import ai.otc.testkit.Ports;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.testkit.process.ServiceProcess;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two packaged instances against a real KRaft broker: instance A scores a first stream of groups
 * alone; the n of every question is queried over gRPC; then instance B joins while a second stream
 * (other questions) is flowing. Afterwards every group of both streams is scored exactly once (none
 * lost, none twice), both instances hold rollouts partitions, a query through either instance
 * (each holds the whole replicated table and answers itself) returns the same n as before the
 * rebalance for the first stream's questions and the brute-force n for the second's, including the
 * questions whose groups the other instance scored, and the paged listing of either instance holds
 * every question.
 */
class RebalanceIT {

  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass().withTopic(Topics.ROLLOUTS, 4);

  @Test
  void aSecondInstanceJoiningMidStreamLosesNothingAndKeepsN() throws Exception {
    RolloutFeed first = RolloutFeed.generate("rb1", 500, 4, 80, 11L);
    RolloutFeed second = RolloutFeed.generate("rb2", 500, 4, 80, 12L);
    Map<String, String> props = Map.of("otc.reward.application-id", "reward-rebalance-it");
    int portA = Ports.free();
    int portB = Ports.free();

    try (KafkaProducer<String, byte[]> producer = RolloutFeed.producer(broker.bootstrap());
        TopicReader<ScoredGroup> reader = TopicReader.open(broker.bootstrap(), Topics.REWARDED, ScoredGroup.parser());
        ServiceProcess a = PackagedRewardService.start("rebalance-a", broker.bootstrap(), portA, props)) {
      first.send(producer, Topics.ROLLOUTS, 0, first.trajectories.size());
      assertThat(reader.pollUntil(500, Duration.ofSeconds(120))).as("log %s", a.log()).isEqualTo(500);

      ManagedChannel chA = channel(portA);
      ManagedChannel chB = channel(portB);
      try {
        Map<String, Integer> nBefore = queryAll(chA, first, "rb1");
        assertThat(nBefore).isEqualTo(new TreeMap<>(first.minCorrect));

        CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> {
          try {
            for (int i = 0; i < second.trajectories.size(); i += 100) {
              second.send(producer, Topics.ROLLOUTS, i, Math.min(second.trajectories.size(), i + 100));
              Thread.sleep(150);
            }
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
        try (ServiceProcess b = PackagedRewardService.start("rebalance-b", broker.bootstrap(), portB, props)) {
          feeding.get(120, TimeUnit.SECONDS);
          reader.pollUntil(1000, Duration.ofSeconds(120));
          reader.settle(Duration.ofSeconds(2));

          Set<String> expected = new HashSet<>();
          first.groupIds.forEach(g -> expected.add(g + "@otc-grpo:v1"));
          second.groupIds.forEach(g -> expected.add(g + "@otc-grpo:v1"));
          Map<String, Integer> copies = new HashMap<>();
          for (ScoredGroup g : reader.values()) {
            copies.merge(g.getId(), 1, Integer::sum);
          }
          assertThat(copies.keySet()).as("no group lost; logs %s %s", a.log(), b.log()).isEqualTo(expected);
          assertThat(copies.values()).as("no group scored twice").allMatch(c -> c == 1);

          // Both instances hold rollouts partitions once the rebalance settled.
          await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(partitions(a)).as("A's partitions").isPositive();
            assertThat(partitions(b)).as("B's partitions").isPositive();
          });

          Set<String> servedByA = new HashSet<>();
          Set<String> servedByB = new HashSet<>();
          await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreException(StatusRuntimeException.class)
              .untilAsserted(() -> {
                assertThat(queryAll(chA, first, "rb1", servedByA)).as("n via A after the rebalance").isEqualTo(nBefore);
                assertThat(queryAll(chB, first, "rb1", servedByB)).as("n via B after the rebalance").isEqualTo(nBefore);
                assertThat(queryAll(chA, second, "rb2", servedByA)).as("second stream via A").isEqualTo(new TreeMap<>(second.minCorrect));
                assertThat(queryAll(chB, second, "rb2", servedByB)).as("second stream via B").isEqualTo(new TreeMap<>(second.minCorrect));
              });
          assertThat(servedByA).as("A answers itself").hasSize(1).allMatch(s -> s.endsWith("-" + portA));
          assertThat(servedByB).as("B answers itself").hasSize(1).allMatch(s -> s.endsWith("-" + portB));

          Map<String, Integer> all = new TreeMap<>(first.minCorrect);
          all.putAll(second.minCorrect);
          assertThat(listAll(chA, 37)).as("listing via A holds every question").isEqualTo(all);
          assertThat(listAll(chB, 41)).as("listing via B holds every question").isEqualTo(all);
        }
      } finally {
        chA.shutdownNow();
        chB.shutdownNow();
      }
    }
  }

  static ManagedChannel channel(int port) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  static Map<String, Integer> queryAll(ManagedChannel ch, RolloutFeed feed, String prefix) {
    return queryAll(ch, feed, prefix, new HashSet<>());
  }

  /** n of every question of the feed (questions with no correct answer ever are absent), retrying briefly while owners move. */
  static Map<String, Integer> queryAll(ManagedChannel ch, RolloutFeed feed, String prefix, Set<String> servedBy) {
    Set<String> questions = new HashSet<>();
    feed.trajectories.forEach(t -> questions.add(t.getQuestionId()));
    Map<String, Integer> out = new TreeMap<>();
    for (String q : questions) {
      assertThat(q).startsWith(prefix);
      OptimalCallsResponse r = RewardStateGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS)
          .getOptimalCalls(OptimalCallsRequest.newBuilder().setQuestionId(q).build());
      servedBy.add(r.getServedBy());
      if (r.hasN()) {
        out.put(q, r.getN());
      }
    }
    return out;
  }

  static Map<String, Integer> listAll(ManagedChannel ch, int pageSize) {
    Map<String, Integer> out = new TreeMap<>();
    String token = "";
    int pages = 0;
    do {
      ListOptimalCallsResponse page = RewardStateGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS)
          .listOptimalCalls(ListOptimalCallsRequest.newBuilder().setPageSize(pageSize).setPageToken(token).build());
      assertThat(page.getEntriesCount()).isLessThanOrEqualTo(pageSize);
      for (OptimalCallsResponse e : page.getEntriesList()) {
        assertThat(out.put(e.getQuestionId(), e.getN())).as("%s listed once", e.getQuestionId()).isNull();
      }
      token = page.getNextPageToken();
      assertThat(++pages).isLessThan(1000);
    } while (!token.isEmpty());
    return out;
  }

  /** How many rollouts partitions the instance's readiness check says it holds. */
  static int partitions(ServiceProcess p) throws Exception {
    String body = p.get("/q/health/ready").body();
    Matcher m = Pattern.compile("\"partitions\"\\s*:\\s*\"\\[([0-9, ]*)\\]\"").matcher(body);
    return m.find() && !m.group(1).isBlank() ? m.group(1).split(",").length : 0;
  }

  static boolean unavailable(StatusRuntimeException e) {
    return e.getStatus().getCode() == Status.Code.UNAVAILABLE;
  }
}
