package ai.otc.reward.pipeline;

import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.reward.config.RewardServiceConfig;
import ai.otc.reward.domain.RewardSettings;
import ai.otc.reward.messaging.TopicInitializer;
import ai.otc.reward.metrics.MicrometerRewardMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs the reward stream (otc.rollouts.v1 → otc.rewarded.v1) on its own thread for the life of the
 * application: each {@link StreamWorker} life restores state and processes until it fails, then a
 * new life starts from the committed state after a back-off. Publishes its {@link State} and
 * assignment for the health checks and owns the {@link OptimalCallTable} that the gRPC service reads.
 */
@ApplicationScoped
public class RewardStream {

  private static final Logger LOG = Logger.getLogger(RewardStream.class);
  /** Consecutive failed lives after which liveness reports DOWN (a restart of the process may help). */
  static final int FAILURES_BEFORE_DOWN = 5;

  /** Where the stream is. */
  public enum State { STARTING, RESTORING, RUNNING, RECOVERING, FAILED, STOPPED }

  /** What the worker reports, read by health checks and metrics from other threads. */
  public static final class StatusBoard {
    private volatile State state = State.STARTING;
    private volatile List<Integer> partitions = List.of();
    private volatile int pendingGroups;
    private volatile int finishedMarkers;
    private volatile long lastCommitMs;
    private volatile String lastError = "";
    private volatile int consecutiveFailures;
    private volatile double lag = Double.NaN;
    private volatile boolean tableRestored;
    private volatile long pendingBytes;
    private volatile boolean backPressure;
    private volatile boolean brokerUnreachable;

    void markTableRestored() {
      tableRestored = true;
    }

    /** Whether the optimal-call table was read in full at least once (it then stays complete up to replication lag). */
    public boolean tableRestored() {
      return tableRestored;
    }

    void lag(double records) {
      lag = records;
    }

    /** Records behind the end of the rollouts topic, summed over this instance's partitions; NaN before the first fetch. */
    public double lag() {
      return lag;
    }

    void state(State s) {
      state = s;
    }

    void assignment(Set<TopicPartition> assigned) {
      TreeSet<Integer> ps = new TreeSet<>();
      for (TopicPartition tp : assigned) {
        ps.add(tp.partition());
      }
      partitions = List.copyOf(ps);
    }

    void progress(int pending, int markers, long bytes) {
      pendingGroups = pending;
      finishedMarkers = markers;
      pendingBytes = bytes;
    }

    void backPressure(boolean on) {
      backPressure = on;
    }

    /** The member bytes the pending groups hold. */
    public long pendingBytes() {
      return pendingBytes;
    }

    /** Whether the rollouts partitions are paused because the pending groups reached a cap. */
    public boolean backPressure() {
      return backPressure;
    }

    /** Whether the last failed life ended with the broker unreachable (such lives do not count towards liveness). */
    public boolean brokerUnreachable() {
      return brokerUnreachable;
    }

    void committed(long nowMs) {
      lastCommitMs = nowMs;
      consecutiveFailures = 0;
      brokerUnreachable = false;
    }

    public State state() {
      return state;
    }

    /** The rollouts partitions this instance processes. */
    public List<Integer> partitions() {
      return partitions;
    }

    public int pendingGroups() {
      return pendingGroups;
    }

    public int finishedMarkers() {
      return finishedMarkers;
    }

    public long lastCommitMs() {
      return lastCommitMs;
    }

    public String lastError() {
      return lastError;
    }

    public int consecutiveFailures() {
      return consecutiveFailures;
    }
  }

  @Inject RewardSettings settings;
  @Inject RewardServiceConfig config;
  @Inject MicrometerRewardMetrics metrics;
  @Inject TopicInitializer topics;

  /** The broker and its security settings, carried by every client of the stream and by the broker probe. */
  @Inject KafkaConnection kafka;

  @ConfigProperty(name = "quarkus.http.port")
  int httpPort;

  private final OptimalCallTable table = new OptimalCallTable();
  private final StatusBoard status = new StatusBoard();
  private volatile boolean stopping;
  private Thread thread;
  private String instanceId;

  void onStart(@Observes StartupEvent ev) {
    instanceId = config.instanceId().orElseGet(() -> hostName() + "-" + httpPort);
    StreamWorker.Params params = new StreamWorker.Params(kafka, config.applicationId(), instanceId,
        config.commitInterval(), config.commitWhenIdle(), config.progressInterval(), config.consumer(), config.producer(), settings.limits().maxRecordBytes(),
        settings.limits().maxRecordBytes());
    LOG.infof("reward %s, timeout %s (%s), commit interval %s (when idle: %s), topics %s -> %s (dlq %s), instance %s, consumer overrides %s,"
            + " producer overrides %s", settings.reward().label(), settings.groupTimeout(), settings.timeoutPolicy().cliName(),
        config.commitInterval(), config.commitWhenIdle(), settings.rolloutsTopic(), settings.rewardedTopic(), settings.dlqTopic(), instanceId,
        config.consumer(), config.producer());
    metrics.observe(status, table);
    thread = new Thread(() -> runLives(params), "reward-stream");
    thread.start();
  }

  void onStop(@Observes ShutdownEvent ev) {
    stopping = true;
    if (thread != null) {
      try {
        thread.join(30_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    status.state(State.STOPPED);
  }

  private void runLives(StreamWorker.Params params) {
    long backoffMs = 500;
    while (!stopping) {
      try {
        TopicInitializer.OutputLimits limits = topics.ensureTopics();
        // A failed life may have lowered n in a transaction that never committed; kept, such a value
        // would stop this instance from writing the same lowering again when it re-scores the group,
        // and the other instances would never learn it. Every life starts from the changelog alone.
        status.tableRestored = false;
        table.clear();
        RewardPipeline pipeline = new RewardPipeline(settings, metrics, table, limits.rewarded());
        try (StreamWorker worker = new StreamWorker(params.withRecordLimits(limits.rewarded(), limits.dlq()), settings, pipeline, status,
            System::currentTimeMillis)) {
          worker.run(() -> stopping);
        }
        backoffMs = 500;
      } catch (RuntimeException e) {
        if (stopping) {
          break;
        }
        // A life that failed because the broker is gone does not count towards liveness: restarting the process
        // does not bring the broker back. Readiness is DOWN meanwhile (the stream is not RUNNING).
        boolean unreachable = !brokerReachable(params.kafka());
        status.brokerUnreachable = unreachable;
        int failures = unreachable ? status.consecutiveFailures : ++status.consecutiveFailures;
        status.lastError = (unreachable ? "broker unreachable: " : "") + e;
        status.state(failures >= FAILURES_BEFORE_DOWN ? State.FAILED : State.RECOVERING);
        status.partitions = List.of();
        if (unreachable) {
          LOG.errorf(e, "reward stream failed and the broker %s does not answer; restarting from the committed state in %d ms",
              params.bootstrap(), backoffMs);
        } else {
          LOG.errorf(e, "reward stream failed (%d in a row); restarting from the committed state in %d ms", failures, backoffMs);
        }
        sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 10_000);
      }
    }
  }

  /** Whether the broker answers a metadata request within 3 s. */
  private static boolean brokerReachable(KafkaConnection kafka) {
    try (Admin admin = Admin.create(kafka.admin(Map.of(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000)))) {
      admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      LOG.debugf("broker probe of %s failed: %s", kafka.bootstrap(), e);
      return false;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String hostName() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env;
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      // Without a host name the port alone must keep instances apart (one host, as in tests).
      return "localhost";
    }
  }

  public StatusBoard status() {
    return status;
  }

  public OptimalCallTable table() {
    return table;
  }

  /** This instance's name ({@code otc.reward.instance-id} or its default). */
  public String instanceId() {
    return instanceId;
  }
}
