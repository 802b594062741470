package ai.otc.policy.generation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.world.Entity;
import ai.otc.world.QuestionKind;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ProtocolEnvironmentTest {
  private final World world = WorldGenerator.generate(WorldConfig.tiny(1));
  private final WordTokenizer tk = WordTokenizer.forWorld();
  private final TaskFormat format = new TaskFormat(tk, new InProcessTools(world.corpus()), 1);

  private int[] stop(ProtocolEnvironment env, int row, String before, String turn) {
    int[] a = tk.encode(before);
    int[] b = tk.encode(turn);
    int[] all = IntStream.concat(IntStream.of(a), IntStream.of(b)).toArray();
    return env.onStop(row, all, all.length, a.length);
  }

  @Test
  void searchTurnsAreExecutedUpToMaxTurnsThenCountedOnly() {
    Entity e = world.entities().get(0);
    ProtocolEnvironment env = new ProtocolEnvironment(format, List.of(QuestionKind.Task.SEARCH), 2, 3);
    int[] obs = stop(env, 0, "<qa> what is the city of " + e.name() + " ?", "<search> " + e.name() + " </search>");
    assertThat(tk.decode(obs)).isEqualTo("<observation> " + world.corpus().get(0).text() + " </observation>");
    assertThat(stop(env, 0, "x", "<search> " + e.name() + " </search>")).isNotNull();
    assertThat(stop(env, 0, "x", "<search> " + e.name() + " </search>")).as("third search not executed").isNull();
    assertThat(env.toolCalls(0)).isEqualTo(3);
    assertThat(env.valid(0)).isFalse();
  }

  @Test
  void answerEndsTheRowAsValidAndInvalidTurnsAreFlagged() {
    ProtocolEnvironment env = new ProtocolEnvironment(format, List.of(QuestionKind.Task.SEARCH, QuestionKind.Task.SEARCH), 4, 3);
    assertThat(stop(env, 0, "<qa> q", "<think> x </think> <answer> lima </answer>")).isNull();
    assertThat(env.valid(0)).isTrue();
    assertThat(env.toolCalls(0)).isZero();
    assertThat(stop(env, 1, "<qa> q", "lima </answer>")).isNull();
    assertThat(env.valid(1)).isFalse();
  }

  @Test
  void codeTurnsRunTheLastPythonBlockAndBoxedEnds() {
    ProtocolEnvironment env = new ProtocolEnvironment(format, List.of(QuestionKind.Task.CODE), 4, 1);
    int[] out = stop(env, 0, "<math> what is 37 * 58 ?", "```python\nprint ( 37 * 58 )\n```\n```output");
    assertThat(tk.decode(out)).isEqualTo("\n2146\n```");
    assertThat(out[0]).isEqualTo(tk.id(WordTokenizer.NEWLINE));
    assertThat(stop(env, 0, "x", "```python\nprint ( 1 + 1 )\n```\n```output")).as("C = 1 reached").isNull();
    ProtocolEnvironment env2 = new ProtocolEnvironment(format, List.of(QuestionKind.Task.CODE), 4, 3);
    assertThat(stop(env2, 0, "<math> q", "\\boxed{ 2146 }")).isNull();
    assertThat(env2.valid(0)).isTrue();
    assertThat(env2.toolCalls(0)).isZero();
  }
}
