package ai.otc.policy.offline.tools;

import ai.otc.policy.tools.ToolBackend;
import ai.otc.tools.search.SearchEngine;
import ai.otc.tools.search.SearchHit;
import ai.otc.tools.search.SearchIndexException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Search through the Lucene BM25 engine of {@code otc-tools} ({@link SearchEngine}, the engine behind the tool
 * gateway's {@code Search}) over a world's {@code corpus.jsonl}; code still runs in process ({@link ArithmeticEvaluator}).
 * {@code ./otc eval --tools bm25} uses it to measure a policy trained with the exact-name search on real BM25 results.
 */
public final class Bm25Tools implements ToolBackend {
  private final SearchEngine engine;

  private Bm25Tools(SearchEngine engine) {
    this.engine = engine;
  }

  /**
   * Opens (building when needed) the BM25 index of a {@code corpus.jsonl} in {@code indexDir}.
   *
   * @throws IllegalArgumentException naming the corpus when it is missing or malformed or the index cannot be written
   */
  public static Bm25Tools open(Path corpusJsonl, Path indexDir) {
    try {
      return new Bm25Tools(SearchEngine.open(corpusJsonl, indexDir));
    } catch (SearchIndexException e) {
      throw new IllegalArgumentException("cannot open the BM25 index of " + corpusJsonl + ": " + e.getMessage(), e);
    }
  }

  /** A blank query (the model emitted {@code <search> </search>}) finds nothing, as with the in-process search. */
  @Override
  public List<Hit> search(String query, int topK) {
    if (query == null || query.isBlank()) {
      return List.of();
    }
    List<SearchHit> hits = engine.search(query, topK);
    return hits.stream().map(h -> new Hit(h.id(), h.title(), h.text(), h.score())).toList();
  }

  @Override
  public Execution execute(String program) {
    return ArithmeticEvaluator.run(program);
  }

  @Override
  public String name() {
    return "bm25";
  }

  @Override
  public void close() {
    try {
      engine.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the BM25 index", e);
    }
  }
}
