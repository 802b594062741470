package ai.otc.policy.tokenizer;

import java.util.List;

/**
 * A small world-like vocabulary for the library's tests, which must not depend on the task world: two-syllable names,
 * a few attributes and the words of the question and code templates.
 */
public final class TestVocabulary {
  /** The words, in token order. */
  public static final List<String> WORDS = List.of("te", "po", "ka", "mi", "city", "year", "color", "job", "friend",
      "quito", "lima", "red", "baker", "what", "who", "is", "the", "of", "?", "+", "*", "print", "(", ")", "x", "q");

  private TestVocabulary() {}

  /** A tokenizer over {@link #WORDS} with the given observation tag. */
  public static WordTokenizer tokenizer(String observationTag) {
    return WordTokenizer.forVocabulary(WORDS, observationTag);
  }

  /** A tokenizer over {@link #WORDS} with the default {@code <observation>} tag. */
  public static WordTokenizer tokenizer() {
    return tokenizer(WordTokenizer.DEFAULT_OBSERVATION_TAG);
  }
}
