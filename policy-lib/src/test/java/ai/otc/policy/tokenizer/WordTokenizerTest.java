package ai.otc.policy.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WordTokenizerTest {
  private final WordTokenizer tk = TestVocabulary.tokenizer();

  @Test
  void numbersAreSpelledDigitByDigit() {
    int[] ids = tk.encode("year 1873");
    assertThat(ids).containsExactly(tk.id("year"), tk.id("1"), tk.id("##8"), tk.id("##7"), tk.id("##3"));
    assertThat(tk.decode(ids)).isEqualTo("year 1873");
    assertThat(tk.decode(tk.encode("7 + 8"))).isEqualTo("7 + 8");
  }

  @Test
  void codeBlocksKeepTheirNewlines() {
    String s = "```python\nprint ( 37 * 58 )\n```\n```output\n2146\n```\n\\boxed{ 2146 }";
    assertThat(tk.decode(tk.encode(s))).isEqualTo(s);
  }

  @Test
  void protocolTagsAreSingleTokensAndTheObservationTagIsConfigurable() {
    assertThat(tk.encode("<think> </think> <search> </search> <observation> </observation> <answer> </answer>")).hasSize(8);
    WordTokenizer info = TestVocabulary.tokenizer("information");
    assertThat(info.encode("<information> x </information>")[0]).isEqualTo(info.id("<information>"));
    assertThat(info.contains("<observation>")).isFalse();
  }

  @Test
  void unknownWordsBecomeUnk() {
    assertThat(tk.encode("what is zebra ?")).containsExactly(tk.id("what"), tk.id("is"), tk.id(WordTokenizer.UNK), tk.id("?"));
  }

  @Test
  void savedTokenListRebuildsTheSameTokenizer() {
    WordTokenizer copy = new WordTokenizer(tk.tokens(), tk.observationTag());
    assertThat(copy.encode("what is the city of ka mi ?")).isEqualTo(tk.encode("what is the city of ka mi ?"));
  }

  @Test
  void theCallersWordsFollowTheProtocolTokensAndDigitsInOrder() {
    WordTokenizer a = WordTokenizer.forVocabulary(List.of("b", "a", "b", "<search>", "7"), "observation");
    // 21 protocol tokens, 10 digits, 10 continuations; duplicates and words that already are tokens are skipped
    assertThat(a.size()).isEqualTo(21 + 10 + 10 + 2);
    assertThat(a.token(41)).isEqualTo("b");
    assertThat(a.token(42)).isEqualTo("a");
    assertThat(WordTokenizer.forVocabulary(List.of("b", "a"), "observation").tokens()).isEqualTo(a.tokens());
    assertThat(a.decode(a.encode("<qa> b a 12 ?"))).isEqualTo("<qa> b a 12 <unk>");
  }

  @Test
  void badWordsAndTagsAreRejected() {
    assertThatThrownBy(() -> WordTokenizer.forVocabulary(List.of("two words"), "observation")).hasMessageContaining("two words");
    assertThatThrownBy(() -> WordTokenizer.forVocabulary(List.of(""), "observation")).hasMessageContaining("non-empty");
    assertThatThrownBy(() -> WordTokenizer.forVocabulary(List.of("a"), "Obs!")).hasMessageContaining("observation tag");
  }
}
