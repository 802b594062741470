package ai.otc.core.em;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Answer extraction with and without the prompt (OTC.md §3.1). */
class AnswerExtractorTest {

  private static final String PROMPT = "... For example, <answer> Beijing </answer>. Question: q?";

  @Test
  void withPromptTheExampleTagIsTheFirstMatch() {
    assertThat(AnswerExtractor.withPrompt().extract(PROMPT + "<answer> Paris </answer>")).isEqualTo("Paris");
    assertThat(AnswerExtractor.withPrompt().extract(PROMPT + " no tag")).isNull();
    assertThat(AnswerExtractor.withPrompt().extract(PROMPT + "<answer>a</answer> <answer> b </answer>")).isEqualTo("b");
  }

  @Test
  void theTwoMatchRuleOnTheResponseAloneLosesEveryAnswer() {
    assertThat(AnswerExtractor.withPrompt().extract("<answer> Paris </answer>")).isNull();
    assertThat(AnswerExtractor.responseOnly().extract("<answer> Paris </answer>")).isEqualTo("Paris");
  }

  @Test
  void matchesAreNonGreedyDotallAndStrippedPythonStyle() {
    assertThat(AnswerExtractor.responseOnly().extract("<answer>\u00A0two\nlines\u3000</answer> x </answer>"))
        .isEqualTo("two\nlines");
    assertThat(AnswerExtractor.responseOnly().extract("<answer>unclosed")).isNull();
    assertThat(AnswerExtractor.responseOnly().extract("<answer></answer>")).isEmpty();
  }
}
