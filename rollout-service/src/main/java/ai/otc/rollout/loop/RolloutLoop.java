package ai.otc.rollout.loop;

import ai.otc.policy.model.PolicySlot;
import ai.otc.proto.v1.Trajectory;
import ai.otc.proto.v1.Turn;
import ai.otc.rollout.domain.Phase;
import ai.otc.rollout.domain.RolloutMetrics;
import ai.otc.rollout.plan.QuestionPlan;
import ai.otc.rollout.policy.LoadedPolicy;
import ai.otc.rollout.policy.PolicyFollower;
import ai.otc.rollout.sampling.BatchTiming;
import ai.otc.rollout.sampling.SampledBatch;
import ai.otc.world.Question;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The generation loop (one thread): waits for a first policy version, then for b = {@link BatchSchedule#start}…:
 * waits at the {@link StalenessGate} until the loaded version is at least b − K, takes this instance's share of batch
 * b ({@code QuestionPlan.share}), leases the newest loaded version for the whole batch and samples it, publishes every
 * trajectory (one all-or-nothing {@link TrajectorySink#publish}), and moves to {@link BatchSchedule#next}. It stops
 * after batch {@code max-batches − 1} when that is set, once the learner's last version ({@code until-version}) is
 * loaded when that is set (then past max-batches if need be), when stopped, or when fenced by another process with its
 * identity. A failed generation is retried (the batch is generated again after a back-off, with the same ids and
 * seeds); a failed publication is retried with the same trajectories. No Kafka and no CDI here.
 */
public final class RolloutLoop implements Runnable {
  private static final Logger LOG = Logger.getLogger(RolloutLoop.class);
  private static final Duration WAIT_SLICE = Duration.ofMillis(500);

  /** What the loop is doing. */
  public enum State {
    /** No policy version loaded yet (the learner has not published version 0, or it cannot be loaded). */
    WAITING_FOR_POLICY,
    /** At the staleness gate: the next batch needs a newer version. */
    WAITING_FOR_LEARNER,
    GENERATING,
    PUBLISHING,
    /** Backing off after a failed batch. */
    RETRYING,
    /** Reached {@code max-batches}, or loaded the learner's last version. */
    DONE,
    /** Another process took over this instance's producer identity; this one no longer produces. */
    FENCED,
    /** Stopped (shutdown). */
    STOPPED
  }

  /** A consistent view for health checks and progress lines. */
  public record Status(State state, long batch, long batchesDone, int consecutiveFailures, String lastError) {}

  /**
   * The loop's own settings.
   *
   * @param runId        the run
   * @param staleness    K
   * @param maxBatches   stop before this batch number (0 = never)
   * @param untilVersion stop once this policy version (the learner's last) is loaded, past {@code maxBatches} if need
   *                     be; {@link #NO_LAST_VERSION} = no such bound
   * @param retryBackoff first wait after a failed batch (doubling per consecutive failure, at most 30 times)
   * @param maxRetryBackoff longest wait after a failed batch
   * @param progressInterval how often a progress line is logged
   */
  public record Settings(String runId, int staleness, long maxBatches, long untilVersion, Duration retryBackoff,
      Duration maxRetryBackoff, Duration progressInterval) {

    /** Settings that stop at {@code maxBatches} alone. */
    public Settings(String runId, int staleness, long maxBatches, Duration retryBackoff, Duration maxRetryBackoff,
        Duration progressInterval) {
      this(runId, staleness, maxBatches, NO_LAST_VERSION, retryBackoff, maxRetryBackoff, progressInterval);
    }
  }

  /** {@link Settings#untilVersion} when the run has no last version. */
  public static final long NO_LAST_VERSION = -1;

  private final Settings settings;
  private final StalenessGate gate;
  private final PolicyFollower policies;
  private final QuestionPlan plan;
  private final BatchSampler sampler;
  private final TrajectorySink sink;
  private final RolloutMetrics metrics;
  private final CountDownLatch stopping = new CountDownLatch(1);
  private final Progress progress;

  private volatile State state = State.WAITING_FOR_POLICY;
  private volatile long batch = -1;
  private volatile long batchesDone;
  private volatile int consecutiveFailures;
  private volatile String lastError = "";
  private long nextBatch;

  public RolloutLoop(Settings settings, PolicyFollower policies, QuestionPlan plan, BatchSampler sampler, TrajectorySink sink,
      RolloutMetrics metrics) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.gate = new StalenessGate(settings.staleness());
    this.policies = Objects.requireNonNull(policies, "policies");
    this.plan = Objects.requireNonNull(plan, "plan");
    this.sampler = Objects.requireNonNull(sampler, "sampler");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.progress = new Progress(settings.progressInterval());
  }

  /** The loop's state now. */
  public Status status() {
    return new Status(state, batch, batchesDone, consecutiveFailures, lastError);
  }

  /** Asks the loop to stop: waits end at once; a batch being generated or published is finished first. */
  public void stop() {
    stopping.countDown();
    policies.wakeUp();
  }

  private boolean running() {
    return stopping.getCount() > 0;
  }

  @Override
  public void run() {
    try {
      loop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (state != State.DONE && state != State.FENCED) {
        state = State.STOPPED;
      }
    }
  }

  private void loop() throws InterruptedException {
    long t0 = System.nanoTime();
    state = State.WAITING_FOR_POLICY;
    while (running() && policies.version() < 0) {
      policies.awaitVersion(0, WAIT_SLICE);
    }
    metrics.phase(Phase.WAIT_LEARNER, System.nanoTime() - t0);
    if (!running()) {
      return;
    }
    long b = BatchSchedule.start(nextBatch, policies.version());
    LOG.infof("run %s: policy version %d loaded, starting at batch %d (staleness %d, %d of %d questions per batch here)",
        settings.runId(), policies.version(), b, gate.staleness(), plan.sharePositions().length, plan.questionsPerStep());
    while (running()) {
      if (finished(b)) {
        state = State.DONE;
        return;
      }
      batch = b;
      metrics.currentBatch(b);
      b = awaitGate(b);
      if (b < 0) {
        return;
      }
      if (finished(b)) {
        state = State.DONE;
        return;
      }
      if (!generateAndPublish(b)) {
        if (state == State.FENCED || !running()) {
          return;
        }
        continue; // retry the same batch after the back-off
      }
      nextBatch = b + 1;
      b = BatchSchedule.next(b, policies.version());
    }
  }

  /** Whether generation ends before batch {@code b} (then logs why). */
  private boolean finished(long b) {
    if (settings.untilVersion() != NO_LAST_VERSION && policies.version() >= settings.untilVersion()) {
      LOG.infof("run %s: the learner's last version %d is loaded; generation stopped before batch %d", settings.runId(),
          settings.untilVersion(), b);
      return true;
    }
    if (settings.untilVersion() == NO_LAST_VERSION && BatchSchedule.beyond(b, settings.maxBatches())) {
      LOG.infof("run %s: max-batches %d reached after batch %d; generation stopped", settings.runId(),
          settings.maxBatches(), b - 1);
      return true;
    }
    return false;
  }

  /** Waits until batch {@code b} may start; returns the batch to generate (moved up if the learner is ahead), -1 when stopping. */
  private long awaitGate(long b) throws InterruptedException {
    long t0 = System.nanoTime();
    if (!gate.mayStart(b, policies.version())) {
      state = State.WAITING_FOR_LEARNER;
      LOG.debugf("batch %d waits for policy version %d (loaded %d)", b, gate.requiredVersion(b), policies.version());
    }
    while (running() && !gate.mayStart(b, policies.version())) {
      policies.awaitVersion(gate.requiredVersion(b), WAIT_SLICE);
    }
    metrics.phase(Phase.WAIT_LEARNER, System.nanoTime() - t0);
    if (!running()) {
      return -1;
    }
    long moved = BatchSchedule.start(b, policies.version());
    if (moved != b) {
      batch = moved;
      metrics.currentBatch(moved);
    }
    return moved;
  }

  /** One attempt at batch {@code b}; false when it failed (after the back-off) or the loop must stop. */
  private boolean generateAndPublish(long b) throws InterruptedException {
    List<Question> share = plan.share(b);
    SampledBatch sampled;
    long version;
    state = State.GENERATING;
    try (PolicySlot.Lease<LoadedPolicy> lease = policies.acquire()) {
      version = lease.version();
      sampled = sampler.sample(lease.model(), b, share);
    } catch (RuntimeException e) {
      failed("generating batch " + b, e);
      return false;
    }
    BatchTiming timing = sampled.timing();
    metrics.phase(Phase.GENERATION, millisToNanos(timing.generationMs()));
    metrics.phase(Phase.TOOLS, millisToNanos(timing.toolMs()));
    state = State.PUBLISHING;
    long t0 = System.nanoTime();
    while (true) {
      try {
        sink.publish(b, sampled.trajectories());
        break;
      } catch (TrajectorySink.SinkFencedException e) {
        state = State.FENCED;
        lastError = e.getMessage();
        LOG.errorf(e, "run %s: stopped producing at batch %d", settings.runId(), b);
        return false;
      } catch (RuntimeException e) {
        failed("publishing batch " + b, e);
        if (!running()) {
          return false;
        }
        state = State.PUBLISHING;
      }
    }
    long publishNanos = System.nanoTime() - t0;
    metrics.phase(Phase.PUBLISH, publishNanos);
    for (Trajectory t : sampled.trajectories()) {
      for (Turn turn : t.getTurnsList()) {
        if (turn.hasToolCall()) {
          metrics.toolCall(turn.getToolCall().getTool(), turn.getToolCall().getStatus());
        }
      }
    }
    double seconds = (timing.wallMs() + publishNanos / 1e6) / 1000.0;
    metrics.published(b, sampled.trajectories().size(), timing.generatedTokens(), seconds, timing.generationMs() / 1000.0);
    consecutiveFailures = 0;
    lastError = "";
    batchesDone++;
    progress.batch(b, version, sampled.trajectories().size(), timing, publishNanos);
    return true;
  }

  private void failed(String what, RuntimeException e) throws InterruptedException {
    int n = ++consecutiveFailures;
    lastError = what + ": " + e;
    metrics.batchFailed();
    long wait = Math.min(settings.maxRetryBackoff().toNanos(), settings.retryBackoff().toNanos() << Math.min(n - 1, 30));
    LOG.errorf(e, "run %s: failed %s (%d in a row); retrying in %d ms", settings.runId(), what, n,
        TimeUnit.NANOSECONDS.toMillis(wait));
    state = State.RETRYING;
    stopping.await(wait, TimeUnit.NANOSECONDS);
  }

  private static long millisToNanos(double ms) {
    return (long) (ms * 1e6);
  }

  /** The periodic progress line (rates over the interval, where the time went). */
  private final class Progress {
    private final long intervalNanos;
    private long since = System.nanoTime();
    private long trajectories;
    private long tokens;
    private double generationMs;
    private double toolMs;
    private double publishMs;
    private int batches;

    Progress(Duration interval) {
      this.intervalNanos = interval.toNanos();
    }

    void batch(long b, long version, int n, BatchTiming t, long publishNanos) {
      batches++;
      trajectories += n;
      tokens += t.generatedTokens();
      generationMs += t.generationMs();
      toolMs += t.toolMs();
      publishMs += publishNanos / 1e6;
      long now = System.nanoTime();
      if (now - since < intervalNanos) {
        return;
      }
      double s = (now - since) / 1e9;
      LOG.infof("progress run=%s batch=%d version=%d batches=%d trajectories/s=%.2f gen-tokens/s=%.1f generation-ms=%.0f"
              + " tools-ms=%.0f publish-ms=%.0f", settings.runId(), b, version, batches, trajectories / s, tokens / s,
          generationMs, toolMs, publishMs);
      since = now;
      trajectories = 0;
      tokens = 0;
      generationMs = 0;
      toolMs = 0;
      publishMs = 0;
      batches = 0;
    }
  }
}
