package ai.otc.policy.warmstart;

/**
 * One supervised sequence: tokens and, per token, whether it is trained (1) or context only (0: prompt, tool output).
 *
 * @param tag what the example demonstrates (for statistics), e.g. {@code fact}, {@code 1p/min}, {@code 2h1/over}
 */
public record Example(int[] tokens, float[] lossMask, String tag) {
  public int length() {
    return tokens.length;
  }
}
