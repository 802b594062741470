package ai.otc.reward.streams;

import ai.otc.reward.domain.RewardSettings;
import ai.otc.reward.metrics.MicrometerRewardMetrics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.apache.kafka.streams.Topology;
import org.jboss.logging.Logger;

/** Hands the reward topology to Quarkus' Kafka Streams extension, which runs it with {@code quarkus.kafka-streams.*} / {@code kafka-streams.*}. */
@ApplicationScoped
public class TopologyProducer {

  private static final Logger LOG = Logger.getLogger(TopologyProducer.class);

  // Dependent, not ApplicationScoped: KafkaStreams reads Topology's fields, which a client proxy would hide.
  @Produces
  Topology topology(RewardSettings settings, MicrometerRewardMetrics metrics) {
    Topology t = RewardTopology.build(settings, metrics);
    LOG.infof("reward %s, timeout %s (%s), topics %s -> %s (dlq %s)%n%s", settings.reward().label(), settings.groupTimeout(),
        settings.timeoutPolicy().cliName(), settings.rolloutsTopic(), settings.rewardedTopic(), settings.dlqTopic(), t.describe());
    return t;
  }
}
