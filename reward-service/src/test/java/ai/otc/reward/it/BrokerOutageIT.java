package ai.otc.reward.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.Topics;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.reward.support.HealthWatch;
import ai.otc.reward.support.PackagedRewardService;
import ai.otc.reward.support.RolloutFeed;
import ai.otc.testkit.Ports;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.testkit.process.ServiceProcess;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker, a child JVM, is frozen (SIGSTOP: connections stay open, nothing answers) for 30 s while the packaged
 * service scores a stream, then thawed. The service stays live throughout (liveness 200 at every poll), readiness
 * goes DOWN during the outage and comes back UP, the consumer lag returns to 0, and every group is scored exactly
 * once, none missing.
 */
class BrokerOutageIT {

  static final Pattern LAG = Pattern.compile("(?m)^otc_reward_rollouts_lag(?:\\{[^}]*})? (\\S+)$");

  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass().mode(KafkaBroker.Mode.CHILD_PROCESS).withTopic(Topics.ROLLOUTS, 4);

  @Test
  void aThirtySecondOutageLosesAndDoublesNothing() throws Exception {
    RolloutFeed feed = RolloutFeed.generate("bo", 900, 4, 100, 12L);
    int total = feed.trajectories.size();
    Map<String, String> props = Map.of("otc.reward.application-id", "reward-broker-outage-it", "otc.reward.groups.punctuate-interval", "PT0.2S");
    try (ServiceProcess svc = PackagedRewardService.start("broker-outage", broker.bootstrap(), Ports.free(), props);
        KafkaProducer<String, byte[]> producer = RolloutFeed.producer(broker.bootstrap());
        TopicReader<ScoredGroup> reader = TopicReader.open(broker.bootstrap(), Topics.REWARDED, ScoredGroup.parser());
        HealthWatch health = new HealthWatch(svc)) {
      feed.send(producer, Topics.ROLLOUTS, 0, total / 3);
      assertThat(reader.pollUntil(100, Duration.ofSeconds(60))).as("log %s", svc.log()).isGreaterThanOrEqualTo(100);
      // More input is on its way when the broker freezes: the feeder's sends wait for it.
      CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> {
        try {
          for (int i = total / 3; i < total; i += 100) {
            feed.send(producer, Topics.ROLLOUTS, i, Math.min(total, i + 100));
            Thread.sleep(50);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      Thread.sleep(300);
      long outageStart = health.samples().isEmpty() ? 0 : health.samples().get(health.samples().size() - 1).atMs();
      broker.pause();
      Thread.sleep(30_000);
      broker.resume();
      long outageEnd = health.samples().get(health.samples().size() - 1).atMs();

      feeding.get(120, TimeUnit.SECONDS);
      assertThat(reader.pollUntil(900, Duration.ofSeconds(90))).as("log %s", svc.log()).isEqualTo(900);
      reader.settle(Duration.ofSeconds(3));

      Map<String, Integer> copies = new HashMap<>();
      for (ScoredGroup g : reader.values()) {
        copies.merge(g.getId(), 1, Integer::sum);
        assertThat(g.getMembersCount()).isEqualTo(4);
      }
      Set<String> expected = new HashSet<>();
      feed.groupIds.forEach(gid -> expected.add(gid + "@otc-grpo:v1"));
      assertThat(copies.keySet()).as("nothing lost").isEqualTo(expected);
      assertThat(copies.values()).as("nothing doubled (read_committed, before dedupe)").allMatch(c -> c == 1);

      // Lag back to zero, readiness back UP.
      double lag = Double.NaN;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        Matcher m = LAG.matcher(svc.get("/q/metrics").body());
        lag = m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
        if (lag == 0.0 && svc.get("/q/health/ready").statusCode() == 200) {
          break;
        }
        Thread.sleep(500);
      }
      assertThat(lag).as("consumer lag after the outage").isEqualTo(0.0);
      assertThat(svc.get("/q/health/ready").statusCode()).isEqualTo(200);

      List<HealthWatch.Sample> samples = health.samples();
      assertThat(samples).as("liveness stayed UP at every poll").allSatisfy(s -> assertThat(s.live()).as("at %d ms", s.atMs()).isEqualTo(200));
      assertThat(samples.stream().filter(s -> s.atMs() > outageStart && s.atMs() < outageEnd).map(HealthWatch.Sample::ready))
          .as("readiness went DOWN during the outage").anyMatch(code -> code != 200);
      assertThat(samples.get(samples.size() - 1).ready()).as("and came back UP").isEqualTo(200);
      assertThat(svc.isAlive()).isTrue();
    }
  }
}
