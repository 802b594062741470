package ai.otc.cli.index;

import ai.otc.cli.OtcSubcommand;
import ai.otc.tools.search.SearchEngine;
import ai.otc.tools.search.SearchIndexException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./otc index}: builds the BM25 index of a JSON Lines corpus ahead of time, exactly as the
 * tool gateway builds it at start ({@link SearchEngine#open}: Pyserini's BM25 defaults, the corpus's
 * SHA-256 stored next to the index). A gateway started on the same corpus and index directory reuses
 * the index instead of rebuilding it; running the command again on an unchanged corpus is a no-op.
 */
@Command(name = "index", mixinStandardHelpOptions = true,
    description = {"Build (or verify) the BM25 search index of a JSON Lines corpus (id, title, text per line),",
        "as the tool gateway does at start; the gateway reuses it while the corpus is unchanged (same SHA-256).",
        "Exit codes: 0 ok, 1 corpus or index error."})
public final class IndexCommand implements OtcSubcommand {
  /**
   * Lucene warns on stderr when the JVM lacks {@code --add-modules jdk.incubator.vector} (the launcher's
   * choice); the index is the same either way, so the command keeps its output to the result. Held in a
   * field: JUL keeps loggers weakly.
   */
  private static final java.util.logging.Logger VECTOR_WARNING =
      java.util.logging.Logger.getLogger("org.apache.lucene.internal.vectorization");

  @Option(names = {"-c", "--corpus"}, paramLabel = "FILE",
      description = "corpus JSON Lines (default ${DEFAULT-VALUE}, written by ./otc world)")
  Path corpus = Path.of("data/world/corpus.jsonl");

  @Option(names = {"-i", "--index-dir"}, paramLabel = "DIR",
      description = "index directory (default ${DEFAULT-VALUE}, the gateway's otc.gateway.search.index-dir default)")
  Path indexDir = Path.of(".otc/gateway/index");

  @Option(names = {"-q", "--query"}, paramLabel = "TEXT",
      description = "after indexing, run this query and print the passages in Search-R1's format")
  String query;

  @Option(names = {"-k", "--top-k"}, paramLabel = "K", description = "passages for --query (default ${DEFAULT-VALUE})")
  int topK = 3;

  @Override
  public Integer call() {
    VECTOR_WARNING.setLevel(java.util.logging.Level.SEVERE);
    long t0 = System.nanoTime();
    try (SearchEngine engine = SearchEngine.open(corpus, indexDir)) {
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("index %s: %d passages from %s, %s in %d ms%n", indexDir, engine.documents(), corpus,
          engine.rebuilt() ? "built" : "unchanged corpus, reused", ms);
      if (query != null) {
        System.out.print(SearchEngine.format(engine.search(query, topK)));
      }
      return 0;
    } catch (SearchIndexException | IllegalArgumentException e) {
      System.err.println("otc index: " + e.getMessage());
      return 1;
    } catch (IOException | UncheckedIOException e) {
      System.err.println("otc index: " + e);
      return 1;
    }
  }
}
