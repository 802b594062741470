package ai.otc.policy.generation;

/**
 * The environment side of multi-turn generation: told when a row emitted a stop token, it either ends the row or
 * returns tokens (tool output) that the generator feeds in, masked from the loss, before the model continues.
 *
 * <p>The generator reports all rows that stop at the same generation step in one {@link #onStops} call, so an
 * environment can answer their tool calls together (one batched search, concurrent programs). The default handles
 * them one by one with {@link #onStop}.
 */
public interface TurnEnvironment {
  /**
   * @param row          batch row that stopped
   * @param tokens       the row's tokens so far (prompt, generated and inserted), the stop token last
   * @param length       number of valid entries in {@code tokens}
   * @param turnStart    index of the first token the model generated in the current turn
   * @return tokens to insert and continue with, or {@code null} to end the row
   */
  int[] onStop(int row, int[] tokens, int length, int turnStart);

  /**
   * All rows that stopped at one generation step, in ascending row order.
   *
   * @return per entry (same order): tokens to insert, or {@code null} to end that row
   */
  default int[][] onStops(int[] rows, int[][] tokens, int[] lengths, int[] turnStarts) {
    int[][] out = new int[rows.length][];
    for (int j = 0; j < rows.length; j++) {
      out[j] = onStop(rows[j], tokens[j], lengths[j], turnStarts[j]);
    }
    return out;
  }
}
