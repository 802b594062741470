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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The broker, a child JVM, is SIGKILLed while the packaged service is scoring a stream (1 s transactions, so one is
 * open with sends in it when the broker dies) and started again on the same port and data. A read_committed reader
 * then sees every group exactly once (before any dedupe), none missing; the service process was never restarted and
 * its liveness stayed UP throughout (a life that fails while the broker is gone does not count towards liveness).
 */
class BrokerKillIT {

  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass().mode(KafkaBroker.Mode.CHILD_PROCESS).withTopic(Topics.ROLLOUTS, 4);

  @Test
  void everyGroupIsScoredExactlyOnceAcrossABrokerKill() throws Exception {
    RolloutFeed feed = RolloutFeed.generate("bk", 1200, 4, 100, 11L);
    int total = feed.trajectories.size();
    Map<String, String> props = Map.of("otc.reward.application-id", "reward-broker-kill-it", "otc.reward.commit-interval", "PT1S");
    try (ServiceProcess svc = PackagedRewardService.start("broker-kill", broker.bootstrap(), Ports.free(), props);
        KafkaProducer<String, byte[]> producer = RolloutFeed.producer(broker.bootstrap());
        TopicReader<ScoredGroup> reader = TopicReader.open(broker.bootstrap(), Topics.REWARDED, ScoredGroup.parser());
        HealthWatch health = new HealthWatch(svc)) {
      // The stream keeps flowing, throttled; during the outage the feeder's sends wait for the broker.
      CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < total; i += 200) {
            feed.send(producer, Topics.ROLLOUTS, i, Math.min(total, i + 200));
            Thread.sleep(100);
          }
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      assertThat(reader.pollUntil(200, Duration.ofSeconds(60))).as("scored before the kill; log %s", svc.log()).isGreaterThanOrEqualTo(200);
      long pid = broker.process().orElseThrow().pid();
      broker.kill();
      assertThat(ProcessHandle.of(pid)).as("the broker process is gone").isEmpty();
      int atKill = reader.count();
      assertThat(atKill).as("killed mid-stream").isLessThan(1200);
      Thread.sleep(2000);
      broker.start();

      feeding.get(120, TimeUnit.SECONDS);
      assertThat(reader.pollUntil(1200, Duration.ofSeconds(90))).as("log %s", svc.log()).isEqualTo(1200);
      // A duplicate would arrive right behind: give it the chance to show up.
      reader.settle(Duration.ofSeconds(3));

      Map<String, Integer> copies = new HashMap<>();
      for (ScoredGroup g : reader.values()) {
        copies.merge(g.getId(), 1, Integer::sum);
        assertThat(g.getMembersCount()).isEqualTo(4);
        assertThat(g.getPartial()).isFalse();
      }
      Set<String> expected = new HashSet<>();
      feed.groupIds.forEach(gid -> expected.add(gid + "@otc-grpo:v1"));
      assertThat(copies.keySet()).as("every group, none missing, nothing else").isEqualTo(expected);
      assertThat(copies.values()).as("exactly once (read_committed, before dedupe)").allMatch(c -> c == 1);
      assertThat(reader.values()).hasSize(1200);

      assertThat(svc.isAlive()).as("the service process was never restarted").isTrue();
      assertThat(svc.logText()).as("the kill reached the stream").contains("reward stream failed");
      assertThat(health.samples()).as("liveness stayed UP through the kill").isNotEmpty().allSatisfy(s -> assertThat(s.live()).isEqualTo(200));
      assertThat(svc.get("/q/health/ready").statusCode()).isEqualTo(200);
    }
  }
}
