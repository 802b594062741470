package ai.otc.policy.generation;

import ai.otc.core.em.AnswerExtractor;
import ai.otc.core.em.ExactMatch;
import ai.otc.core.protocol.CodeProtocol;
import java.util.List;

/**
 * The rollout's correctness verdict on a decoded response (prompt excluded), the same for evaluation and RL rollouts:
 * search responses by Search-R1's EM on the last {@code <answer>} ({@link AnswerExtractor#responseOnly()},
 * {@link ExactMatch}), code responses by ToRL's {@code \boxed{}} equivalence on the last {@code \boxed{}}
 * ({@link CodeProtocol#isEquivalent}) against the first golden answer.
 */
public final class AnswerScoring {
  private static final AnswerExtractor EXTRACTOR = AnswerExtractor.responseOnly();

  private AnswerScoring() {}

  /**
   * @param prediction the extracted answer, null when there is none
   * @param correct    the verdict (false without a prediction)
   */
  public record Verdict(String prediction, boolean correct) {}

  /** Extracts and judges the answer of {@code response} under {@code protocol}. */
  public static Verdict score(ToolProtocol protocol, String response, List<String> goldenAnswers) {
    if (goldenAnswers == null || goldenAnswers.isEmpty()) {
      throw new IllegalArgumentException("a question needs at least one golden answer");
    }
    if (protocol == ToolProtocol.SEARCH) {
      String pred = EXTRACTOR.extract(response);
      return new Verdict(pred, pred != null && ExactMatch.isMatch(pred, goldenAnswers));
    }
    String pred = CodeProtocol.lastBoxed(response).orElse(null);
    return new Verdict(pred, pred != null && CodeProtocol.isEquivalent(pred, goldenAnswers.get(0)));
  }
}
