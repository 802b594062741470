package ai.otc.learner.training;

import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.learner.config.LearnerServiceConfig;
import ai.otc.learner.domain.LearnerMetrics;
import ai.otc.learner.domain.LearnerSettings;
import ai.otc.learner.messaging.DeadLetters;
import ai.otc.learner.messaging.PolicyTopic;
import ai.otc.learner.messaging.Publisher;
import ai.otc.learner.messaging.RewardedReader;
import ai.otc.learner.messaging.TopicInitializer;
import ai.otc.policy.store.PolicyStore;
import ai.otc.policy.store.PolicyStores;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Runs the learner on its own thread ({@code learner-loop}) for the life of the application: every DJL call (model
 * loading, the update, weight copies) happens there, never on an event loop or a request thread. Each life creates the
 * topics when missing, opens the Kafka clients and a {@link LearnerRun} (which recovers from the checkpoint), then
 * trains until {@code max-steps}, a shutdown or a failure. A failure (broker, store, disk) ends the life: everything is
 * closed and a new life resumes from the checkpoint after a back-off (0.5 s doubling to 30 s). An inconsistent run
 * ({@link RecoveryPlan}) is not retried: the state becomes FAILED and liveness DOWN, with the reason.
 *
 * <p>Shutdown (SIGTERM): while waiting for groups the loop stops at once (the groups gathered so far are read again by
 * the next start); a step that has its batch is finished (update, checkpoint, store, publish) before the thread ends.
 */
@ApplicationScoped
public class LearnerLoop {

  private static final Logger LOG = Logger.getLogger(LearnerLoop.class);
  /** Failed lives in a row after which the state is FAILED (liveness DOWN); the loop keeps retrying. */
  static final int FAILURES_BEFORE_DOWN = 5;
  private static final Duration POLICY_READ_TIMEOUT = Duration.ofSeconds(60);

  @Inject LearnerSettings settings;
  @Inject LearnerServiceConfig config;
  @Inject LearnerMetrics metrics;
  @Inject DeadLetters deadLetters;

  /** The broker and its security settings, carried by every Kafka client of the loop. */
  @Inject KafkaConnection kafka;

  private final LearnerStatus status = new LearnerStatus();
  private volatile boolean stopping;
  private Thread thread;

  void onStart(@Observes StartupEvent ev) {
    thread = new Thread(this::runLives, "learner-loop");
    thread.start();
  }

  void onStop(@Observes ShutdownEvent ev) {
    stopping = true;
    if (thread != null) {
      try {
        thread.join(120_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    status.state(LearnerStatus.State.STOPPED);
  }

  private void runLives() {
    long backoffMs = 500;
    while (!stopping) {
      status.state(LearnerStatus.State.RECOVERING);
      try {
        if (life()) {
          return;
        }
        backoffMs = 500;
      } catch (RecoveryPlan.InconsistentRun e) {
        status.failed(e.getMessage());
        status.state(LearnerStatus.State.FAILED);
        LOG.errorf("learner stopped, not retrying: %s", e.getMessage());
        return;
      } catch (RuntimeException e) {
        if (stopping) {
          break;
        }
        backoffMs = retry(e, backoffMs);
      } catch (Error e) {
        // A native library that does not load, memory exhausted: not something a new life fixes.
        status.failed(e.toString());
        status.state(LearnerStatus.State.FAILED);
        LOG.errorf(e, "learner stopped, not retrying: %s", e);
        return;
      }
    }
  }

  /** One life; returns true when the run is done (max-steps) or the application stops. */
  private boolean life() {
    TopicInitializer.ensureTopics(kafka, config.topics());
    PolicyStore store = PolicyStores.open(settings.storeRoot());
    // The publisher first: its initTransactions completes (commits or aborts) whatever transaction a dead life left
    // open, so the policy topic read next shows exactly what was published.
    try (Publisher publisher = new Publisher(kafka, settings.runId(), config.topics().policy(), config.topics().metrics(),
            config.producer());
        RewardedReader reader = new RewardedReader(kafka, config.topics().rewarded(), settings.runId(), config.consumer());
        LearnerRun run = LearnerRun.open(settings, config.topics().rewarded(), store, reader, publisher::publish,
            deadLetters::send, metrics, status,
            PolicyTopic.latestVersion(kafka, config.topics().policy(), settings.runId(), POLICY_READ_TIMEOUT))) {
      if (done(run)) {
        return true;
      }
      status.state(LearnerStatus.State.RUNNING);
      LOG.infof("learner ready: run %s at version %d, reading %s partitions %s", settings.runId(), run.version(),
          config.topics().rewarded(), status.partitions());
      while (!stopping) {
        if (run.step(() -> stopping) == LearnerRun.Outcome.STOPPED || done(run)) {
          return true;
        }
      }
      return true;
    }
  }

  private boolean done(LearnerRun run) {
    if (settings.maxSteps() > 0 && run.version() >= settings.maxSteps()) {
      status.state(LearnerStatus.State.DONE);
      metrics.done();
      LOG.infof("run %s done: %d steps (otc.learner.max-steps); the learner stays up and trains no more", settings.runId(),
          run.version());
      return true;
    }
    return false;
  }

  private long retry(RuntimeException e, long backoffMs) {
    int failures = status.failed(e.toString());
    status.state(failures >= FAILURES_BEFORE_DOWN ? LearnerStatus.State.FAILED : LearnerStatus.State.RETRYING);
    LOG.errorf(e, "learner life failed (%d in a row); resuming from the checkpoint in %d ms", failures, backoffMs);
    try {
      Thread.sleep(backoffMs);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
    return Math.min(backoffMs * 2, 30_000);
  }

  /** What the health checks read. */
  public LearnerStatus status() {
    return status;
  }
}
