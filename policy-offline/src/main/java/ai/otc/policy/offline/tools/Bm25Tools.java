package ai.otc.policy.offline.tools;

import ai.otc.policy.tools.ToolBackend;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Search through the Lucene BM25 engine of {@code otc-tools} ({@code ai.otc.tools.search.SearchEngine}) when that
 * module is on the classpath; code still runs in process. Bound by reflection so that {@code otc-policy} does not
 * depend on {@code otc-tools} (the gateway will replace both); {@link #available()} says whether it can be used.
 */
public final class Bm25Tools implements ToolBackend {
  private static final String ENGINE = "ai.otc.tools.search.SearchEngine";
  private final AutoCloseable engine;
  private final Method search;

  private Bm25Tools(AutoCloseable engine, Method search) {
    this.engine = engine;
    this.search = search;
  }

  /** True when the BM25 engine class can be loaded. */
  public static boolean available() {
    try {
      Class.forName(ENGINE);
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** Opens (building when needed) the BM25 index of a {@code corpus.jsonl}. */
  public static Bm25Tools open(Path corpusJsonl, Path indexDir) {
    try {
      Class<?> c = Class.forName(ENGINE);
      Object e = c.getMethod("open", Path.class, Path.class).invoke(null, corpusJsonl, indexDir);
      return new Bm25Tools((AutoCloseable) e, c.getMethod("search", String.class, int.class));
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException("the BM25 engine (module otc-tools) is not on the classpath; use the in-process tools");
    } catch (ReflectiveOperationException e) {
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IllegalArgumentException("cannot open the BM25 index of " + corpusJsonl + ": " + cause.getMessage(), cause);
    }
  }

  @Override
  public List<Hit> search(String query, int topK) {
    try {
      List<?> hits = (List<?>) search.invoke(engine, query, topK);
      List<Hit> out = new ArrayList<>();
      for (Object h : hits) {
        RecordComponent[] rc = h.getClass().getRecordComponents();
        Object[] v = new Object[rc.length];
        for (int i = 0; i < rc.length; i++) {
          v[i] = rc[i].getAccessor().invoke(h);
        }
        out.add(new Hit((String) v[0], (String) v[1], (String) v[2], ((Number) v[3]).doubleValue()));
      }
      return out;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("BM25 search failed for '" + query + "'", e.getCause() != null ? e.getCause() : e);
    }
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
    } catch (Exception e) {
      throw new IllegalStateException("cannot close the BM25 engine", e);
    }
  }
}
