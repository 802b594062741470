package ai.otc.policy.offline.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.policy.tools.ToolBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Bm25Tools} over a real Lucene index of a small corpus file, through otc-tools' engine. */
class Bm25ToolsTest {
  @TempDir Path tmp;

  @Test
  void searchReturnsThePassageWithTheQueryWordsAndItsFields() throws Exception {
    Path corpus = tmp.resolve("corpus.jsonl");
    Files.write(corpus, List.of(
        "{\"id\":\"0\",\"title\":\"te po\",\"text\":\"te po city quito year 1873\"}",
        "{\"id\":\"1\",\"title\":\"ka mi\",\"text\":\"ka mi city lima year 1901\"}",
        "{\"id\":\"2\",\"title\":\"zo lu\",\"text\":\"zo lu city oslo year 1950\"}"));
    try (Bm25Tools t = Bm25Tools.open(corpus, tmp.resolve("index"))) {
      List<ToolBackend.Hit> hits = t.search("ka mi", 3);
      assertThat(hits).isNotEmpty();
      assertThat(hits.get(0).id()).isEqualTo("1");
      assertThat(hits.get(0).title()).isEqualTo("ka mi");
      assertThat(hits.get(0).text()).isEqualTo("ka mi city lima year 1901");
      assertThat(hits.get(0).score()).isPositive();
      assertThat(hits).extracting(ToolBackend.Hit::id).doesNotContain("0", "2");
      assertThat(t.search("   ", 3)).as("blank query").isEmpty();
      assertThat(t.execute("print ( 6 * 7 )").stdout()).isEqualTo("42\n");
      assertThat(t.name()).isEqualTo("bm25");
    }
  }

  @Test
  void aMissingCorpusIsNamed() {
    Path missing = tmp.resolve("nope.jsonl");
    assertThatThrownBy(() -> Bm25Tools.open(missing, tmp.resolve("index")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope.jsonl");
  }
}
