package ai.otc.learner.messaging;

import ai.otc.contract.TopicSpec;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.contract.kafka.TopicProvisioner;
import ai.otc.learner.config.LearnerServiceConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

/**
 * Makes sure the learner's four topics exist before its loop starts (otc.rewarded.v1, its dead-letter topic,
 * otc.policy.v1, otc.metrics.v1, or the names under {@code otc.learner.topics.*}), created from the contract's topic
 * table ({@link TopicTable}: partitions, retention, compaction), never by the broker's auto-creation. With
 * {@code otc.learner.topics.create=false} a missing topic is an error naming it.
 */
public final class TopicInitializer {

  private static final Logger LOG = Logger.getLogger(TopicInitializer.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private TopicInitializer() {}

  /**
   * Creates what is missing; throws naming the topics when they are absent and may not be created.
   *
   * @param kafka the broker and its security settings (the Admin carries them like every client of the service)
   */
  public static void ensureTopics(KafkaConnection kafka, LearnerServiceConfig.TopicsConfig t) {
    String bootstrap = kafka.bootstrap();
    List<TopicSpec> specs = List.of(
        TopicTable.get(Topics.REWARDED).withName(t.rewarded()),
        TopicTable.get(Topics.REWARDED_DLQ).withName(t.dlq()),
        TopicTable.get(Topics.POLICY).withName(t.policy()),
        TopicTable.get(Topics.METRICS).withName(t.metrics()));
    try (Admin admin = Admin.create(adminSettings(kafka))) {
      if (t.create()) {
        List<String> created = TopicProvisioner.createMissing(admin, specs, t.replicationFactor(), TIMEOUT);
        if (!created.isEmpty()) {
          LOG.infof("created topics %s from the contract's topic table", created);
        }
      } else {
        Set<String> missing = TopicProvisioner.missing(admin, specs.stream().map(TopicSpec::name).toList(), TIMEOUT);
        if (!missing.isEmpty()) {
          throw new IllegalStateException("topics " + missing + " do not exist on " + bootstrap
              + " and otc.learner.topics.create=false: create them as the topic table says (proto: ai/otc/contract/topics.json)");
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not check or create the learner's topics on " + bootstrap + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /** The Admin's settings: the service's connection (address and security) and a client id. */
  static Map<String, Object> adminSettings(KafkaConnection kafka) {
    return kafka.admin(Map.of("client.id", "otc-learner-topics"));
  }
}
