package ai.otc.reward.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness from the Kafka Streams state: DOWN only when the stream has died (ERROR, PENDING_ERROR,
 * or NOT_RUNNING / PENDING_SHUTDOWN), which a restart can fix. Starting, waiting for topics and
 * rebalancing are alive. Poison records do not affect it: they go to the dead-letter topic.
 */
@Liveness
@ApplicationScoped
public class StreamLivenessCheck implements HealthCheck {

  @Inject KafkaStreams streams;

  @Override
  public HealthCheckResponse call() {
    KafkaStreams.State state = streams.state();
    boolean alive = switch (state) {
      case CREATED, REBALANCING, RUNNING -> true;
      case PENDING_SHUTDOWN, NOT_RUNNING, PENDING_ERROR, ERROR -> false;
    };
    return HealthCheckResponse.named("reward-stream").status(alive).withData("state", state.name()).build();
  }
}
