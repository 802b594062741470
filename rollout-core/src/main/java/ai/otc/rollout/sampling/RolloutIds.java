package ai.otc.rollout.sampling;

/**
 * The loop protocol's deterministic ids and seeds: group id {@code R/b<batch>/<question id>}, trajectory id
 * {@code <group id>/<k>}, tool call id {@code <trajectory id>:<call index>}, and a sampling seed per trajectory mixed
 * from (run seed, batch, question id, k). A regenerated batch has the same ids and seeds, so downstream dedupe removes
 * doubles.
 */
public final class RolloutIds {
  private RolloutIds() {}

  /** {@code R/b<batch>/<questionId>}. */
  public static String groupId(String runId, long batch, String questionId) {
    if (runId == null || runId.isEmpty()) {
      throw new IllegalArgumentException("run id must not be empty");
    }
    if (batch < 0) {
      throw new IllegalArgumentException("batch must be >= 0, got " + batch);
    }
    return runId + "/b" + batch + "/" + questionId;
  }

  /** {@code <groupId>/<k>}. */
  public static String trajectoryId(String groupId, int k) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be >= 0, got " + k);
    }
    return groupId + "/" + k;
  }

  /** {@code <trajectoryId>:<callIndex>}. */
  public static String callId(String trajectoryId, int callIndex) {
    return trajectoryId + ":" + callIndex;
  }

  /**
   * Sampling seed of trajectory {@code k} of question {@code questionId} in batch {@code batch}: SplitMix64 over the
   * four inputs (the question id through its UTF-16 code units), independent of the instance and of the batch's
   * other rows.
   */
  public static long trajectorySeed(long seed, long batch, String questionId, int k) {
    long h = mix(seed ^ 0x6a09e667f3bcc909L);
    h = mix(h ^ batch);
    for (int i = 0; i < questionId.length(); i++) {
      h = mix(h ^ questionId.charAt(i));
    }
    return mix(h ^ (0x100000000L + k));
  }

  static long mix(long z) {
    z += 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
