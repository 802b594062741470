package ai.otc.core.em;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Search-R1's {@code extract_solution} (OTC.md §3.1): the last non-overlapping
 * {@code <answer>(.*?)</answer>} match, stripped. Search-R1 scores prompt + response, whose prompt
 * holds one example tag, so it requires at least two matches; scoring the response alone needs one.
 */
public final class AnswerExtractor {

  private final Pattern pattern;
  private final int minMatches;

  /**
   * @param answerTag the tag name (normally {@code answer})
   * @param minMatches 2 when the scored text includes the prompt (Search-R1), 1 for the response alone
   */
  public AnswerExtractor(String answerTag, int minMatches) {
    if (minMatches < 1) {
      throw new IllegalArgumentException("minMatches must be >= 1, got " + minMatches);
    }
    this.pattern = Pattern.compile("<" + Pattern.quote(answerTag) + ">(.*?)</" + Pattern.quote(answerTag) + ">", Pattern.DOTALL);
    this.minMatches = minMatches;
  }

  /** For text that includes the prompt (the prompt's example tag is the first match). */
  public static AnswerExtractor withPrompt() {
    return new AnswerExtractor("answer", 2);
  }

  /** For the response alone (prompt excluded). */
  public static AnswerExtractor responseOnly() {
    return new AnswerExtractor("answer", 1);
  }

  /** The extracted answer, or {@code null} when there are fewer matches than required. */
  public String extract(CharSequence text) {
    Matcher m = pattern.matcher(text);
    int count = 0;
    String last = null;
    while (m.find()) {
      count++;
      last = m.group(1);
    }
    if (count < minMatches) {
      return null;
    }
    return PythonText.strip(last);
  }
}
