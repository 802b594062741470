package ai.otc.core.reward;

/**
 * How a negative correctness reward (ToRL's −1 for a wrong answer) combines with r_tool. The paper
 * never says (OTC.md §1.5, [I]); with r_phi ∈ {0, 1} all three give the same result.
 */
public enum WrongAnswerPolicy {
  /** final = α · r_tool · r_phi as written: a wrong answer with more calls is punished less. */
  LITERAL,
  /** A wrong answer (r_phi ≤ 0) gets final = 0 whatever r_phi was. */
  ZERO_WHEN_WRONG,
  /** r_tool is applied only when correct; a wrong answer keeps its raw r_phi (e.g. −1). */
  TOOL_ONLY_WHEN_CORRECT;

  /** Parses {@code literal}, {@code zero-when-wrong}, {@code tool-only-when-correct}. */
  public static WrongAnswerPolicy parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown wrong-answer policy '" + s + "' (expected literal, zero-when-wrong or tool-only-when-correct)", e);
    }
  }

  /** The command-line spelling, e.g. {@code zero-when-wrong}. */
  public String cliName() {
    return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
