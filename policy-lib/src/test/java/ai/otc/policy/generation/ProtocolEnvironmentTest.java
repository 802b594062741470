package ai.otc.policy.generation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.tokenizer.TestVocabulary;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.tools.ToolBackend;
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

  @Test
  void promptsStartWithTheProtocolsTaskToken() {
    assertThat(format.prompt(ToolProtocol.SEARCH, "who is the friend of te po ?")).isEqualTo("<qa> who is the friend of te po ?");
    assertThat(format.prompt(ToolProtocol.CODE, "what is 3 + 4 ?")).isEqualTo("<math> what is 3 + 4 ?");
  }
}
