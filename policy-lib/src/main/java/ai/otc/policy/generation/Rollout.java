package ai.otc.policy.generation;

/**
 * One generated sequence: prompt, model tokens and inserted tool output, with the masks and log-probabilities a
 * learner needs.
 *
 * @param tokens       all tokens (prompt first)
 * @param promptLength number of prompt tokens
 * @param generated    true for tokens the model sampled (the loss mask); false for prompt and inserted tool output
 * @param logProbs     log-probability of each generated token under the sampling distribution; 0 elsewhere
 * @param truncated    the row hit the context limit before the environment ended it
 */
public record Rollout(int[] tokens, int promptLength, boolean[] generated, float[] logProbs, boolean truncated) {
  /** Tokens after the prompt. */
  public int[] response() {
    return java.util.Arrays.copyOfRange(tokens, promptLength, tokens.length);
  }

  /** Number of model-generated tokens. */
  public int generatedCount() {
    int n = 0;
    for (boolean g : generated) {
      if (g) {
        n++;
      }
    }
    return n;
  }
}
