package ai.otc.core.reward;

/**
 * What the reward needs to know about one trajectory.
 *
 * @param toolCalls m, the trajectory's tool-call count (OTC.md §3.2)
 * @param correct whether the extracted answer is correct (drives n and the wrong-answer policy)
 * @param rPhi the correctness reward r_phi (1/0 for EM, ±1 for ToRL, or with a format term)
 */
public record Outcome(int toolCalls, boolean correct, double rPhi) {

  public Outcome {
    if (toolCalls < 0) {
      throw new IllegalArgumentException("tool-call count must be >= 0, got " + toolCalls);
    }
    if (Double.isNaN(rPhi) || Double.isInfinite(rPhi)) {
      throw new IllegalArgumentException("r_phi must be finite, got " + rPhi);
    }
  }

  /** The usual 0/1 correctness (Search-R1 EM). */
  public static Outcome of(int toolCalls, boolean correct) {
    return new Outcome(toolCalls, correct, correct ? 1.0 : 0.0);
  }
}
