package ai.otc.reward.pipeline;

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

    void progress(int pending, int markers) {
      pendingGroups = pending;
      finishedMarkers = markers;
    }

    void committed(long nowMs) {
      lastCommitMs = nowMs;
      consecutiveFailures = 0;
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

  @ConfigProperty(name = "kafka.bootstrap.servers")
  String bootstrap;

  @ConfigProperty(name = "quarkus.http.port")
  int httpPort;

  private final OptimalCallTable table = new OptimalCallTable();
  private final StatusBoard status = new StatusBoard();
  private volatile boolean stopping;
  private Thread thread;
  private String instanceId;

  void onStart(@Observes StartupEvent ev) {
    instanceId = config.instanceId().orElseGet(() -> hostName() + "-" + httpPort);
    StreamWorker.Params params = new StreamWorker.Params(bootstrap, config.applicationId(), instanceId,
        config.commitInterval(), config.progressInterval(), config.consumer(), config.producer());
    LOG.infof("reward %s, timeout %s (%s), commit interval %s, topics %s -> %s (dlq %s), instance %s, consumer overrides %s,"
            + " producer overrides %s", settings.reward().label(), settings.groupTimeout(), settings.timeoutPolicy().cliName(),
        config.commitInterval(), settings.rolloutsTopic(), settings.rewardedTopic(), settings.dlqTopic(), instanceId,
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
        topics.ensureTopics();
        // A failed life may have lowered n in a transaction that never committed; kept, such a value
        // would stop this instance from writing the same lowering again when it re-scores the group,
        // and the other instances would never learn it. Every life starts from the changelog alone.
        status.tableRestored = false;
        table.clear();
        RewardPipeline pipeline = new RewardPipeline(settings, metrics, table);
        try (StreamWorker worker = new StreamWorker(params, settings, pipeline, status, System::currentTimeMillis)) {
          worker.run(() -> stopping);
        }
        backoffMs = 500;
      } catch (RuntimeException e) {
        if (stopping) {
          break;
        }
        int failures = ++status.consecutiveFailures;
        status.lastError = e.toString();
        status.state(failures >= FAILURES_BEFORE_DOWN ? State.FAILED : State.RECOVERING);
        status.partitions = List.of();
        LOG.errorf(e, "reward stream failed (%d in a row); restarting from the committed state in %d ms", failures, backoffMs);
        sleep(backoffMs);
        backoffMs = Math.min(backoffMs * 2, 10_000);
      }
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
