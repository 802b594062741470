package ai.otc.reward.messaging;

import ai.otc.reward.config.RewardServiceConfig;
import ai.otc.reward.pipeline.StreamTopics;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
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
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Makes sure the topics exist before the reward stream starts (called at the start of every stream
 * life):
 * <ul>
 *   <li>otc.rollouts.v1, otc.rewarded.v1 and otc.rollouts.v1.dlq, when {@code otc.reward.topics.create}
 *       is on (the local default; on Kubernetes they are Strimzi resources and creation is off);</li>
 *   <li>always, the service's internal compacted changelogs: {@code <application-id>-groups} with as
 *       many partitions as the rollouts topic (a group's marker lives in its source partition) and
 *       {@code <application-id>-optimal-calls} with one.</li>
 * </ul>
 */
@ApplicationScoped
public class TopicInitializer {

  private static final Logger LOG = Logger.getLogger(TopicInitializer.class);

  @Inject RewardServiceConfig config;

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  /** Creates what is missing; throws when the rollouts topic is absent and may not be created. */
  public void ensureTopics() {
    RewardServiceConfig.TopicsConfig t = config.topics();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      if (t.create()) {
        List<NewTopic> missing = new ArrayList<>();
        for (String name : List.of(t.rollouts(), t.rewarded(), t.dlq())) {
          if (!existing.contains(name)) {
            missing.add(new NewTopic(name, t.partitions(), t.replicationFactor()));
          }
        }
        create(admin, missing);
      }
      TopicDescription rollouts = admin.describeTopics(List.of(t.rollouts())).allTopicNames().get(30, TimeUnit.SECONDS).get(t.rollouts());
      int partitions = rollouts.partitions().size();
      // Compaction only cleans closed segments: 64 MiB segments (not Kafka's 1 GiB) keep what a new owner
      // restores at assignment close to the live markers.
      Map<String, String> compact = Map.of(
          TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
          TopicConfig.SEGMENT_BYTES_CONFIG, Integer.toString(64 << 20));
      List<NewTopic> internal = new ArrayList<>();
      String groups = StreamTopics.groups(config.applicationId());
      String optimal = StreamTopics.optimalCalls(config.applicationId());
      if (!existing.contains(groups)) {
        internal.add(new NewTopic(groups, partitions, t.replicationFactor()).configs(compact));
      }
      if (!existing.contains(optimal)) {
        internal.add(new NewTopic(optimal, 1, t.replicationFactor()).configs(compact));
      }
      create(admin, internal);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not check or create the reward topics on " + bootstrap
          + (config.topics().create() ? "" : " (otc.reward.topics.create=false: " + config.topics().rollouts() + " must exist)") + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  private static void create(Admin admin, List<NewTopic> missing) throws ExecutionException, InterruptedException, TimeoutException {
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
  }
}
