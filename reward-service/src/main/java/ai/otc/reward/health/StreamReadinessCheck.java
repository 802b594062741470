package ai.otc.reward.health;

import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.reward.config.RewardServiceConfig;
import ai.otc.reward.pipeline.RewardStream;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness from the topics and the stream: UP when the rollouts, rewarded and dead-letter topics
 * exist and the reward stream is RUNNING (its optimal-call table is restored, so queries are
 * answered, and it is in the consumer group). Reports the missing topics, the rollouts partitions
 * this instance holds and its pending groups.
 */
@Readiness
@ApplicationScoped
public class StreamReadinessCheck implements HealthCheck {

  @Inject RewardStream stream;
  @Inject RewardServiceConfig config;

  /** The broker and its security settings: the admin client carries them like every client of the service. */
  @Inject KafkaConnection kafka;

  private volatile Admin admin;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("reward-stream-ready");
    List<String> wanted = List.of(config.topics().rollouts(), config.topics().rewarded(), config.topics().dlq());
    List<String> missing;
    try {
      Set<String> names = admin().listTopics().names().get(2, TimeUnit.SECONDS);
      missing = wanted.stream().filter(t -> !names.contains(t)).toList();
    } catch (Exception e) {
      // Not knowing whether the topics exist means not ready; say why.
      return b.down().withData("error", "cannot list topics: " + e).build();
    }
    RewardStream.StatusBoard st = stream.status();
    RewardStream.State state = st.state();
    boolean up = missing.isEmpty() && state == RewardStream.State.RUNNING;
    return b.status(up)
        .withData("state", state.name())
        .withData("missing-topics", String.join(",", missing))
        .withData("partitions", st.partitions().toString())
        .withData("pending-groups", st.pendingGroups())
        .withData("pending-bytes", st.pendingBytes())
        .withData("back-pressure", st.backPressure())
        .withData("last-commit-ms", st.lastCommitMs())
        .build();
  }

  private Admin admin() {
    Admin a = admin;
    if (a == null) {
      synchronized (this) {
        if (admin == null) {
          admin = Admin.create(kafka.admin(Map.of("client.id", config.applicationId() + "-readiness")));
        }
        a = admin;
      }
    }
    return a;
  }

  @PreDestroy
  void close() {
    if (admin != null) {
      admin.close();
    }
  }
}
