package ai.otc.tools.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link SearchRanking#WORLD}: exact normalised title first, then distinct-word overlap, ties by corpus order. */
class WorldRankingTest {
  @TempDir Path tmp;

  private Path corpus() throws Exception {
    Path p = tmp.resolve("corpus.jsonl");
    Files.write(p, List.of(
        "{\"id\":\"a\",\"title\":\"ka mi\",\"text\":\"ka mi city lima friend te po\"}",
        "{\"id\":\"b\",\"title\":\"te po\",\"text\":\"te po city quito friend ka mi\"}",
        "{\"id\":\"c\",\"title\":\"te mi\",\"text\":\"te mi city lima year 1901\"}",
        "{\"id\":\"d\",\"title\":\"Cats\",\"text\":\"cats are small\"}",
        "{\"id\":\"e\",\"title\":\"po\",\"text\":\"po city oslo\"}"));
    return p;
  }

  @Test
  void exactTitleBeatsOverlapAndTiesFollowCorpusOrder() throws Exception {
    try (SearchEngine e = SearchEngine.open(corpus(), tmp.resolve("idx"))) {
      // "te po": b has the exact title (1000 + 2); a and c contain both words / one word; e contains "po".
      List<SearchHit> hits = e.search("te po", 5, SearchRanking.WORLD);
      assertThat(hits).extracting(SearchHit::id).containsExactly("b", "a", "c", "e");
      assertThat(hits).extracting(SearchHit::score).containsExactly(1002f, 2f, 1f, 1f);
      // case and whitespace are normalised; no stemming: "cat" does not match "cats"
      assertThat(e.search("  TE   PO ", 1, SearchRanking.WORLD)).extracting(SearchHit::id).containsExactly("b");
      assertThat(e.search("cat", 3, SearchRanking.WORLD)).isEmpty();
      assertThat(e.search("cats", 3, SearchRanking.WORLD)).extracting(SearchHit::id).containsExactly("d");
      // stop words count in the world rule ("are" is a word of d), not in BM25
      assertThat(e.search("are", 3, SearchRanking.WORLD)).extracting(SearchHit::id).containsExactly("d");
      assertThat(e.search("are", 3)).isEmpty();
      // a word repeated in the query counts once; ties (a and c both have lima and city) by corpus order
      assertThat(e.search("lima lima city", 5, SearchRanking.WORLD)).extracting(SearchHit::id)
          .containsExactly("a", "c", "b", "e");
      assertThat(e.search("zebra", 3, SearchRanking.WORLD)).isEmpty();
      assertThatThrownBy(() -> e.search(" ", 3, SearchRanking.WORLD)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void rankingsParseByName() {
    assertThat(SearchRanking.parse("world")).isEqualTo(SearchRanking.WORLD);
    assertThat(SearchRanking.parse("BM25")).isEqualTo(SearchRanking.BM25);
    assertThatThrownBy(() -> SearchRanking.parse("tfidf")).hasMessageContaining("bm25 or world");
  }
}
