package ai.otc.policy.generation;

import ai.otc.core.protocol.CodeProtocol;
import ai.otc.core.protocol.ParsedTurn;
import ai.otc.core.protocol.SearchAction;
import ai.otc.core.protocol.SearchProtocol;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.tools.CallInfo;
import ai.otc.policy.tools.CallRef;
import ai.otc.policy.tools.CallRefs;
import ai.otc.policy.tools.CallStatus;
import ai.otc.policy.tools.CodeCall;
import ai.otc.policy.tools.CodeOutcome;
import ai.otc.policy.tools.SearchCall;
import ai.otc.policy.tools.SearchOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The tool-protocol environment for a batch of questions (OTC.md §3.2 and §3.4), driving multi-turn generation:
 *
 * <ul>
 *   <li>Search task: a turn ends at {@code </search>} or {@code </answer>}; the first action wins
 *       ({@link SearchProtocol#parseTurn}). An answer ends the row; a search is counted and executed while fewer than
 *       {@code maxTurns} searches ran, otherwise it is counted and the row ends (Search-R1's final, tool-less turn).
 *       An invalid turn ends the row and marks it protocol-invalid (the small model has no use for Search-R1's
 *       English retry message, whose words are not in its vocabulary).</li>
 *   <li>Code task: a turn ends at {@code ```output} (the last complete python block is executed while fewer than
 *       {@code maxCodeCalls} ran) or at the {@code \boxed{ }}'s closing brace (the answer).</li>
 * </ul>
 *
 * <p>All rows that stop at one generation step are handled together ({@link #onStops}): their searches go to the
 * backend as one {@link ai.otc.policy.tools.ToolBackend#searchBatch}, their programs as one
 * {@link ai.otc.policy.tools.ToolBackend#executeBatch}. Every turn and tool call is recorded per row
 * ({@link #turns}). A tool call that fails for good (the backend gave up: {@link CallInfo#delivered()} false) ends
 * its row with no observation: nothing is invented, the row has no answer, and its last turn carries the call's
 * status ({@link #toolFailure}). Such a call counts in m like any call the policy made.
 */
public final class ProtocolEnvironment implements TurnEnvironment {
  private final TaskFormat format;
  private final SearchProtocol searchProtocol;
  private final int maxCodeCalls;
  private final List<ToolProtocol> tasks;
  private final CallRefs refs;
  private final int[] calls;
  private final int[] executed;
  private final boolean[] invalid;
  private final boolean[] answered;
  private final boolean[] failed;
  private final List<List<TurnRecord>> turns;
  private final int tAnswerEnd;
  private final int tSearchEnd;
  private final int tOutput;
  private final int tBrace;
  private long toolNanos;
  private long toolCallsSent;

  /**
   * @param tasks        the tool protocol of every row
   * @param maxTurns     executed searches per row (Search-R1: 4)
   * @param maxCodeCalls executed programs per row (OTC: C = 3)
   */
  public ProtocolEnvironment(TaskFormat format, List<ToolProtocol> tasks, int maxTurns, int maxCodeCalls) {
    this(format, tasks, maxTurns, maxCodeCalls, CallRefs.NONE);
  }

  /**
   * @param refs names every tool call (trajectory id and call index, for idempotent call ids and metering)
   */
  public ProtocolEnvironment(TaskFormat format, List<ToolProtocol> tasks, int maxTurns, int maxCodeCalls,
      CallRefs refs) {
    this.format = format;
    this.tasks = List.copyOf(tasks);
    this.searchProtocol = new SearchProtocol(format.tokenizer().observationTag(), maxTurns);
    this.maxCodeCalls = maxCodeCalls;
    this.refs = refs;
    int n = tasks.size();
    calls = new int[n];
    executed = new int[n];
    invalid = new boolean[n];
    answered = new boolean[n];
    failed = new boolean[n];
    turns = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      turns.add(new ArrayList<>());
    }
    WordTokenizer tk = format.tokenizer();
    tAnswerEnd = tk.id(WordTokenizer.ANSWER_END);
    tSearchEnd = tk.id(WordTokenizer.SEARCH_END);
    tOutput = tk.id(WordTokenizer.OUTPUT);
    tBrace = tk.id(WordTokenizer.BRACE_END);
  }

  /** The stop tokens the generator must report to this environment. */
  public static Set<Integer> stopTokens(WordTokenizer tk) {
    return Set.of(tk.id(WordTokenizer.ANSWER_END), tk.id(WordTokenizer.SEARCH_END), tk.id(WordTokenizer.OUTPUT),
        tk.id(WordTokenizer.BRACE_END));
  }

  @Override
  public int[] onStop(int row, int[] tokens, int length, int turnStart) {
    return onStops(new int[] {row}, new int[][] {tokens}, new int[] {length}, new int[] {turnStart})[0];
  }

  /** What one stopped row needs: nothing more (its turn is recorded), a search, or a program. */
  private record Pending(int entry, int row, int start, int end, String text, TurnAction action, String argument,
      int callIndex, CallRef ref) {}

  @Override
  public int[][] onStops(int[] rows, int[][] tokens, int[] lengths, int[] turnStarts) {
    int[][] out = new int[rows.length][];
    List<Pending> searches = new ArrayList<>();
    List<Pending> programs = new ArrayList<>();
    for (int j = 0; j < rows.length; j++) {
      Pending p = parse(j, rows[j], tokens[j], lengths[j], turnStarts[j]);
      if (p != null) {
        (p.action() == TurnAction.SEARCH ? searches : programs).add(p);
      }
    }
    long t0 = System.nanoTime();
    List<SearchOutcome> found = searches.isEmpty() ? List.of() : format.tools().searchBatch(
        searches.stream().map(p -> new SearchCall(p.argument(), format.topK(), p.ref())).toList());
    List<CodeOutcome> ran = programs.isEmpty() ? List.of() : format.tools().executeBatch(
        programs.stream().map(p -> new CodeCall(p.argument(), p.ref())).toList());
    toolNanos += System.nanoTime() - t0;
    toolCallsSent += searches.size() + programs.size();
    check(found.size(), searches.size(), "searchBatch");
    check(ran.size(), programs.size(), "executeBatch");
    for (int k = 0; k < searches.size(); k++) {
      SearchOutcome o = found.get(k);
      out[searches.get(k).entry()] = finish(searches.get(k), o.info(),
          o.info().delivered() ? format.searchObservation(o.hits()) : null);
    }
    for (int k = 0; k < programs.size(); k++) {
      CodeOutcome o = ran.get(k);
      out[programs.get(k).entry()] = finish(programs.get(k), o.info(),
          o.info().delivered() ? format.codeObservation(o.execution()) : null);
    }
    return out;
  }

  private static void check(int got, int want, String what) {
    if (got != want) {
      throw new IllegalStateException("tool backend " + what + " answered " + got + " calls for " + want);
    }
  }

  /**
   * Parses one stopped row. Returns the tool call it needs, or null when the row's fate is decided here (answer,
   * invalid, unexecuted call: the row ends; its turn is recorded).
   */
  private Pending parse(int entry, int row, int[] tokens, int length, int turnStart) {
    WordTokenizer tk = format.tokenizer();
    String segment = tk.decode(tokens, turnStart, length);
    int stop = tokens[length - 1];
    if (tasks.get(row) == ToolProtocol.SEARCH) {
      if (stop != tAnswerEnd && stop != tSearchEnd) {
        return end(row, turnStart, length, segment, TurnAction.INVALID, true);
      }
      ParsedTurn turn = searchProtocol.parseTurn(segment);
      if (turn.action() == SearchAction.ANSWER) {
        answered[row] = true;
        return end(row, turnStart, length, segment, TurnAction.ANSWER, false);
      }
      if (turn.action() == SearchAction.INVALID) {
        return end(row, turnStart, length, segment, TurnAction.INVALID, true);
      }
      calls[row]++;
      if (executed[row] >= searchProtocol.maxTurns()) {
        notExecuted(row, turnStart, length, segment, TurnAction.SEARCH, ToolProtocol.SEARCH, turn.content());
        return null;
      }
      executed[row]++;
      return pending(entry, row, turnStart, length, segment, TurnAction.SEARCH, turn.content());
    }
    if (stop == tOutput) {
      Optional<String> program = CodeProtocol.lastPythonBlock(segment);
      if (program.isEmpty()) {
        return end(row, turnStart, length, segment, TurnAction.INVALID, true);
      }
      if (executed[row] >= maxCodeCalls) {
        notExecuted(row, turnStart, length, segment, TurnAction.CODE, ToolProtocol.CODE, program.get());
        return null;
      }
      executed[row]++;
      calls[row]++;
      return pending(entry, row, turnStart, length, segment, TurnAction.CODE, program.get());
    }
    if (stop == tBrace && CodeProtocol.lastBoxed(segment).isPresent()) {
      answered[row] = true;
      return end(row, turnStart, length, segment, TurnAction.ANSWER, false);
    }
    return end(row, turnStart, length, segment, TurnAction.INVALID, true);
  }

  private Pending end(int row, int start, int end, String text, TurnAction action, boolean isInvalid) {
    if (isInvalid) {
      invalid[row] = true;
    }
    List<TurnRecord> t = turns.get(row);
    t.add(new TurnRecord(t.size(), start, end, text, action, null, 0));
    return null;
  }

  private void notExecuted(int row, int start, int end, String text, TurnAction action, ToolProtocol tool,
      String argument) {
    List<TurnRecord> t = turns.get(row);
    int callIndex = nextCallIndex(row);
    CallRef ref = refs.of(row, callIndex);
    ToolCallRecord call = new ToolCallRecord(tool, argument, CallStatus.NOT_EXECUTED, 0, false,
        ref == null ? "" : ref.callId(), "", 0, "");
    t.add(new TurnRecord(t.size(), start, end, text, action, call, 0));
  }

  private Pending pending(int entry, int row, int start, int end, String text, TurnAction action, String argument) {
    int callIndex = nextCallIndex(row);
    return new Pending(entry, row, start, end, text, action, argument, callIndex, refs.of(row, callIndex));
  }

  /** Calls recorded so far in the row's turns (executed or not): the next call's index. */
  private int nextCallIndex(int row) {
    int n = 0;
    for (TurnRecord r : turns.get(row)) {
      if (r.toolCall() != null) {
        n++;
      }
    }
    return n;
  }

  /** Records the turn of a sent call and returns the tokens to insert, or null (the call failed: the row ends). */
  private int[] finish(Pending p, CallInfo info, String observation) {
    ToolProtocol tool = p.action() == TurnAction.SEARCH ? ToolProtocol.SEARCH : ToolProtocol.CODE;
    int[] inserted = observation == null ? null : format.tokenizer().encode(observation);
    if (observation == null) {
      failed[p.row()] = true;
    }
    ToolCallRecord call = new ToolCallRecord(tool, p.argument(), info.status(), info.latencyMs(), info.cacheHit(),
        p.ref() == null ? "" : p.ref().callId(), observation == null ? "" : observation.strip(), info.attempts(),
        info.detail());
    List<TurnRecord> t = turns.get(p.row());
    t.add(new TurnRecord(t.size(), p.start(), p.end(), p.text(), p.action(), call,
        inserted == null ? 0 : inserted.length));
    return inserted;
  }

  /** Tool calls m of a row: searches parsed (executed or not), or programs sent. */
  public int toolCalls(int row) {
    return calls[row];
  }

  /** True when the row ended with an answer and had no invalid turn. */
  public boolean valid(int row) {
    return answered[row] && !invalid[row];
  }

  /** True when the row ended because a tool call failed for good (its last turn's call has the status). */
  public boolean toolFailure(int row) {
    return failed[row];
  }

  /** The row's turns so far, in order (a copy). */
  public List<TurnRecord> turns(int row) {
    return List.copyOf(turns.get(row));
  }

  /** Wall time spent waiting for the tool backend, over all steps, in nanoseconds. */
  public long toolNanos() {
    return toolNanos;
  }

  /** Tool calls sent to the backend (executed calls; unexecuted ones are not sent). */
  public long toolCallsSent() {
    return toolCallsSent;
  }

  /** The search protocol (tag name, max turns) this environment applies. */
  public SearchProtocol searchProtocol() {
    return searchProtocol;
  }
}
