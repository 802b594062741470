package ai.otc.tools.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SearchEngineTest {
  @TempDir Path tmp;

  private Path corpus(String... lines) throws Exception {
    Path p = tmp.resolve("corpus.jsonl");
    Files.write(p, List.of(lines));
    return p;
  }

  private Path smallCorpus() throws Exception {
    return corpus(
        "{\"id\":\"1\",\"title\":\"Paris\",\"text\":\"Paris is the capital and largest city of France.\"}",
        "{\"id\":\"2\",\"title\":\"Berlin\",\"text\":\"Berlin is the capital of Germany and its largest city.\"}",
        "{\"id\":\"3\",\"title\":\"Lyon\",\"text\":\"Lyon is a city in France known for cuisine.\"}",
        "",
        "{\"id\":\"4\",\"title\":\"Cats\",\"text\":\"Cats are small domesticated carnivorous mammals.\"}");
  }

  @Test
  void ranksByBm25WithEnglishStemmingAndFormatsLikeSearchR1() throws Exception {
    try (SearchEngine e = SearchEngine.open(smallCorpus(), tmp.resolve("idx"))) {
      assertThat(e.documents()).isEqualTo(4);
      // "capitals" stems to "capit", matching "capital"; France narrows it to Paris.
      List<SearchHit> hits = e.search("capitals of France", 3);
      assertThat(hits).extracting(SearchHit::id).startsWith("1");
      assertThat(hits.get(0).score()).isGreaterThan(hits.get(1).score());
      assertThat(hits).hasSize(3);
      assertThat(SearchEngine.format(hits.subList(0, 2)))
          .isEqualTo("Doc 1(Title: Paris) Paris is the capital and largest city of France.\n"
              + "Doc 2(Title: " + hits.get(1).title() + ") " + hits.get(1).text() + "\n");
      assertThat(e.search("the of and", 3)).as("only stop words").isEmpty();
      assertThat(e.search("zebra", 3)).isEmpty();
    }
  }

  @Test
  void bm25UsesPyseriniParameters() throws Exception {
    // With b = 0.4 the length penalty is milder than Lucene's default 0.75: check the score against the
    // closed form for a one-term query on a known document.
    Path c = corpus(
        "{\"id\":\"a\",\"title\":\"\",\"text\":\"apple\"}",
        "{\"id\":\"b\",\"title\":\"\",\"text\":\"apple banana cherry date\"}",
        "{\"id\":\"c\",\"title\":\"\",\"text\":\"banana\"}");
    try (SearchEngine e = SearchEngine.open(c, tmp.resolve("idx"))) {
      List<SearchHit> hits = e.search("apple", 2);
      double n = 3;
      double df = 2;
      double idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      double avgdl = (1 + 4 + 1) / 3.0;
      // Lucene's BM25 drops the (k1 + 1) factor of the numerator since 8.0.
      double expectA = idf * 1 / (1 + 0.9 * (1 - 0.4 + 0.4 * 1 / avgdl));
      assertThat(hits.get(0).id()).isEqualTo("a");
      // Lucene encodes document lengths lossily (SmallFloat) for long docs; short ones are exact.
      assertThat((double) hits.get(0).score()).isCloseTo(expectA, org.assertj.core.data.Offset.offset(1e-4));
    }
  }

  @Test
  void reusesTheIndexWhileTheCorpusIsUnchangedAndRebuildsWhenItChanges() throws Exception {
    Path c = smallCorpus();
    Path idx = tmp.resolve("idx");
    try (SearchEngine e = SearchEngine.open(c, idx)) {
      assertThat(e.rebuilt()).isTrue();
    }
    long stamp = Files.getLastModifiedTime(idx.resolve(SearchEngine.MANIFEST)).toMillis();
    try (SearchEngine e = SearchEngine.open(c, idx)) {
      assertThat(e.rebuilt()).isFalse();
      assertThat(e.search("Berlin", 1).get(0).id()).isEqualTo("2");
    }
    assertThat(Files.getLastModifiedTime(idx.resolve(SearchEngine.MANIFEST)).toMillis()).isEqualTo(stamp);
    assertThat(SearchEngine.isCurrent(c, idx)).isTrue();

    Files.writeString(c, "{\"id\":\"9\",\"title\":\"Zebra\",\"text\":\"Zebras have stripes.\"}\n",
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(SearchEngine.isCurrent(c, idx)).isFalse();
    try (SearchEngine e = SearchEngine.open(c, idx)) {
      assertThat(e.rebuilt()).isTrue();
      assertThat(e.documents()).isEqualTo(5);
      assertThat(e.search("zebra", 1).get(0).id()).isEqualTo("9");
    }
    // no leftovers of the build next to the index
    try (var s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("corpus.jsonl", "idx");
    }
  }

  @Test
  void rejectsBadInputAndBadCorpusWithAClearMessage() throws Exception {
    try (SearchEngine e = SearchEngine.open(smallCorpus(), tmp.resolve("idx"))) {
      assertThatThrownBy(() -> e.search("  ", 3)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
      assertThatThrownBy(() -> e.search("paris", 0)).hasMessageContaining("topK");
      assertThatThrownBy(() -> e.search("paris", SearchEngine.MAX_TOP_K + 1)).hasMessageContaining("topK");
    }
    Path bad = tmp.resolve("bad.jsonl");
    Files.write(bad, List.of("{\"id\":\"1\",\"title\":\"t\",\"text\":\"x\"}", "{not json"));
    assertThatThrownBy(() -> SearchEngine.open(bad, tmp.resolve("idx2")))
        .isInstanceOf(SearchIndexException.class).hasMessageContaining("bad.jsonl:2");
    Path noText = tmp.resolve("notext.jsonl");
    Files.write(noText, List.of("{\"id\":\"1\",\"title\":\"t\"}"));
    assertThatThrownBy(() -> SearchEngine.open(noText, tmp.resolve("idx3"))).hasMessageContaining("missing field \"text\"");
    assertThatThrownBy(() -> SearchEngine.open(tmp.resolve("nope.jsonl"), tmp.resolve("idx4"))).hasMessageContaining("not found");
    assertThat(tmp.resolve("idx2")).doesNotExist();
  }

  @Test
  void concurrentSearchesAgreeWithSequentialOnes() throws Exception {
    List<String> lines = new ArrayList<>();
    java.util.Random rnd = new java.util.Random(42);
    String[] words = {"alpha", "beta", "gamma", "delta", "river", "mountain", "city", "king", "war", "song"};
    for (int i = 0; i < 2000; i++) {
      StringBuilder sb = new StringBuilder();
      for (int w = 0; w < 20; w++) {
        sb.append(words[rnd.nextInt(words.length)]).append(' ');
      }
      lines.add("{\"id\":\"d" + i + "\",\"title\":\"T" + i + "\",\"text\":\"" + sb + "\"}");
    }
    try (SearchEngine e = SearchEngine.open(corpus(lines.toArray(String[]::new)), tmp.resolve("idx"))) {
      List<String> queries = List.of("alpha river", "king war song", "mountain city", "gamma delta beta");
      List<List<SearchHit>> expected = queries.stream().map(q -> e.search(q, 5)).toList();
      try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
        List<Future<Boolean>> fs = new ArrayList<>();
        for (int t = 0; t < 400; t++) {
          int qi = t % queries.size();
          fs.add(pool.submit(() -> e.search(queries.get(qi), 5).equals(expected.get(qi))));
        }
        for (Future<Boolean> f : fs) {
          assertThat(f.get()).isTrue();
        }
      }
    }
  }
}
