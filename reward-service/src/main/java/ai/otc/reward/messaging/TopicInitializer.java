package ai.otc.reward.messaging;

import ai.otc.contract.TopicSpec;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.contract.kafka.TopicProvisioner;
import ai.otc.reward.config.RewardServiceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.jboss.logging.Logger;

/**
 * Makes sure the topics exist before the reward stream starts (called at the start of every stream
 * life), created from the contract's topic table ({@link TopicTable}: partitions, retention,
 * compaction), never left to the broker's auto-creation:
 * <ul>
 *   <li>otc.rollouts.v1, otc.rewarded.v1 and otc.rollouts.v1.dlq (or the names configured under
 *       {@code otc.reward.topics.*}), when {@code otc.reward.topics.create} is on (the local default);
 *       when it is off (on Kubernetes they are KafkaTopic resources made from the same table), a
 *       missing one stops this life with an error naming it;</li>
 *   <li>always, the service's internal compacted changelogs: {@code <application-id>-groups} with as
 *       many partitions as the rollouts topic (a group's marker lives in its source partition) and
 *       {@code <application-id>-optimal-calls} with one.</li>
 * </ul>
 * Output size limits are made consistent here: otc.rewarded.v1 and the dead-letter topic are created with
 * {@code max.message.bytes} = {@code otc.reward.limits.max-record-bytes}, and the limit this life writes to each is
 * the lower of that key and the topic's actual {@code max.message.bytes} (a managed topic may have a lower one; a
 * warning names both), so the service never writes a record the broker refuses.
 */
@ApplicationScoped
public class TopicInitializer {

  private static final Logger LOG = Logger.getLogger(TopicInitializer.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @Inject RewardServiceConfig config;

  /** The broker and its security settings: the admin client carries them like every client of the service. */
  @Inject KafkaConnection kafka;

  /** The largest record this life writes to otc.rewarded.v1 and to the dead-letter topic, in bytes. */
  public record OutputLimits(int rewarded, int dlq) {}

  /**
   * Creates what is missing; throws naming the topics when they are absent and may not be created.
   *
   * @return the output limits: {@code otc.reward.limits.max-record-bytes}, lowered to a topic's {@code max.message.bytes}
   */
  public OutputLimits ensureTopics() {
    RewardServiceConfig.TopicsConfig t = config.topics();
    List<TopicSpec> io = List.of(spec(Topics.ROLLOUTS, t.rollouts()), spec(Topics.REWARDED, t.rewarded()),
        spec(Topics.ROLLOUTS_DLQ, t.dlq()));
    String bootstrap = kafka.bootstrap();
    try (Admin admin = Admin.create(kafka.admin(Map.of("client.id", config.applicationId() + "-topics")))) {
      if (t.create()) {
        created(TopicProvisioner.createMissing(admin, io, t.replicationFactor(), TIMEOUT));
      } else {
        Set<String> missing = TopicProvisioner.missing(admin, io.stream().map(TopicSpec::name).toList(), TIMEOUT);
        if (!missing.isEmpty()) {
          throw new IllegalStateException("topics " + missing + " do not exist on " + bootstrap
              + " and otc.reward.topics.create=false: create them as the topic table says (proto: ai/otc/contract/topics.json)");
        }
      }
      int partitions = admin.describeTopics(List.of(t.rollouts())).allTopicNames().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
          .get(t.rollouts()).partitions().size();
      created(TopicProvisioner.createMissing(admin, List.of(TopicTable.rewardGroups(config.applicationId(), partitions),
          TopicTable.rewardOptimalCalls(config.applicationId())), t.replicationFactor(), TIMEOUT));
      return new OutputLimits(limit(admin, t.rewarded()), limit(admin, t.dlq()));
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not check or create the reward topics on " + bootstrap + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  /**
   * The table's row for {@code contractName} under its configured name and partition override; the two output topics
   * also get {@code max.message.bytes} = {@code otc.reward.limits.max-record-bytes}.
   */
  private TopicSpec spec(String contractName, String configuredName) {
    TopicSpec s = TopicTable.get(contractName).withName(configuredName);
    s = config.topics().partitions().map(s::withPartitions).orElse(s);
    if (contractName.equals(Topics.REWARDED) || contractName.equals(Topics.ROLLOUTS_DLQ)) {
      Map<String, String> extra = new LinkedHashMap<>(s.extraConfigs());
      extra.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(config.limits().maxRecordBytes()));
      s = new TopicSpec(s.name(), s.key(), s.value(), s.partitions(), s.cleanup(), s.retentionMs(), s.replicas(),
          s.minInSyncReplicas(), extra, s.writers(), s.readers(), s.internal(), s.description());
    }
    return s;
  }

  /** The lower of {@code otc.reward.limits.max-record-bytes} and the topic's {@code max.message.bytes}. */
  private int limit(Admin admin, String topic) throws ExecutionException, InterruptedException, TimeoutException {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    Config c = admin.describeConfigs(List.of(r)).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).get(r);
    int configured = config.limits().maxRecordBytes();
    ConfigEntry e = c == null ? null : c.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
    if (e == null || e.value() == null) {
      return configured;
    }
    int topicLimit = Integer.parseInt(e.value());
    if (topicLimit < configured) {
      LOG.warnf("topic %s has max.message.bytes=%d, below otc.reward.limits.max-record-bytes=%d: records to it are limited to %d bytes"
          + " (larger scored groups and dead letters are refused or written as reference copies)", topic, topicLimit, configured, topicLimit);
      return topicLimit;
    }
    return configured;
  }

  private static void created(List<String> names) {
    if (!names.isEmpty()) {
      LOG.infof("created topics %s from the contract's topic table", names);
    }
  }
}
