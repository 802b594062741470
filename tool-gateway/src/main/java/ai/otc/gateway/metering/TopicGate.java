package ai.otc.gateway.metering;

import ai.otc.contract.TopicSpec;
import ai.otc.contract.kafka.TopicProvisioner;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.jboss.logging.Logger;

/**
 * Opens the way to the usage topic: before the meter's first send it checks that the topic exists and,
 * when allowed, creates it as the contract's topic table says (partitions, retention, cleanup), so
 * the broker's auto-creation is never what makes it. Until the gate is open, events stay in the
 * spool; a closed gate is retried every {@code retry} (a broker that is down at start is the normal
 * case the spool covers, so the gateway starts and serves regardless). A topic that is missing while
 * creation is off ({@code otc.gateway.metering.create-topic=false}) is logged as an ERROR naming it.
 * Used only on the meter's sender thread.
 */
public final class TopicGate {
  private static final Logger LOG = Logger.getLogger(TopicGate.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final Map<String, Object> adminProps;
  private final TopicSpec spec;
  private final boolean create;
  private final short replicationFactor;
  private final long retryNanos;
  private volatile boolean open;
  private long nextAttempt = System.nanoTime();
  private String lastProblem;

  /**
   * @param clientProps the meter's Kafka properties: {@code bootstrap.servers} and any security
   *     settings ({@code security.*}, {@code sasl.*}, {@code ssl.*}) are used for the admin client
   * @param spec the usage topic's row of the table, under the configured name
   * @param create whether a missing topic may be created
   * @param replicationFactor the replication factor to create it with
   * @param retry how long to wait after a failed check before the next
   */
  public TopicGate(Map<String, Object> clientProps, TopicSpec spec, boolean create, short replicationFactor, Duration retry) {
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("otc.gateway.metering.replication-factor must be >= 1, was " + replicationFactor);
    }
    Map<String, Object> p = new HashMap<>();
    clientProps.forEach((k, v) -> {
      if (k.equals(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG) || k.startsWith("security.") || k.startsWith("sasl.")
          || k.startsWith("ssl.")) {
        p.put(k, v);
      }
    });
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    this.adminProps = Map.copyOf(p);
    this.spec = spec;
    this.create = create;
    this.replicationFactor = replicationFactor;
    this.retryNanos = retry.toNanos();
  }

  /** The topic this gate guards. */
  public String topic() {
    return spec.name();
  }

  /** True once the topic is known to exist; otherwise checks (at most once per retry interval). */
  public synchronized boolean open() {
    if (open) {
      return true;
    }
    long now = System.nanoTime();
    if (now - nextAttempt < 0) {
      return false;
    }
    nextAttempt = now + retryNanos;
    Admin admin = null;
    try {
      admin = Admin.create(adminProps);
      if (create) {
        List<String> made = TopicProvisioner.createMissing(admin, List.of(spec), replicationFactor, TIMEOUT);
        if (!made.isEmpty()) {
          LOG.infof("created topic %s from the contract's topic table (%d partitions, %s)", spec.name(), spec.partitions(),
              spec.configs(replicationFactor));
        }
      } else {
        Set<String> missing = TopicProvisioner.missing(admin, List.of(spec.name()), TIMEOUT);
        if (!missing.isEmpty()) {
          problem(true, "usage topic " + spec.name() + " does not exist and otc.gateway.metering.create-topic=false: create it as"
              + " the contract's topic table says (proto: ai/otc/contract/topics.json); usage events stay in the spool until then");
          return false;
        }
      }
      open = true;
      lastProblem = null;
      return true;
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      // Broker unreachable, creation refused (e.g. no ACL), a bootstrap address that does not resolve.
      Throwable why = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      problem(false, "cannot check or create usage topic " + spec.name() + " (" + why + "); usage events stay in the"
          + " spool, retrying");
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } finally {
      if (admin != null) {
        admin.close(Duration.ofSeconds(1));
      }
    }
  }

  /** Logs a problem once (not every retry): an ERROR for a missing topic, a WARN for an unreachable broker. */
  private void problem(boolean error, String message) {
    if (message.equals(lastProblem)) {
      return;
    }
    lastProblem = message;
    if (error) {
      LOG.error(message);
    } else {
      LOG.warn(message);
    }
  }
}
