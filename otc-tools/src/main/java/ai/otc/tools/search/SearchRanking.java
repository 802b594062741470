package ai.otc.tools.search;

/**
 * How {@link SearchEngine} ranks passages. One index serves both.
 *
 * <ul>
 *   <li>{@link #BM25}: Lucene BM25 with Pyserini's defaults over {@code EnglishAnalyzer} terms of
 *       {@code title\ntext} (Search-R1's retriever; the right choice for a real corpus).</li>
 *   <li>{@link #WORLD}: the task world's in-process search, the one the warm-started policy was trained with
 *       ({@code policy-offline}'s {@code InProcessTools}): a passage whose normalised title equals the normalised
 *       query first (score 1000), plus one point per distinct query word the passage contains (title and text,
 *       lower-cased, split on whitespace, no stemming and no stop words), ties by corpus order; passages with no
 *       point are not returned. See {@link WorldRanking}.</li>
 * </ul>
 */
public enum SearchRanking {
  BM25,
  WORLD;

  /** Parses {@code bm25} / {@code world} (any case), naming the choices otherwise. */
  public static SearchRanking parse(String s) {
    for (SearchRanking r : values()) {
      if (r.name().equalsIgnoreCase(s == null ? "" : s.strip())) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown search ranking '" + s + "' (expected bm25 or world)");
  }
}
