package ai.otc.policy.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * The policy's only access to tools, one small interface so that generation does not care who answers: the
 * implementations over a task world (in-process search + arithmetic, the BM25 engine of {@code otc-tools}) live in
 * {@code policy-offline}, and the rollout's tool-gateway client ({@code rollout-core}) is another.
 *
 * <p>The generation engine hands over all tool calls of one generation step together ({@link #searchBatch},
 * {@link #executeBatch}); the defaults answer them one by one through {@link #search} / {@link #execute}, so a simple
 * backend implements only those two. A remote backend overrides the batch methods (one round trip for the searches,
 * programs run concurrently) and reports per call what it saw ({@link CallInfo}).
 */
public interface ToolBackend extends AutoCloseable {
  /** One retrieved passage. */
  record Hit(String id, String title, String text, double score) {}

  /** Top-{@code topK} passages for a query, best first. */
  List<Hit> search(String query, int topK);

  /** Runs a program and returns its raw result. */
  Execution execute(String program);

  /** Result of running a program (fed to {@code CodeProtocol.observation}). */
  record Execution(String stdout, String stderr, int exitCode, boolean timedOut) {}

  /** Human-readable name for reports ("in-process", "bm25", "gateway"). */
  String name();

  /**
   * Answers the searches of one generation step, in request order. Default: {@link #search} for each, timed, status OK.
   */
  default List<SearchOutcome> searchBatch(List<SearchCall> calls) {
    List<SearchOutcome> out = new ArrayList<>(calls.size());
    for (SearchCall c : calls) {
      long t0 = System.nanoTime();
      List<Hit> hits = search(c.query(), c.topK());
      out.add(new SearchOutcome(hits, CallInfo.delivered(CallStatus.OK, (System.nanoTime() - t0) / 1e6, false)));
    }
    return out;
  }

  /**
   * Runs the programs of one generation step, answers in request order. Default: {@link #execute} for each in turn,
   * timed; status from the result ({@link #statusOf}).
   */
  default List<CodeOutcome> executeBatch(List<CodeCall> calls) {
    List<CodeOutcome> out = new ArrayList<>(calls.size());
    for (CodeCall c : calls) {
      long t0 = System.nanoTime();
      Execution ex = execute(c.program());
      out.add(new CodeOutcome(ex, CallInfo.delivered(statusOf(ex), (System.nanoTime() - t0) / 1e6, false)));
    }
    return out;
  }

  /** OK for a clean exit, TIMEOUT for a timed-out run, ERROR otherwise. */
  static CallStatus statusOf(Execution ex) {
    if (ex.timedOut()) {
      return CallStatus.TIMEOUT;
    }
    return ex.exitCode() == 0 ? CallStatus.OK : CallStatus.ERROR;
  }

  @Override
  default void close() {}
}
