package ai.otc.policy.generation;

import ai.otc.core.protocol.CodeProtocol;
import ai.otc.core.protocol.ParsedTurn;
import ai.otc.core.protocol.SearchAction;
import ai.otc.core.protocol.SearchProtocol;
import ai.otc.policy.tokenizer.WordTokenizer;
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
 */
public final class ProtocolEnvironment implements TurnEnvironment {
  private final TaskFormat format;
  private final SearchProtocol searchProtocol;
  private final int maxCodeCalls;
  private final List<ToolProtocol> tasks;
  private final int[] calls;
  private final int[] executed;
  private final boolean[] invalid;
  private final boolean[] answered;
  private final int tAnswerEnd;
  private final int tSearchEnd;
  private final int tOutput;
  private final int tBrace;

  /**
   * @param tasks        the tool protocol of every row
   * @param maxTurns     executed searches per row (Search-R1: 4)
   * @param maxCodeCalls executed programs per row (OTC: C = 3)
   */
  public ProtocolEnvironment(TaskFormat format, List<ToolProtocol> tasks, int maxTurns, int maxCodeCalls) {
    this.format = format;
    this.tasks = List.copyOf(tasks);
    this.searchProtocol = new SearchProtocol(format.tokenizer().observationTag(), maxTurns);
    this.maxCodeCalls = maxCodeCalls;
    int n = tasks.size();
    calls = new int[n];
    executed = new int[n];
    invalid = new boolean[n];
    answered = new boolean[n];
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
    WordTokenizer tk = format.tokenizer();
    String segment = tk.decode(tokens, turnStart, length);
    int stop = tokens[length - 1];
    if (tasks.get(row) == ToolProtocol.SEARCH) {
      if (stop != tAnswerEnd && stop != tSearchEnd) {
        invalid[row] = true;
        return null;
      }
      ParsedTurn turn = searchProtocol.parseTurn(segment);
      if (turn.action() == SearchAction.ANSWER) {
        answered[row] = true;
        return null;
      }
      if (turn.action() == SearchAction.INVALID) {
        invalid[row] = true;
        return null;
      }
      calls[row]++;
      if (executed[row] >= searchProtocol.maxTurns()) {
        return null;
      }
      executed[row]++;
      return tk.encode(format.searchObservation(turn.content()));
    }
    if (stop == tOutput) {
      Optional<String> program = CodeProtocol.lastPythonBlock(segment);
      if (program.isEmpty()) {
        invalid[row] = true;
        return null;
      }
      if (executed[row] >= maxCodeCalls) {
        return null;
      }
      executed[row]++;
      calls[row]++;
      return tk.encode(format.codeObservation(program.get()));
    }
    if (stop == tBrace && CodeProtocol.lastBoxed(segment).isPresent()) {
      answered[row] = true;
      return null;
    }
    invalid[row] = true;
    return null;
  }

  /** Tool calls m of a row: searches parsed (executed or not), or executed programs. */
  public int toolCalls(int row) {
    return calls[row];
  }

  /** True when the row ended with an answer and had no invalid turn. */
  public boolean valid(int row) {
    return answered[row] && !invalid[row];
  }

  /** The search protocol (tag name, max turns) this environment applies. */
  public SearchProtocol searchProtocol() {
    return searchProtocol;
  }
}
