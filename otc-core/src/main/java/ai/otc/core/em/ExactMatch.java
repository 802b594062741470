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

  /**
   * {@code normalize_answer(s)} of Search-R1. ASCII input (almost every answer) takes a single-pass
   * path without the regex; anything else takes {@link #normalizeWithRegex}. Both give the same
   * result on ASCII input (property-tested), the fast one about an order of magnitude sooner: the
   * reward service normalises every member's answer and golden answers.
   */
  public static String normalize(String s) {
    int n = s.length();
    for (int i = 0; i < n; i++) {
      if (s.charAt(i) >= 128) {
        return normalizeWithRegex(s);
      }
    }
    // lower -> drop punctuation -> whole words a/an/the become " ", in one pass; then collapse whitespace.
    // With punctuation gone, ASCII word characters (\w) are [a-z0-9]: '_' is punctuation.
    StringBuilder sb = new StringBuilder(n);
    int wordStart = -1;
    for (int i = 0; i <= n; i++) {
      char ch = i < n ? s.charAt(i) : ' ';
      if (ch >= 'A' && ch <= 'Z') {
        ch = (char) (ch + ('a' - 'A'));
      } else if (IS_PUNCT[ch]) {
        continue;
      }
      boolean word = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
      if (word) {
        if (wordStart < 0) {
          wordStart = sb.length();
        }
        sb.append(ch);
        continue;
      }
      if (wordStart >= 0 && isArticle(sb, wordStart)) {
        sb.setLength(wordStart);
        sb.append(' ');
      }
      wordStart = -1;
      if (i < n) {
        sb.append(ch);
      }
    }
    return PythonText.collapseWhitespace(sb);
  }

  /** Whether {@code sb[from..]} is exactly "a", "an" or "the". */
  private static boolean isArticle(StringBuilder sb, int from) {
    int len = sb.length() - from;
    return switch (len) {
      case 1 -> sb.charAt(from) == 'a';
      case 2 -> sb.charAt(from) == 'a' && sb.charAt(from + 1) == 'n';
      case 3 -> sb.charAt(from) == 't' && sb.charAt(from + 1) == 'h' && sb.charAt(from + 2) == 'e';
      default -> false;
    };
  }

  /** {@code normalize_answer(s)} with the regex, for any input (the reference the fast path is tested against). */
  static String normalizeWithRegex(String s) {
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
