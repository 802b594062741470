package ai.otc.reward.messaging;

import ai.otc.reward.config.RewardServiceConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Creates otc.rollouts.v1, otc.rewarded.v1 and otc.rollouts.v1.dlq at start when they are missing
 * and {@code otc.reward.topics.create} is on (the local default; on Kubernetes the topics are
 * Strimzi resources and creation is off). Kafka Streams waits for the input topic
 * ({@code quarkus.kafka-streams.topics}) before it starts, so this runs concurrently with that wait.
 */
@ApplicationScoped
public class TopicInitializer {

  private static final Logger LOG = Logger.getLogger(TopicInitializer.class);

  void onStart(@Observes StartupEvent ev, RewardServiceConfig config,
      @ConfigProperty(name = "quarkus.kafka-streams.bootstrap-servers") String bootstrap) {
    if (!config.topics().create()) {
      return;
    }
    RewardServiceConfig.TopicsConfig t = config.topics();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String name : List.of(t.rollouts(), t.rewarded(), t.dlq())) {
        if (!existing.contains(name)) {
          missing.add(new NewTopic(name, t.partitions(), t.replicationFactor()));
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      try {
        admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
        LOG.infof("created topics %s", missing.stream().map(NewTopic::name).toList());
      } catch (ExecutionException e) {
        // Another instance may have created them between the listing and now: that is success.
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw e;
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("otc.reward.topics.create: could not create topics on " + bootstrap + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
