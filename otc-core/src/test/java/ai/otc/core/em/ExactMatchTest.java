package ai.otc.core.em;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The EM vectors of OTC.md §3.1, plus the Python-specific corners (whitespace set, Unicode \b). */
class ExactMatchTest {

  @ParameterizedTest(name = "{0} vs {1}")
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "The Beatles!|Beatles|beatles|1",
      "~  Las   Vegas, Nevada ~|Las Vegas Nevada|las vegas nevada|1",
      "Las Vegas|Las Vegas, Nevada|las vegas|0",
      "an apple|apple|apple|1",
      "U.S.|US|us|1",
      "1,000|1000|1000|1",
      "Thé Beatles|Beatles|thé beatles|0",
      "“Hamlet”|Hamlet|“hamlet”|0",
      "New\u00A0York|new york|new york|1",
      "Theatre|atre|theatre|0",
  })
  void specVectors(String prediction, String gold, String normalized, int em) {
    assertThat(ExactMatch.normalize(prediction)).isEqualTo(normalized);
    assertThat(ExactMatch.isMatch(prediction, List.of(gold))).isEqualTo(em == 1);
  }

  /** The ASCII fast path of normalize against the regex reference, on strings dense in articles, punctuation and odd whitespace. */
  @Test
  void asciiFastPathEqualsTheRegexReference() {
    java.util.Random rnd = new java.util.Random(20261201L);
    String[] pieces = {"a", "an", "the", "A", "An", "THE", "The", "ant", "then", "at", "he", "n", "e", "x", "0", "9", "_", "a_", "_the",
        " ", "  ", "\t", "\n", "\u000B", "\u001C", "\u001F", "\u0001", "\u007F", "\u0000", ".", ",", "!", "'", "-", "a.n", "t-he", "(the)",
        "\"an\"", "1,000", "U.S."};
    for (int i = 0; i < 50_000; i++) {
      StringBuilder sb = new StringBuilder();
      int parts = rnd.nextInt(9);
      for (int j = 0; j < parts; j++) {
        sb.append(rnd.nextInt(4) == 0 ? (char) rnd.nextInt(128) : pieces[rnd.nextInt(pieces.length)]);
      }
      String in = sb.toString();
      assertThat(ExactMatch.normalize(in)).as("normalize(%s)", in.replace("\u0000", "\\0")).isEqualTo(ExactMatch.normalizeWithRegex(in));
    }
  }

  @Test
  void anyGoldMatches() {
    assertThat(ExactMatch.isMatch("yes", List.of("Yes", "No"))).isTrue();
    assertThat(ExactMatch.isMatch("maybe", List.of("Yes", "No"))).isFalse();
  }

  @Test
  void everyPythonWhitespaceCharacterSplits() {
    String spaces = "\t\n\u000B\f\r\u001C\u001D\u001E\u001F \u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
        + "\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000";
    for (char ch : spaces.toCharArray()) {
      assertThat(ExactMatch.normalize("new" + ch + "york")).as("U+%04X", (int) ch).isEqualTo("new york");
    }
    // not whitespace in Python: zero-width space and BOM
    assertThat(ExactMatch.normalize("new\u200Byork")).isEqualTo("new\u200Byork");
    assertThat(ExactMatch.normalize("new\uFEFFyork")).isEqualTo("new\uFEFFyork");
  }

  @Test
  void articlesNeedUnicodeWordBoundaries() {
    // "_" is in string.punctuation, so it is gone before the article regex runs
    assertThat(ExactMatch.normalize("an_x")).isEqualTo("anx");
    assertThat(ExactMatch.normalize("ana thea")).isEqualTo("ana thea");
    assertThat(ExactMatch.normalize("the-end")).isEqualTo("theend");
    assertThat(ExactMatch.normalize("a théory")).isEqualTo("théory");
    assertThat(ExactMatch.normalize("éa b")).isEqualTo("éa b");
    assertThat(ExactMatch.normalize("THE A AN")).isEmpty();
  }

  @Test
  void unicodePunctuationIsKeptAsciiPunctuationDropped() {
    assertThat(ExactMatch.normalize("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")).isEmpty();
    // the en dash is kept, and it is a word boundary, so the article before it goes
    assertThat(ExactMatch.normalize("a–b")).isEqualTo("–b");
    assertThat(ExactMatch.normalize("x–y")).isEqualTo("x–y");
  }

  @Test
  void scoreFollowsComputeScoreEm() {
    assertThat(ExactMatch.score(null, List.of("x"), 0.0, 1.0)).isZero();
    assertThat(ExactMatch.score("X", List.of("x"), 0.0, 1.0)).isEqualTo(1.0);
    assertThat(ExactMatch.score("y", List.of("x"), 0.1, 1.0)).isEqualTo(0.1);
  }
}
