package ai.otc.policy.generation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.tokenizer.TestVocabulary;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.tools.CallInfo;
import ai.otc.policy.tools.CallRef;
import ai.otc.policy.tools.CallStatus;
import ai.otc.policy.tools.CodeCall;
import ai.otc.policy.tools.CodeOutcome;
import ai.otc.policy.tools.SearchCall;
import ai.otc.policy.tools.SearchOutcome;
import ai.otc.policy.tools.ToolBackend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ProtocolEnvironmentTest {
  private static final String PASSAGE = "te po city quito year 1873 friend ka mi";

  /** Tools with fixed answers: one passage found by its title, one program's output. */
  private static final class FixedTools implements ToolBackend {
    @Override
    public List<Hit> search(String query, int topK) {
      return query.equals("te po") ? List.of(new Hit("0", "te po", PASSAGE, 1.0)) : List.of();
    }

    @Override
    public Execution execute(String program) {
      Map<String, String> out = Map.of("print ( 37 * 58 )", "2146\n", "print ( 1 + 1 )", "2\n");
      String stdout = out.get(program.strip());
      return stdout != null ? new Execution(stdout, "", 0, false) : new Execution("", "SyntaxError", 1, false);
    }

    @Override
    public String name() {
      return "fixed";
    }
  }

  private final WordTokenizer tk = TestVocabulary.tokenizer();
  private final TaskFormat format = new TaskFormat(tk, new FixedTools(), 1);

  private int[] stop(ProtocolEnvironment env, int row, String before, String turn) {
    int[] a = tk.encode(before);
    int[] b = tk.encode(turn);
    int[] all = IntStream.concat(IntStream.of(a), IntStream.of(b)).toArray();
    return env.onStop(row, all, all.length, a.length);
  }

  @Test
  void searchTurnsAreExecutedUpToMaxTurnsThenCountedOnly() {
    ProtocolEnvironment env = new ProtocolEnvironment(format, List.of(ToolProtocol.SEARCH), 2, 3);
    int[] obs = stop(env, 0, "<qa> what is the city of te po ?", "<search> te po </search>");
    assertThat(tk.decode(obs)).isEqualTo("<observation> " + PASSAGE + " </observation>");
    assertThat(stop(env, 0, "x", "<search> te po </search>")).isNotNull();
    assertThat(stop(env, 0, "x", "<search> te po </search>")).as("third search not executed").isNull();
    assertThat(env.toolCalls(0)).isEqualTo(3);
    assertThat(env.valid(0)).isFalse();
  }

  @Test
  void answerEndsTheRowAsValidAndInvalidTurnsAreFlagged() {
    ProtocolEnvironment env = new ProtocolEnvironment(format, List.of(ToolProtocol.SEARCH, ToolProtocol.SEARCH), 4, 3);
    assertThat(stop(env, 0, "<qa> q", "<think> x </think> <answer> lima </answer>")).isNull();
    assertThat(env.valid(0)).isTrue();
    assertThat(env.toolCalls(0)).isZero();
    assertThat(stop(env, 1, "<qa> q", "lima </answer>")).isNull();
    assertThat(env.valid(1)).isFalse();
  }

  @Test
  void codeTurnsRunTheLastPythonBlockAndBoxedEnds() {
    ProtocolEnvironment env = new ProtocolEnvironment(format, List.of(ToolProtocol.CODE), 4, 1);
    int[] out = stop(env, 0, "<math> what is 37 * 58 ?", "```python\nprint ( 37 * 58 )\n```\n```output");
    assertThat(tk.decode(out)).isEqualTo("\n2146\n```");
    assertThat(out[0]).isEqualTo(tk.id(WordTokenizer.NEWLINE));
    assertThat(stop(env, 0, "x", "```python\nprint ( 1 + 1 )\n```\n```output")).as("C = 1 reached").isNull();
    ProtocolEnvironment env2 = new ProtocolEnvironment(format, List.of(ToolProtocol.CODE), 4, 3);
    assertThat(stop(env2, 0, "<math> q", "\\boxed{ 2146 }")).isNull();
    assertThat(env2.valid(0)).isTrue();
    assertThat(env2.toolCalls(0)).isZero();
  }

  /** Fixed tools that record every batch and fail the searches for "ka mi" for good. */
  private static final class BatchRecording implements ToolBackend {
    final FixedTools inner = new FixedTools();
    final List<List<SearchCall>> searches = new ArrayList<>();
    final List<List<CodeCall>> programs = new ArrayList<>();

    @Override
    public List<Hit> search(String query, int topK) {
      return inner.search(query, topK);
    }

    @Override
    public Execution execute(String program) {
      return inner.execute(program);
    }

    @Override
    public List<SearchOutcome> searchBatch(List<SearchCall> calls) {
      searches.add(calls);
      List<SearchOutcome> out = new ArrayList<>();
      for (SearchCall c : calls) {
        out.add(c.query().equals("ka mi")
            ? new SearchOutcome(List.of(), CallInfo.failed(CallStatus.UNAVAILABLE, 7.0, 5, "UNAVAILABLE after 5"))
            : new SearchOutcome(search(c.query(), c.topK()), new CallInfo(CallStatus.OK, true, 1.5, true, 1, "")));
      }
      return out;
    }

    @Override
    public List<CodeOutcome> executeBatch(List<CodeCall> calls) {
      programs.add(calls);
      return ToolBackend.super.executeBatch(calls);
    }

    @Override
    public String name() {
      return "batch-recording";
    }
  }

  @Test
  void rowsStoppingTogetherSendTheirCallsAsOneBatchAndEveryCallIsRecorded() {
    BatchRecording tools = new BatchRecording();
    TaskFormat f = new TaskFormat(tk, tools, 1);
    List<ToolProtocol> tasks = List.of(ToolProtocol.SEARCH, ToolProtocol.SEARCH, ToolProtocol.CODE, ToolProtocol.SEARCH,
        ToolProtocol.CODE);
    ProtocolEnvironment env = new ProtocolEnvironment(f, tasks, 4, 3,
        (row, call) -> new CallRef("run", 7, "traj-" + row, call));
    String[] before = {"<qa> q", "<qa> q", "<math> q", "<qa> q", "<math> q"};
    String[] turns = {"<search> te po </search>", "<search> ka mi </search>",
        "```python\nprint ( 37 * 58 )\n```\n```output", "<answer> lima </answer>",
        "```python\nprint ( 1 + 1 )\n```\n```output"};
    int[][] toks = new int[5][];
    int[] lens = new int[5];
    int[] starts = new int[5];
    for (int r = 0; r < 5; r++) {
      int[] a = tk.encode(before[r]);
      int[] b = tk.encode(turns[r]);
      toks[r] = IntStream.concat(IntStream.of(a), IntStream.of(b)).toArray();
      lens[r] = toks[r].length;
      starts[r] = a.length;
    }
    int[][] out = env.onStops(new int[] {0, 1, 2, 3, 4}, toks, lens, starts);
    assertThat(tools.searches).as("one search batch for the step").hasSize(1);
    assertThat(tools.searches.get(0)).extracting(SearchCall::query).containsExactly("te po", "ka mi");
    assertThat(tools.searches.get(0)).extracting(c -> c.ref().callId()).containsExactly("traj-0:0", "traj-1:0");
    assertThat(tools.programs).hasSize(1);
    assertThat(tools.programs.get(0)).extracting(c -> c.ref().callId()).containsExactly("traj-2:0", "traj-4:0");
    assertThat(tk.decode(out[0])).isEqualTo("<observation> " + PASSAGE + " </observation>");
    assertThat(out[1]).as("failed for good: the row ends").isNull();
    assertThat(tk.decode(out[2])).isEqualTo("\n2146\n```");
    assertThat(out[3]).isNull();
    assertThat(tk.decode(out[4])).isEqualTo("\n2\n```");
    // records
    ToolCallRecord ok = env.turns(0).get(0).toolCall();
    assertThat(env.turns(0).get(0).action()).isEqualTo(TurnAction.SEARCH);
    assertThat(env.turns(0).get(0).text()).isEqualTo("<search> te po </search>");
    assertThat(env.turns(0).get(0).inserted()).isEqualTo(out[0].length);
    assertThat(ok).isEqualTo(new ToolCallRecord(ToolProtocol.SEARCH, "te po", CallStatus.OK, 1.5, true, "traj-0:0",
        "<observation> " + PASSAGE + " </observation>", 1, ""));
    ToolCallRecord failed = env.turns(1).get(0).toolCall();
    assertThat(failed.status()).isEqualTo(CallStatus.UNAVAILABLE);
    assertThat(failed.observation()).isEmpty();
    assertThat(failed.attempts()).isEqualTo(5);
    assertThat(env.toolFailure(1)).isTrue();
    assertThat(env.toolCalls(1)).as("the failed search counts in m").isEqualTo(1);
    assertThat(env.valid(1)).isFalse();
    assertThat(env.turns(2).get(0).toolCall().observation()).isEqualTo("2146\n```");
    assertThat(env.turns(3).get(0).action()).isEqualTo(TurnAction.ANSWER);
    assertThat(env.turns(3).get(0).toolCall()).isNull();
    assertThat(env.toolCallsSent()).isEqualTo(4);
    // a fifth search is counted, recorded NOT_EXECUTED with its call id, and not sent
    ProtocolEnvironment one = new ProtocolEnvironment(f, List.of(ToolProtocol.SEARCH), 1, 3,
        (row, call) -> new CallRef("run", 7, "t", call));
    assertThat(stop(one, 0, "<qa> q", "<search> te po </search>")).isNotNull();
    assertThat(stop(one, 0, "x", "<search> te po </search>")).isNull();
    assertThat(one.turns(0)).extracting(r -> r.toolCall().status()).containsExactly(CallStatus.OK,
        CallStatus.NOT_EXECUTED);
    assertThat(one.turns(0).get(1).toolCall().callId()).isEqualTo("t:1");
    assertThat(one.toolCalls(0)).isEqualTo(2);
  }

  @Test
  void promptsStartWithTheProtocolsTaskToken() {
    assertThat(format.prompt(ToolProtocol.SEARCH, "who is the friend of te po ?")).isEqualTo("<qa> who is the friend of te po ?");
    assertThat(format.prompt(ToolProtocol.CODE, "what is 3 + 4 ?")).isEqualTo("<math> what is 3 + 4 ?");
  }
}
