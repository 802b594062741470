package ai.otc.rollout.policy;

import ai.otc.policy.model.PolicySlot;
import ai.otc.proto.v1.PolicyManifest;
import ai.otc.rollout.domain.IgnoredManifest;
import ai.otc.rollout.domain.RolloutMetrics;
import ai.otc.rollout.loop.StalenessGate;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Follows one run's policy versions: {@link #offer} takes every manifest read from the policy topic (from the
 * beginning), keeps the newest one of this run that is newer than the loaded version as pending, and {@link #tryLoad}
 * loads it through a {@link PolicyLoader} and swaps it into a {@link PolicySlot}. Manifests of other runs, versions
 * not newer than the loaded or pending one, and unusable manifests are ignored and counted; a version whose artifact
 * is missing or corrupt is logged, counted and retried with a doubling back-off (a newer manifest replaces it), and
 * never loaded. Until the initial read reaches the end of the topic ({@link #caughtUp()}) nothing is loaded, so a
 * restart loads the newest version at once instead of every old one in turn.
 *
 * <p>Threads: {@code offer}, {@code caughtUp} and {@code tryLoad} are called by the one feed thread; {@link #acquire},
 * {@link #awaitVersion} and {@link #version} by anyone. The generation thread takes one lease per batch, so a batch
 * uses exactly one version (the newest loaded when it starts) while a newer one can be loaded beside it; a swapped-out
 * version is closed when its last lease is released. No Kafka here: {@code PolicyFeed} is the consumer.
 */
public final class PolicyFollower implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(PolicyFollower.class);
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final String runId;
  private final PolicyLoader loader;
  private final RolloutMetrics metrics;
  private final LongSupplier nanoClock;
  private final long backoffNanos;
  private final long maxBackoffNanos;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private PolicySlot<LoadedPolicy> slot;
  private volatile long loaded = StalenessGate.NONE;
  private volatile boolean caughtUp;
  private volatile boolean closed;

  // feed thread only
  private PolicyManifest pending;
  private int failures;
  private long nextAttempt;
  private volatile String lastError = "";
  private volatile long loadFailures;

  /**
   * @param runId      the run whose manifests are followed
   * @param loader     reads and builds a version
   * @param metrics    where loads, failures and ignored manifests are counted
   * @param nanoClock  time for the retry back-off ({@code System::nanoTime})
   * @param backoff    first wait before a failed load is retried (doubling per failure)
   * @param maxBackoff longest wait between retries
   */
  public PolicyFollower(String runId, PolicyLoader loader, RolloutMetrics metrics, LongSupplier nanoClock, Duration backoff,
      Duration maxBackoff) {
    this.runId = Objects.requireNonNull(runId, "runId");
    this.loader = Objects.requireNonNull(loader, "loader");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.backoffNanos = Math.max(1, backoff.toNanos());
    this.maxBackoffNanos = Math.max(backoffNanos, maxBackoff.toNanos());
  }

  /** Takes one manifest read from the topic; returns why it is ignored, or null when it became the pending version. */
  public IgnoredManifest offer(PolicyManifest m) {
    IgnoredManifest why = classify(m);
    if (why != null) {
      metrics.manifestIgnored(why);
      if (why == IgnoredManifest.INVALID) {
        LOG.warnf("ignoring an unusable policy manifest of run %s: version %d, location '%s', checksum '%s'", runId,
            m.getVersion(), m.getLocation(), m.getChecksum());
      }
      return why;
    }
    pending = m;
    failures = 0;
    nextAttempt = nanoClock.getAsLong();
    LOG.infof("policy version %d of run %s announced (%s)", m.getVersion(), runId, m.getLocation());
    return null;
  }

  private IgnoredManifest classify(PolicyManifest m) {
    if (!runId.equals(m.getRunId())) {
      return IgnoredManifest.OTHER_RUN;
    }
    if (m.getVersion() < 0 || m.getLocation().isBlank() || !SHA256.matcher(m.getChecksum()).matches()) {
      return IgnoredManifest.INVALID;
    }
    if (m.getVersion() <= loaded || (pending != null && m.getVersion() <= pending.getVersion())) {
      return IgnoredManifest.NOT_NEWER;
    }
    return null;
  }

  /** Marks the initial read of the topic as complete: from now on pending versions are loaded. */
  public void caughtUp() {
    caughtUp = true;
  }

  /** Whether the initial read of the topic is complete. */
  public boolean isCaughtUp() {
    return caughtUp;
  }

  /**
   * Loads the pending version when there is one, the initial read is complete and its retry time has come.
   *
   * @return true when a version was loaded and swapped in
   */
  public boolean tryLoad() {
    PolicyManifest m = pending;
    if (m == null || !caughtUp || closed || nanoClock.getAsLong() - nextAttempt < 0) {
      return false;
    }
    long t0 = nanoClock.getAsLong();
    LoadedPolicy p;
    try {
      p = loader.load(m);
    } catch (RuntimeException e) {
      failures++;
      loadFailures++;
      long wait = Math.min(maxBackoffNanos, backoffNanos << Math.min(failures - 1, 30));
      nextAttempt = nanoClock.getAsLong() + wait;
      lastError = "version " + m.getVersion() + ": " + e.getMessage();
      metrics.policyLoadFailed(m.getVersion());
      LOG.errorf(e, "cannot load policy version %d of run %s from %s (attempt %d, retrying in %d ms)", m.getVersion(), runId,
          m.getLocation(), failures, TimeUnit.NANOSECONDS.toMillis(wait));
      return false;
    }
    swap(p);
    pending = null;
    failures = 0;
    lastError = "";
    long took = nanoClock.getAsLong() - t0;
    metrics.policyLoaded(p.version(), took);
    LOG.infof("policy version %d of run %s loaded in %d ms", p.version(), runId, TimeUnit.NANOSECONDS.toMillis(took));
    return true;
  }

  private void swap(LoadedPolicy p) {
    lock.lock();
    try {
      if (closed) {
        p.close();
        return;
      }
      if (slot == null) {
        slot = new PolicySlot<>(p, p.version(), e -> LOG.error("closing an old policy version failed", e));
      } else {
        slot.swap(p, p.version());
      }
      loaded = p.version();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The newest loaded version, {@link StalenessGate#NONE} before the first. */
  public long version() {
    return loaded;
  }

  /** The version announced but not loaded yet, or {@link StalenessGate#NONE}. */
  public long pendingVersion() {
    PolicyManifest m = pending;
    return m == null ? StalenessGate.NONE : m.getVersion();
  }

  /** Failed loads so far. */
  public long loadFailures() {
    return loadFailures;
  }

  /** The last load error ("" after a successful load). */
  public String lastError() {
    return lastError;
  }

  /**
   * Leases the newest loaded version for one batch.
   *
   * @throws IllegalStateException before the first version is loaded, or once closed
   */
  public PolicySlot.Lease<LoadedPolicy> acquire() {
    lock.lock();
    try {
      if (slot == null) {
        throw new IllegalStateException("no policy version of run " + runId + " is loaded yet");
      }
      return slot.acquire();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until the loaded version is at least {@code atLeast}, at most {@code maxWait}.
   *
   * @return the loaded version when it returns (possibly still below {@code atLeast})
   */
  public long awaitVersion(long atLeast, Duration maxWait) throws InterruptedException {
    long deadline = System.nanoTime() + maxWait.toNanos();
    lock.lock();
    try {
      while (loaded < atLeast && !closed) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        changed.awaitNanos(left);
      }
      return loaded;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes every waiter (used at shutdown). */
  public void wakeUp() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Closes the slot (the current version is closed once its leases are released). */
  @Override
  public void close() {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        if (slot != null) {
          slot.close();
        }
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }
}
