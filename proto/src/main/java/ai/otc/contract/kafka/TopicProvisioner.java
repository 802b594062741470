package ai.otc.contract.kafka;

import ai.otc.contract.TopicSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates platform topics from their {@link TopicSpec} rows, so no service relies on the broker's
 * auto-creation (which would give the broker's default partitions, retention and no compaction).
 */
public final class TopicProvisioner {

  private TopicProvisioner() {}

  /** The topic to create for {@code spec}: its partitions and configs, with {@code replicationFactor}. */
  public static NewTopic newTopic(TopicSpec spec, short replicationFactor) {
    return new NewTopic(spec.name(), spec.partitions(), replicationFactor).configs(spec.configs(replicationFactor));
  }

  /** Which of {@code names} do not exist on the broker (sorted). */
  public static Set<String> missing(Admin admin, Collection<String> names, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    Set<String> existing = admin.listTopics(new ListTopicsOptions().timeoutMs((int) timeout.toMillis()))
        .names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    Set<String> out = new TreeSet<>(names);
    out.removeAll(existing);
    return out;
  }

  /**
   * Creates the rows of {@code specs} that do not exist yet. A topic that exists (also one another
   * instance created between the listing and the creation) is left as it is.
   *
   * @return the names this call created
   */
  public static List<String> createMissing(Admin admin, List<TopicSpec> specs, short replicationFactor, Duration timeout)
      throws ExecutionException, InterruptedException, TimeoutException {
    Set<String> missing = missing(admin, specs.stream().map(TopicSpec::name).toList(), timeout);
    List<NewTopic> create = new ArrayList<>();
    for (TopicSpec s : specs) {
      if (missing.contains(s.name())) {
        create.add(newTopic(s, replicationFactor));
      }
    }
    List<String> created = new ArrayList<>();
    if (create.isEmpty()) {
      return created;
    }
    CreateTopicsResult r = admin.createTopics(create);
    for (Map.Entry<String, KafkaFuture<Void>> e : r.values().entrySet()) {
      try {
        e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        created.add(e.getKey());
      } catch (ExecutionException ex) {
        if (!(ex.getCause() instanceof TopicExistsException)) {
          throw ex;
        }
      }
    }
    return created;
  }
}
