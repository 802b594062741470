package ai.otc.reward.health;

import ai.otc.reward.config.RewardServiceConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness from the topics and the assignment: UP when the rollouts, rewarded and dead-letter
 * topics exist and Kafka Streams is RUNNING (its partitions are assigned and restored, so queries
 * for keys it owns are answered). Reports the missing topics and the partitions this instance
 * holds.
 */
@Readiness
@ApplicationScoped
public class StreamReadinessCheck implements HealthCheck {

  @Inject KafkaStreams streams;
  @Inject RewardServiceConfig config;

  @ConfigProperty(name = "quarkus.kafka-streams.bootstrap-servers")
  String bootstrap;

  private volatile Admin admin;

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder b = HealthCheckResponse.named("reward-stream-ready");
    List<String> wanted = List.of(config.topics().rollouts(), config.topics().rewarded(), config.topics().dlq());
    List<String> missing;
    try {
      Set<String> names = admin().listTopics().names().get(5, TimeUnit.SECONDS);
      missing = wanted.stream().filter(t -> !names.contains(t)).toList();
    } catch (Exception e) {
      // Not knowing whether the topics exist means not ready; say why.
      return b.down().withData("error", "cannot list topics: " + e).build();
    }
    KafkaStreams.State state = streams.state();
    int active = 0;
    StringBuilder parts = new StringBuilder();
    if (state == KafkaStreams.State.RUNNING) {
      for (ThreadMetadata t : streams.metadataForLocalThreads()) {
        for (TaskMetadata task : t.activeTasks()) {
          active++;
          task.topicPartitions().forEach(tp -> parts.append(parts.isEmpty() ? "" : ",").append(tp));
        }
      }
    }
    boolean up = missing.isEmpty() && state == KafkaStreams.State.RUNNING;
    return b.status(up)
        .withData("state", state.name())
        .withData("missing-topics", String.join(",", missing))
        .withData("active-tasks", active)
        .withData("partitions", parts.toString())
        .build();
  }

  private Admin admin() {
    Admin a = admin;
    if (a == null) {
      synchronized (this) {
        if (admin == null) {
          admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
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
