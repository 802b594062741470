package ai.otc.core.em;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Search-R1's exact-match scoring ({@code verl/utils/reward_score/qa_em.py}, OTC.md §3.1), byte
 * for byte: lower → drop ASCII punctuation → {@code \b(a|an|the)\b} → collapse Python whitespace.
 */
public final class ExactMatch {

  /** Python's {@code string.punctuation}: the 32 ASCII punctuation characters. */
  public static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  private static final boolean[] IS_PUNCT = new boolean[128];

  static {
    for (char ch : PUNCTUATION.toCharArray()) {
      IS_PUNCT[ch] = true;
    }
  }

  /** Python's {@code re} on str is Unicode-aware: "thé" is one word, "_" is a word character. */
  private static final Pattern ARTICLES =
      Pattern.compile("\\b(a|an|the)\\b", Pattern.UNICODE_CHARACTER_CLASS);

  private ExactMatch() {}

  /** {@code normalize_answer(s)} of Search-R1. */
  public static String normalize(String s) {
    String lower = s.toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(lower.length());
    for (int i = 0; i < lower.length(); i++) {
      char ch = lower.charAt(i);
      if (ch >= 128 || !IS_PUNCT[ch]) {
        sb.append(ch);
      }
    }
    String noArticles = ARTICLES.matcher(sb).replaceAll(" ");
    return PythonText.collapseWhitespace(noArticles);
  }

  /** {@code em_check(prediction, golden_answers)}: true if the normalised prediction equals any normalised gold. */
  public static boolean isMatch(String prediction, List<String> goldenAnswers) {
    String p = normalize(prediction);
    for (String g : goldenAnswers) {
      if (p.equals(normalize(g))) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code compute_score_em}: 0 when no answer was extracted, {@code score} on a match, else
   * {@code formatScore} (Search-R1 defaults 1.0 and 0.0).
   */
  public static double score(String extractedOrNull, List<String> goldenAnswers, double formatScore, double score) {
    if (extractedOrNull == null) {
      return 0.0;
    }
    return isMatch(extractedOrNull, goldenAnswers) ? score : formatScore;
  }
}
