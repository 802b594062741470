package ai.otc.loop;

import ai.otc.policy.tools.CallInfo;
import ai.otc.policy.tools.CallStatus;
import ai.otc.policy.tools.CodeCall;
import ai.otc.policy.tools.CodeOutcome;
import ai.otc.policy.tools.ToolBackend;
import ai.otc.tools.sandbox.Sandbox;
import ai.otc.tools.sandbox.SandboxConfig;
import ai.otc.tools.sandbox.SandboxResult;
import ai.otc.tools.sandbox.SandboxStatus;
import ai.otc.tools.search.SearchEngine;
import ai.otc.tools.search.SearchHit;
import ai.otc.tools.search.SearchRanking;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tool gateway's own tools called as a library, in the caller's process: {@code otc-tools}' search engine with the
 * world ranking the platform's gateway uses, and its sandbox with real processes (bubblewrap, seccomp, python3), code
 * calls of one generation step started together as the gateway runs them. Results are cached by query and by program
 * as the gateway's result cache does (on by default there), so a repeated call costs what it costs there.
 *
 * <p>It is what makes {@code bench/loop-bench.sh}'s in-process step do the same work as the platform's step: with
 * {@code policy-offline}'s {@code InProcessTools} (an arithmetic evaluator in Java, no process) the in-process step
 * skips the programs' real cost, and the platform/in-process ratio measured tool execution, not transport.
 */
public final class LibraryTools implements ToolBackend {
  private final SearchEngine engine;
  private final Sandbox sandbox;
  private final Duration timeout;
  private final Map<String, List<Hit>> searches = new ConcurrentHashMap<>();
  private final Map<String, Execution> programs = new ConcurrentHashMap<>();

  /**
   * @param corpus   the world's {@code corpus.jsonl}
   * @param indexDir where the search index is built (or reused when current)
   * @param sandbox  the sandbox's limits and host paths (the gateway's defaults: {@link SandboxConfig#defaults()})
   * @throws IllegalStateException when this host cannot sandbox (the reason named)
   */
  public LibraryTools(Path corpus, Path indexDir, SandboxConfig sandbox) {
    this.sandbox = Sandbox.create(sandbox);
    if (!this.sandbox.available()) {
      throw new IllegalStateException("the code sandbox is unavailable here: " + this.sandbox.unavailableReason());
    }
    this.timeout = sandbox.defaultTimeout();
    this.engine = SearchEngine.open(corpus, indexDir);
  }

  /** Top-{@code topK} passages; a blank query finds nothing, as the platform's gateway client answers it (unsent). */
  @Override
  public List<Hit> search(String query, int topK) {
    if (query == null || query.isBlank()) {
      return List.of();
    }
    return searches.computeIfAbsent(topK + "\u0000" + query, k -> {
      List<SearchHit> hits = engine.search(query, topK, SearchRanking.WORLD);
      List<Hit> out = new ArrayList<>(hits.size());
      for (SearchHit h : hits) {
        out.add(new Hit(h.id(), h.title(), h.text(), h.score()));
      }
      return List.copyOf(out);
    });
  }

  @Override
  public Execution execute(String program) {
    return executeBatch(List.of(new CodeCall(program, null))).get(0).execution();
  }

  /** Starts every program not cached yet at once (the sandbox queues them on its slots), then waits for all. */
  @Override
  public List<CodeOutcome> executeBatch(List<CodeCall> calls) {
    long t0 = System.nanoTime();
    Map<String, Sandbox.Execution> started = new java.util.LinkedHashMap<>();
    for (CodeCall c : calls) {
      if (c.program().isBlank()) {
        continue; // answered below as the platform's gateway client answers it: no output, never run
      }
      if (!programs.containsKey(c.program()) && !started.containsKey(c.program())) {
        started.put(c.program(), sandbox.start(c.program(), timeout));
      }
    }
    started.forEach((program, run) -> programs.put(program, execution(run.await())));
    List<CodeOutcome> out = new ArrayList<>(calls.size());
    java.util.Set<String> ran = new java.util.HashSet<>();
    for (CodeCall c : calls) {
      if (c.program().isBlank()) {
        out.add(new CodeOutcome(new Execution("", "", 0, false), new CallInfo(CallStatus.NOT_EXECUTED, true, 0, false, 0,
            "an empty program is not run: no output")));
        continue;
      }
      Execution ex = programs.get(c.program());
      // the first caller of a program started in this batch ran it; a repeat joined it (the gateway's single flight)
      boolean hit = !(started.containsKey(c.program()) && ran.add(c.program()));
      out.add(new CodeOutcome(ex, new CallInfo(ToolBackend.statusOf(ex), true, (System.nanoTime() - t0) / 1e6, hit, 1, "")));
    }
    return out;
  }

  private static Execution execution(SandboxResult r) {
    if (r.status() == SandboxStatus.UNAVAILABLE) {
      throw new IllegalStateException("the sandbox could not run a program: " + r.detail());
    }
    return new Execution(r.stdout(), r.stderr(), r.exitCode(), r.status() == SandboxStatus.TIMEOUT);
  }

  @Override
  public String name() {
    return "library";
  }

  @Override
  public void close() {
    try {
      engine.close();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("closing the search index failed", e);
    }
  }
}
