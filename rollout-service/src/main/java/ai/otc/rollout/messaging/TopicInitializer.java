package ai.otc.rollout.messaging;

import ai.otc.contract.TopicSpec;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.TopicProvisioner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.jboss.logging.Logger;

/**
 * Makes sure the service's two topics exist (the rollouts topic it writes, the policy topic it reads), created from
 * the contract's topic table ({@link TopicTable}: partitions, retention, compaction) when {@code create} is on, never
 * left to the broker's auto-creation; with creation off (topics managed elsewhere) a missing topic is an error
 * naming it.
 */
public final class TopicInitializer {
  private static final Logger LOG = Logger.getLogger(TopicInitializer.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(15);

  private TopicInitializer() {}

  /**
   * Creates what is missing (or checks that nothing is).
   *
   * @throws IllegalStateException when a topic is missing and may not be created, or the broker does not answer
   */
  public static void ensure(Map<String, Object> adminProps, String rollouts, String policy, boolean create, short replicationFactor) {
    List<TopicSpec> specs = List.of(TopicTable.get(Topics.ROLLOUTS).withName(rollouts), TopicTable.get(Topics.POLICY).withName(policy));
    try (Admin admin = Admin.create(adminProps)) {
      if (create) {
        List<String> created = TopicProvisioner.createMissing(admin, specs, replicationFactor, TIMEOUT);
        if (!created.isEmpty()) {
          LOG.infof("created topics %s as the topic table says", created);
        }
      } else {
        Set<String> missing = TopicProvisioner.missing(admin, specs.stream().map(TopicSpec::name).toList(), TIMEOUT);
        if (!missing.isEmpty()) {
          throw new IllegalStateException("topics " + missing + " do not exist and otc.rollout.topics.create=false: create them"
              + " as the topic table says (proto: ai/otc/contract/topics.json)");
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("could not check or create the rollout topics: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
