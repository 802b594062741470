package ai.otc.rollout.loop;

/**
 * Which batch an instance generates next. Batches are numbered from 0; the learner at version {@code v} has trained
 * {@code v} steps, so batches below {@code v} are behind it: an instance never starts one. The rule is the same at a
 * (re)start and after every batch:
 *
 * <pre>  next = max(the batch after the last one this process finished (0 at a fresh start), current version)</pre>
 *
 * A fresh process remembers nothing, so it starts at the current version; since batch {@code b}'s questions, ids and
 * seeds depend only on {@code (seed, b)}, a batch it had already published in an earlier life is generated again
 * with the same group and trajectory ids, and downstream dedupe (the reward service's finished-group markers, the
 * learner's {@code ScoredGroup.id}) drops the double. An instance that falls behind the learner skips ahead instead
 * of producing groups the learner would reject as stale. Pure.
 */
public final class BatchSchedule {
  private BatchSchedule() {}

  /**
   * The first batch of a (re)started loop.
   *
   * @param nextBatch      the batch after the last one this process finished; 0 for a new process
   * @param currentVersion the newest loaded policy version (≥ 0: the loop starts only once one is loaded)
   */
  public static long start(long nextBatch, long currentVersion) {
    if (nextBatch < 0) {
      throw new IllegalArgumentException("next batch must be >= 0, got " + nextBatch);
    }
    if (currentVersion < 0) {
      throw new IllegalArgumentException("no policy version loaded yet (version " + currentVersion + ")");
    }
    return Math.max(nextBatch, currentVersion);
  }

  /** The batch after {@code finished}, with {@code currentVersion} loaded: {@code max(finished + 1, currentVersion)}. */
  public static long next(long finished, long currentVersion) {
    return start(finished + 1, currentVersion);
  }

  /** Whether {@code batch} is past the end ({@code maxBatches} > 0 and {@code batch ≥ maxBatches}). */
  public static boolean beyond(long batch, long maxBatches) {
    return maxBatches > 0 && batch >= maxBatches;
  }
}
