package ai.otc.reward.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.proto.v1.ScoredGroup;
import ai.otc.reward.support.PackagedRewardService;
import ai.otc.reward.support.RolloutFeed;
import ai.otc.testkit.Ports;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.testkit.process.ServiceProcess;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code otc.reward.commit-when-idle}: with a one-minute commit interval, a batch of complete groups becomes visible to
 * read_committed consumers within seconds because the drained input commits the transaction; with the switch off
 * (the control) the same batch stays invisible until the interval ends. A synchronous trainer waits for exactly this.
 */
class IdleCommitIT {

  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass();

  private static final int GROUPS = 20;

  @Test
  void aDrainedInputCommitsAtOnce() throws Exception {
    assertThat(visibleWithin("idle-on", true, Duration.ofSeconds(10))).isEqualTo(GROUPS);
  }

  @Test
  void withoutTheSwitchTheBatchWaitsForTheInterval() throws Exception {
    assertThat(visibleWithin("idle-off", false, Duration.ofSeconds(10))).isZero();
  }

  /** Starts an instance, sends GROUPS complete groups and counts the scored groups read_committed within {@code wait}. */
  private static int visibleWithin(String prefix, boolean commitWhenIdle, Duration wait) throws Exception {
    Map<String, String> props = new HashMap<>();
    props.put("otc.reward.application-id", "reward-" + prefix + "-it");
    props.put("otc.reward.topics.rollouts", prefix + ".rollouts");
    props.put("otc.reward.topics.rewarded", prefix + ".rewarded");
    props.put("otc.reward.topics.dlq", prefix + ".dlq");
    props.put("otc.reward.commit-interval", "PT60S");
    props.put("otc.reward.commit-when-idle", Boolean.toString(commitWhenIdle));
    RolloutFeed feed = RolloutFeed.generate(prefix, GROUPS, 4, 10, 11L);
    try (ServiceProcess svc = PackagedRewardService.start(prefix, broker.bootstrap(), Ports.free(), props);
        KafkaProducer<String, byte[]> producer = RolloutFeed.producer(broker.bootstrap());
        TopicReader<ScoredGroup> reader = TopicReader.open(broker.bootstrap(), prefix + ".rewarded", ScoredGroup.parser())) {
      feed.send(producer, prefix + ".rollouts", 0, feed.trajectories.size());
      reader.pollUntil(GROUPS, wait);
      return reader.values().size();
    }
  }
}
