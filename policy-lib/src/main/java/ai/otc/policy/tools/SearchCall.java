package ai.otc.policy.tools;

/**
 * One search of a batch.
 *
 * @param query the query text
 * @param topK  passages wanted (≥ 1)
 * @param ref   the call's identity (null: anonymous)
 */
public record SearchCall(String query, int topK, CallRef ref) {
  public SearchCall {
    if (query == null) {
      throw new IllegalArgumentException("query must not be null");
    }
    if (topK < 1) {
      throw new IllegalArgumentException("top-k must be >= 1, got " + topK);
    }
  }
}
