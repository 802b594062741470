package ai.otc.reward.it;

import static org.assertj.core.api.Assertions.assertThat;

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
 * Broker faults while the packaged service scores a stream, against one broker in a child JVM (a real process to
 * SIGKILL and SIGSTOP; shared by the two tests, each with its own topics and application id, so the child JVM starts
 * once):
 * <ul>
 *   <li><b>SIGKILL</b> mid-stream (1 s transactions, so one is open with sends in it when the broker dies), then a
 *       start on the same port and data: every group scored exactly once (read_committed, before any dedupe), none
 *       missing; the service process never restarted and its liveness stayed UP at every poll;</li>
 *   <li><b>SIGSTOP for 30 s</b> (connections stay open, nothing answers), then SIGCONT: liveness UP at every poll,
 *       readiness DOWN during the outage and UP after, the consumer lag back to 0, every group scored exactly once.</li>
 * </ul>
 * A life that fails while the broker does not answer does not count towards liveness.
 */
class BrokerFaultsIT {

  /** The manifests' liveness {@code failureThreshold} (Kubernetes' default): that many failed polls restart a pod. */
  static final int LIVENESS_FAILURE_THRESHOLD = 3;

  static final Pattern LAG = Pattern.compile("(?m)^otc_reward_rollouts_lag(?:\\{[^}]*})? (\\S+)$");

  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass().mode(KafkaBroker.Mode.CHILD_PROCESS)
      .withTopic("kill.rollouts", 4).withTopic("outage.rollouts", 4);

  /** The test's own topics ({@code <prefix>.rollouts}, {@code .rewarded}, {@code .dlq}) over {@code props}. */
  static Map<String, String> topics(String prefix, Map<String, String> props) {
    Map<String, String> m = new HashMap<>(props);
    m.put("otc.reward.topics.rollouts", prefix + ".rollouts");
    m.put("otc.reward.topics.rewarded", prefix + ".rewarded");
    m.put("otc.reward.topics.dlq", prefix + ".dlq");
    return m;
  }

  @Test
  void everyGroupIsScoredExactlyOnceAcrossABrokerKill() throws Exception {
    RolloutFeed feed = RolloutFeed.generate("bk", 1200, 4, 100, 11L);
    int total = feed.trajectories.size();
    Map<String, String> props = topics("kill", Map.of("otc.reward.application-id", "reward-broker-kill-it", "otc.reward.commit-interval", "PT1S"));
    try (ServiceProcess svc = PackagedRewardService.start("broker-kill", broker.bootstrap(), Ports.free(), props);
        KafkaProducer<String, byte[]> producer = RolloutFeed.producer(broker.bootstrap());
        TopicReader<ScoredGroup> reader = TopicReader.open(broker.bootstrap(), "kill.rewarded", ScoredGroup.parser());
        HealthWatch health = new HealthWatch(svc)) {
      // The stream keeps flowing, throttled; during the outage the feeder's sends wait for the broker.
      CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < total; i += 200) {
            feed.send(producer, "kill.rollouts", i, Math.min(total, i + 200));
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
      // The kill hit the stream: the open transaction's sends were retried once the broker was back (what this run showed),
      // or the life failed and a new one started from the committed state; either way nothing was doubled or lost above.
      // the stream's transactional producer lost the broker: a send in flight failed, a life failed, or (on a quick machine,
      // where the kill falls between two sends of the open transaction) its connection was refused while it was open
      assertThat(svc.logText()).as("the kill reached the stream")
          .containsPattern("error produce response .* on topic-partition (kill\\.rewarded|reward-broker-kill-it-)|reward stream failed"
              + "|transactionalId=reward-broker-kill-it-[^\\]]*\\] (Connection to node .* could not be established|Bootstrap broker .* disconnected)");
      System.out.printf("BrokerFaultsIT kill: %d groups scored before the kill, broker restart %s, stream lives failed %d, health samples %d%n",
          atKill, broker.lastStartTime(), svc.logText().split("reward stream failed", -1).length - 1, health.samples().size());
      assertThat(health.samples()).as("health polled through the kill").isNotEmpty();
      assertThat(health.longestLivenessFailureRun()).as("liveness answered 200 within %s, never failing %d polls in a row "
          + "(what restarts the pod under the manifests' failureThreshold): %s", HealthWatch.PROBE_TIMEOUT,
          LIVENESS_FAILURE_THRESHOLD, health.samples()).isLessThan(LIVENESS_FAILURE_THRESHOLD);
      assertThat(svc.get("/q/health/ready").statusCode()).isEqualTo(200);
    }
  }
  @Test
  void aThirtySecondOutageLosesAndDoublesNothing() throws Exception {
    RolloutFeed feed = RolloutFeed.generate("bo", 900, 4, 100, 12L);
    int total = feed.trajectories.size();
    Map<String, String> props = topics("outage", Map.of("otc.reward.application-id", "reward-broker-outage-it",
        "otc.reward.groups.punctuate-interval", "PT0.2S"));
    try (ServiceProcess svc = PackagedRewardService.start("broker-outage", broker.bootstrap(), Ports.free(), props);
        KafkaProducer<String, byte[]> producer = RolloutFeed.producer(broker.bootstrap());
        TopicReader<ScoredGroup> reader = TopicReader.open(broker.bootstrap(), "outage.rewarded", ScoredGroup.parser());
        HealthWatch health = new HealthWatch(svc)) {
      feed.send(producer, "outage.rollouts", 0, total / 3);
      assertThat(reader.pollUntil(100, Duration.ofSeconds(60))).as("log %s", svc.log()).isGreaterThanOrEqualTo(100);
      // More input is on its way when the broker freezes: the feeder's sends wait for it.
      CompletableFuture<Void> feeding = CompletableFuture.runAsync(() -> {
        try {
          for (int i = total / 3; i < total; i += 100) {
            feed.send(producer, "outage.rollouts", i, Math.min(total, i + 100));
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
      // Each poll waits 1 s at most, as a Kubernetes probe does: before 2026-12-04 it waited as long as the answer took,
      // which hid whether the service answered at all while the broker was frozen (it does, in ~20 ms).
      assertThat(health.longestLivenessFailureRun()).as("liveness answered 200 within %s, never failing %d polls in a row "
          + "through the outage: %s", HealthWatch.PROBE_TIMEOUT, LIVENESS_FAILURE_THRESHOLD, samples)
          .isLessThan(LIVENESS_FAILURE_THRESHOLD);
      assertThat(samples.stream().filter(s -> s.atMs() > outageStart && s.atMs() < outageEnd).map(HealthWatch.Sample::ready))
          .as("readiness went DOWN during the outage").anyMatch(code -> code != 200);
      assertThat(samples.get(samples.size() - 1).ready()).as("and came back UP").isEqualTo(200);
      assertThat(svc.isAlive()).isTrue();
      List<Long> notReady = samples.stream().filter(s -> s.ready() != 200 && s.atMs() > outageStart).map(HealthWatch.Sample::atMs).toList();
      long downMs = notReady.isEmpty() ? 0 : notReady.get(notReady.size() - 1) - notReady.get(0);
      System.out.printf("BrokerFaultsIT outage: outage %d ms, readiness not 200 in %d of %d samples after it began (over %d ms), "
          + "liveness polls without 200 in 1 s: %d (longest run %d), stream lives failed %d%n",
          outageEnd - outageStart, notReady.size(), samples.size(), downMs, samples.stream().filter(s -> s.live() != 200).count(),
          health.longestLivenessFailureRun(),
          svc.logText().split("reward stream failed", -1).length - 1);
    }
  }}
