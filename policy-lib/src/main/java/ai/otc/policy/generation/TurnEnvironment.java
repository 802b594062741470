package ai.otc.policy.generation;

/**
 * The environment side of multi-turn generation: told when a row emitted a stop token, it either ends the row or
 * returns tokens (tool output) that the generator feeds in, masked from the loss, before the model continues.
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
}
