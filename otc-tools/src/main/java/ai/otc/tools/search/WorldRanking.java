package ai.otc.tools.search;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.TermQuery;

/**
 * The {@link SearchRanking#WORLD} rule as Lucene fields and a query, equal to the task world's in-process search
 * ({@code policy-offline}'s {@code InProcessTools}, which the warm start was trained with; a test there checks
 * the two agree on every entity name and question of a world):
 *
 * <ul>
 *   <li>normalisation {@link #norm}: {@code toLowerCase(Locale.ROOT)}, trim, split on {@code \s+}, join with one
 *       space;</li>
 *   <li>index: the distinct words of {@code norm(title + " " + text)} as exact keyword terms, and
 *       {@code norm(title)} as one keyword term;</li>
 *   <li>query: a constant 1000 when {@code norm(title) == norm(query)}, plus a constant 1 for every distinct word of
 *       {@code norm(query)} the passage has; the sum is exact in floating point, and ties are broken by corpus order
 *       (a doc-values ordinal), not by Lucene's doc id.</li>
 * </ul>
 */
public final class WorldRanking {
  /** Keyword field: the passage's distinct normalised words. */
  static final String F_WORDS = "world_words";
  /** Keyword field: the normalised title. */
  static final String F_TITLE_NORM = "world_title";
  /** Doc values: the passage's position in the corpus file. */
  static final String F_ORD = "ord";
  /** Score of an exact title match. */
  public static final float EXACT_TITLE = 1000f;

  private WorldRanking() {}

  /** Lower-case (root locale), trim, collapse whitespace runs to one space. */
  public static String norm(String s) {
    return String.join(" ", s.toLowerCase(Locale.ROOT).trim().split("\\s+"));
  }

  /** The distinct non-empty words of {@code norm(s)}, in first-seen order. */
  public static List<String> words(String s) {
    Set<String> out = new LinkedHashSet<>();
    for (String w : norm(s).split(" ")) {
      if (!w.isEmpty()) {
        out.add(w);
      }
    }
    return List.copyOf(out);
  }

  /** The query of the rule, or null when the query has no word. */
  static Query query(String query, int maxClauses) {
    String q = norm(query);
    List<String> words = words(query);
    if (words.isEmpty()) {
      return null;
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    b.add(new BoostQuery(new ConstantScoreQuery(new TermQuery(new Term(F_TITLE_NORM, q))), EXACT_TITLE),
        BooleanClause.Occur.SHOULD);
    int n = 1;
    for (String w : words) {
      if (n++ >= maxClauses) {
        break;
      }
      b.add(new ConstantScoreQuery(new TermQuery(new Term(F_WORDS, w))), BooleanClause.Occur.SHOULD);
    }
    return b.build();
  }
}
