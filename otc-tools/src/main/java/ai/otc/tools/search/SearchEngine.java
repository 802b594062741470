package ai.otc.tools.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * BM25 retrieval over a JSON Lines corpus ({@code {"id":…,"title":…,"text":…}} per line), the engine
 * behind the tool gateway's {@code Search} and {@code BatchSearch} RPCs, {@code ./otc index} and the
 * in-process evaluation of {@code otc-policy-offline}.
 *
 * <p>Scoring follows Pyserini's defaults, the closest match to Search-R1's retriever: {@link
 * BM25Similarity} with k1 = 0.9, b = 0.4 over {@link EnglishAnalyzer} tokens of {@code title + "\n" +
 * text}; a query is the bag of its analysed terms (OR). Results are formatted by {@link #format(List)}
 * exactly as Search-R1's {@code _passages2string}. The same index also serves {@link SearchRanking#WORLD}, the
 * task world's exact-name-first ranking ({@link WorldRanking}), through {@link #search(String, int, SearchRanking)}.
 *
 * <p>The index lives on disk in {@code indexDir}. {@link #open(Path, Path)} stores the SHA-256 of the
 * corpus file (and the analysis settings) next to the index and reuses the index when both still match,
 * so a restart does not re-index an unchanged corpus; otherwise it rebuilds into a sibling directory and
 * swaps it in, so a crash mid-build never leaves a half index that looks valid.
 *
 * <p>{@link #search(String, int)} is thread-safe and allocation-light; close the engine to release the
 * index files.
 */
public final class SearchEngine implements AutoCloseable {

  /** BM25 k1 (Pyserini default). */
  public static final float K1 = 0.9f;
  /** BM25 b (Pyserini default). */
  public static final float B = 0.4f;
  /** Largest top-k a single search may ask for; protects the heap against absurd requests. */
  public static final int MAX_TOP_K = 1000;

  static final String MANIFEST = "otc-index.properties";
  /** Bump when analysis, fields or scoring change so old indexes are rebuilt, not misread. */
  static final String FORMAT = "otc-bm25-v2;EnglishAnalyzer;k1=0.9;b=0.4;contents=title\\ntext;world=words+title+ord";

  private static final String F_ID = "id";
  private static final String F_TITLE = "title";
  private static final String F_TEXT = "text";
  private static final String F_CONTENTS = "contents";
  private static final Set<String> STORED = Set.of(F_ID, F_TITLE, F_TEXT);

  private final Analyzer analyzer;
  private final Directory directory;
  private final DirectoryReader reader;
  private final IndexSearcher searcher;
  private final boolean rebuilt;
  private final long documents;

  private SearchEngine(Analyzer analyzer, Directory directory, boolean rebuilt) throws IOException {
    this.analyzer = analyzer;
    this.directory = directory;
    this.reader = DirectoryReader.open(directory);
    this.searcher = new IndexSearcher(reader);
    this.searcher.setSimilarity(new BM25Similarity(K1, B));
    this.rebuilt = rebuilt;
    this.documents = reader.numDocs();
  }

  /**
   * Opens the index of {@code corpusJsonl} in {@code indexDir}, building it first when it is missing,
   * was built from a different corpus (by SHA-256) or with other analysis settings.
   *
   * @throws SearchIndexException when the corpus is missing or malformed (the message names file and
   *     line) or the index cannot be written
   */
  public static SearchEngine open(Path corpusJsonl, Path indexDir) {
    Objects.requireNonNull(corpusJsonl, "corpusJsonl");
    Objects.requireNonNull(indexDir, "indexDir");
    if (!Files.isRegularFile(corpusJsonl)) {
      throw new SearchIndexException("search corpus not found: " + corpusJsonl.toAbsolutePath());
    }
    Analyzer analyzer = new EnglishAnalyzer();
    try {
      String hash = sha256(corpusJsonl);
      boolean rebuilt = false;
      if (!indexMatches(indexDir, hash)) {
        build(corpusJsonl, indexDir, hash, analyzer);
        rebuilt = true;
      }
      return new SearchEngine(analyzer, FSDirectory.open(indexDir), rebuilt);
    } catch (IOException e) {
      analyzer.close();
      throw new SearchIndexException("cannot open search index " + indexDir + " for " + corpusJsonl + ": " + e, e);
    }
  }

  /** True when {@code indexDir} holds a complete index of exactly this corpus file (same SHA-256). */
  public static boolean isCurrent(Path corpusJsonl, Path indexDir) {
    try {
      return indexMatches(indexDir, sha256(corpusJsonl));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The top {@code topK} passages for {@code query} by BM25, best first. An empty list when no analysed
   * term of the query occurs (e.g. only stop words).
   *
   * @throws IllegalArgumentException when the query is blank or {@code topK} is outside 1..{@link
   *     #MAX_TOP_K}
   */
  public List<SearchHit> search(String query, int topK) {
    return search(query, topK, SearchRanking.BM25);
  }

  /**
   * The top {@code topK} passages for {@code query} under {@code ranking}, best first (see {@link
   * SearchRanking}). An empty list when nothing matches.
   *
   * @throws IllegalArgumentException when the query is blank or {@code topK} is outside 1..{@link
   *     #MAX_TOP_K}
   */
  public List<SearchHit> search(String query, int topK, SearchRanking ranking) {
    if (query == null || query.isBlank()) {
      throw new IllegalArgumentException("query must not be blank");
    }
    if (topK < 1 || topK > MAX_TOP_K) {
      throw new IllegalArgumentException("topK must be in 1.." + MAX_TOP_K + ", was " + topK);
    }
    try {
      if (ranking == SearchRanking.WORLD) {
        return worldSearch(query, topK);
      }
      BooleanQuery.Builder bq = new BooleanQuery.Builder();
      int clauses = 0;
      for (String term : terms(query)) {
        // Lucene refuses more than IndexSearcher.getMaxClauseCount() clauses; a query that long is noise.
        if (clauses++ >= IndexSearcher.getMaxClauseCount()) {
          break;
        }
        bq.add(new TermQuery(new Term(F_CONTENTS, term)), BooleanClause.Occur.SHOULD);
      }
      if (clauses == 0) {
        return List.of();
      }
      return hits(searcher.search(bq.build(), topK));
    } catch (IOException e) {
      throw new UncheckedIOException("search failed for query " + query, e);
    }
  }

  private List<SearchHit> worldSearch(String query, int topK) throws IOException {
    Query q = WorldRanking.query(query, IndexSearcher.getMaxClauseCount());
    if (q == null) {
      return List.of();
    }
    // Score first, then corpus order (the in-process rule), whatever order segments were merged in.
    Sort sort = new Sort(SortField.FIELD_SCORE, new SortField(WorldRanking.F_ORD, SortField.Type.LONG));
    TopDocs top = searcher.search(q, topK, sort, true);
    return hits(top);
  }

  private List<SearchHit> hits(TopDocs top) throws IOException {
    StoredFields stored = searcher.storedFields();
    List<SearchHit> hits = new ArrayList<>(top.scoreDocs.length);
    for (ScoreDoc sd : top.scoreDocs) {
      Document d = stored.document(sd.doc, STORED);
      hits.add(new SearchHit(d.get(F_ID), d.get(F_TITLE), d.get(F_TEXT), sd.score));
    }
    return hits;
  }

  /**
   * Search-R1's passage format: {@code "Doc i(Title: <title>) <text>\n"} per hit, i from 1, concatenated
   * (the text placed between {@code <information>} tags, OTC.md §3.2).
   */
  public static String format(List<SearchHit> hits) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < hits.size(); i++) {
      SearchHit h = hits.get(i);
      sb.append("Doc ").append(i + 1).append("(Title: ").append(h.title()).append(") ").append(h.text()).append('\n');
    }
    return sb.toString();
  }

  /** Number of passages in the index. */
  public long documents() {
    return documents;
  }

  /** True when {@link #open} had to (re)build the index, false when it reused the one on disk. */
  public boolean rebuilt() {
    return rebuilt;
  }

  @Override
  public void close() throws IOException {
    try {
      reader.close();
    } finally {
      directory.close();
      analyzer.close();
    }
  }

  private List<String> terms(String query) throws IOException {
    // Distinct terms: a repeated word in a query does not change a BM25 bag-of-words ranking enough to
    // justify duplicate clauses, and Pyserini's default query generator dedupes too.
    Set<String> out = new LinkedHashSet<>();
    try (TokenStream ts = analyzer.tokenStream(F_CONTENTS, query)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      ts.reset();
      while (ts.incrementToken()) {
        out.add(term.toString());
      }
      ts.end();
    }
    return new ArrayList<>(out);
  }

  private static boolean indexMatches(Path indexDir, String hash) throws IOException {
    Path manifest = indexDir.resolve(MANIFEST);
    if (!Files.isRegularFile(manifest)) {
      return false;
    }
    Properties p = new Properties();
    try (var in = Files.newBufferedReader(manifest, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    if (!hash.equals(p.getProperty("corpus.sha256")) || !FORMAT.equals(p.getProperty("format"))) {
      return false;
    }
    try (Directory dir = FSDirectory.open(indexDir)) {
      return DirectoryReader.indexExists(dir);
    }
  }

  private static void build(Path corpus, Path indexDir, String hash, Analyzer analyzer) throws IOException {
    Path parent = indexDir.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempDirectory(parent, indexDir.getFileName() + ".building-");
    long docs = 0;
    try {
      IndexWriterConfig cfg = new IndexWriterConfig(analyzer)
          .setSimilarity(new BM25Similarity(K1, B))
          .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
          .setRAMBufferSizeMB(128);
      ObjectMapper json = new ObjectMapper();
      try (Directory dir = FSDirectory.open(tmp);
          IndexWriter writer = new IndexWriter(dir, cfg);
          BufferedReader in = Files.newBufferedReader(corpus, StandardCharsets.UTF_8)) {
        String line;
        long lineNo = 0;
        while ((line = in.readLine()) != null) {
          lineNo++;
          if (line.isBlank()) {
            continue;
          }
          JsonNode node;
          try {
            node = json.readTree(line);
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new SearchIndexException(corpus + ":" + lineNo + ": not a JSON object: " + e.getOriginalMessage(), e);
          }
          String id = text(node, F_ID, corpus, lineNo);
          String title = text(node, F_TITLE, corpus, lineNo);
          String body = text(node, F_TEXT, corpus, lineNo);
          Document d = new Document();
          d.add(new StringField(F_ID, id, Field.Store.YES));
          d.add(new StoredField(F_TITLE, title));
          d.add(new StoredField(F_TEXT, body));
          d.add(new TextField(F_CONTENTS, title + "\n" + body, Field.Store.NO));
          for (String w : WorldRanking.words(title + " " + body)) {
            d.add(new StringField(WorldRanking.F_WORDS, w, Field.Store.NO));
          }
          d.add(new StringField(WorldRanking.F_TITLE_NORM, WorldRanking.norm(title), Field.Store.NO));
          d.add(new NumericDocValuesField(WorldRanking.F_ORD, docs));
          writer.addDocument(d);
          docs++;
        }
        writer.forceMerge(1);
        writer.commit();
      }
      Properties p = new Properties();
      p.setProperty("corpus.sha256", hash);
      p.setProperty("format", FORMAT);
      p.setProperty("documents", Long.toString(docs));
      p.setProperty("corpus.path", corpus.toAbsolutePath().toString());
      try (var out = Files.newBufferedWriter(tmp.resolve(MANIFEST), StandardCharsets.UTF_8)) {
        p.store(out, "written by ai.otc.tools.search.SearchEngine; the index is rebuilt when corpus.sha256 changes");
      }
      deleteTree(indexDir);
      Files.move(tmp, indexDir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  private static String text(JsonNode node, String field, Path corpus, long lineNo) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      if (field.equals(F_TITLE)) {
        return "";
      }
      throw new SearchIndexException(corpus + ":" + lineNo + ": missing field \"" + field + "\"");
    }
    return v.asText();
  }

  static String sha256(Path file) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
    byte[] buf = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buf)) > 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
