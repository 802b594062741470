package ai.otc.learner.training;

import java.util.List;

/**
 * What the training loop reports to the health checks, read from other threads. One instance per application; each
 * life of the loop updates it.
 */
public final class LearnerStatus {

  /** Where the learner is. */
  public enum State {
    /** Not started yet. */
    STARTING,
    /** Reading its checkpoint, the store and the policy topic; completing an interrupted step. */
    RECOVERING,
    /** Consuming and training. */
    RUNNING,
    /** {@code max-steps} reached: it trains no more. */
    DONE,
    /** A life failed; the next one starts after a back-off. */
    RETRYING,
    /** Failed for good (an inconsistent run, or too many failures in a row): a restart may help. */
    FAILED,
    /** Shut down. */
    STOPPED
  }

  private volatile State state = State.STARTING;
  private volatile long publishedVersion = -1;
  private volatile List<Integer> partitions = List.of();
  private volatile String lastError = "";
  private volatile int consecutiveFailures;
  private volatile long lastStepMs;
  private volatile int batchGroups;

  public State state() {
    return state;
  }

  public void state(State s) {
    state = s;
  }

  /** The newest version this learner has published (or found published), -1 before the first. */
  public long publishedVersion() {
    return publishedVersion;
  }

  void published(long version, long nowMs) {
    publishedVersion = version;
    lastStepMs = nowMs;
    consecutiveFailures = 0;
  }

  /** The otc.rewarded.v1 partitions the consumer is assigned; empty until assigned. */
  public List<Integer> partitions() {
    return partitions;
  }

  void partitions(List<Integer> p) {
    partitions = List.copyOf(p);
  }

  public String lastError() {
    return lastError;
  }

  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /** Records a failed life; returns how many failed in a row. */
  public int failed(String error) {
    lastError = error;
    partitions = List.of();
    return ++consecutiveFailures;
  }

  /** When the last version was published (epoch ms), 0 before. */
  public long lastStepMs() {
    return lastStepMs;
  }

  public int batchGroups() {
    return batchGroups;
  }

  void batchGroups(int n) {
    batchGroups = n;
  }

  /** Ready: the current version is announced and the consumer holds its partitions (also when done). */
  public boolean ready() {
    State s = state;
    return (s == State.RUNNING || s == State.DONE) && publishedVersion >= 0 && !partitions.isEmpty();
  }
}
