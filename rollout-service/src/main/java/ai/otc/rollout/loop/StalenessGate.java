package ai.otc.rollout.loop;

/**
 * The staleness bound K of the loop protocol: batch {@code b} may start only when the newest loaded policy version
 * {@code v} satisfies {@code v ≥ b − K}, and never before a first version (version 0, the warm start) is loaded.
 * K = 0 is fully synchronous: batch {@code b} waits for version {@code b}, which the learner publishes after training
 * on batch {@code b − 1}'s groups. Pure: the waiting itself is the loop's ({@link RolloutLoop}).
 */
public final class StalenessGate {
  /** The loaded version before any version is loaded. */
  public static final long NONE = -1;

  private final int k;

  /** @param staleness K ≥ 0 */
  public StalenessGate(int staleness) {
    if (staleness < 0) {
      throw new IllegalArgumentException("staleness must be >= 0, got " + staleness);
    }
    this.k = staleness;
  }

  /** K. */
  public int staleness() {
    return k;
  }

  /** The oldest loaded version batch {@code batch} may be generated with: {@code max(0, batch − K)}. */
  public long requiredVersion(long batch) {
    if (batch < 0) {
      throw new IllegalArgumentException("batch must be >= 0, got " + batch);
    }
    return Math.max(0, batch - k);
  }

  /** Whether batch {@code batch} may start with {@code loadedVersion} loaded ({@link #NONE} when none is). */
  public boolean mayStart(long batch, long loadedVersion) {
    return loadedVersion != NONE && loadedVersion >= requiredVersion(batch);
  }
}
