package ai.otc.policy.tools;

import java.util.List;

/**
 * The policy's only access to tools, one small interface so that generation does not care who answers: the
 * implementations over a task world (in-process search + arithmetic, the BM25 engine of {@code otc-tools}) live in
 * {@code policy-offline}, and the rollout service's tool-gateway client will be another.
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

  @Override
  default void close() {}
}
