package ai.otc.policy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.tools.InProcessTools;
import ai.otc.policy.world.Question;
import ai.otc.policy.world.QuestionKind;
import ai.otc.policy.world.World;
import ai.otc.policy.world.WorldConfig;
import ai.otc.policy.world.WorldGenerator;
import org.junit.jupiter.api.Test;

class DemonstrationsTest {
  private final World world = WorldGenerator.generate(WorldConfig.defaults());
  private final WordTokenizer tk = WordTokenizer.forWorld();
  private final TaskFormat format = new TaskFormat(tk, new InProcessTools(world.corpus()), 1);
  private final Demonstrations demos = new Demonstrations(world, format);

  /** Independent re-derivation of the mask: untrained = prompt + observation blocks + code output. */
  private boolean[] expectedUntrained(int[] t, int promptLen) {
    boolean[] u = new boolean[t.length];
    boolean inObs = false;
    boolean inOut = false;
    for (int j = 0; j < t.length; j++) {
      String s = tk.token(t[j]);
      if (j < promptLen) {
        u[j] = true;
        continue;
      }
      if (s.equals(tk.observationOpen())) {
        inObs = true;
      }
      if (inObs) {
        u[j] = true;
        if (s.equals(tk.observationClose())) {
          inObs = false;
        }
        continue;
      }
      if (inOut) {
        u[j] = true;
        if (s.equals(WordTokenizer.FENCE)) {
          inOut = false;
        }
        continue;
      }
      if (s.equals(WordTokenizer.OUTPUT)) {
        inOut = true; // the model writes ```output; what follows up to the closing fence is tool output
      }
    }
    return u;
  }

  @Test
  void masksCoverExactlyPromptAndToolOutputTokens() {
    int checked = 0;
    for (Question q : world.questions()) {
      for (boolean minimal : new boolean[] {true, false}) {
        Example ex = demos.demo(q, minimal);
        int promptLen = tk.encode(format.prompt(q)).length;
        boolean[] u = expectedUntrained(ex.tokens(), promptLen);
        for (int j = 0; j < ex.length(); j++) {
          assertThat(ex.lossMask()[j]).as("%s %s pos %d (%s)", q.id(), ex.tag(), j, tk.token(ex.tokens()[j]))
              .isEqualTo(u[j] ? 0f : 1f);
        }
        checked++;
      }
    }
    assertThat(checked).isEqualTo(2 * world.questions().size());
  }

  @Test
  void demonstrationsUseTheExpectedNumberOfCalls() {
    for (Question q : world.questions()) {
      String min = tk.decode(demos.demo(q, true).tokens());
      String over = tk.decode(demos.demo(q, false).tokens());
      int calls = count(min, "</search>") + count(min, "```output");
      assertThat(calls).as("minimal demo of %s: %s", q.kind(), min).isEqualTo(q.minCalls());
      int overCalls = count(over, "</search>") + count(over, "```output");
      int expected = switch (q.kind()) {
        case H2_0, H2_1, H2_2 -> 2;
        default -> 1;
      };
      assertThat(overCalls).as("over-use demo: %s", over).isEqualTo(expected);
      if (q.kind() == QuestionKind.H2_0) {
        assertThat(min).contains("<think> the friend of " + q.subject() + " is " + q.via() + " . the " + q.relation()
            + " of " + q.via() + " is " + q.answer() + " </think> <answer> " + q.answer() + " </answer>");
      }
    }
  }

  private static int count(String s, String sub) {
    int n = 0;
    for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void factSequencesTrainEverythingAfterTheOpeningTag() {
    Example f = demos.fact(world.famous().get(0), "city");
    assertThat(f.lossMask()[0]).isZero();
    for (int j = 1; j < f.length(); j++) {
      assertThat(f.lossMask()[j]).isEqualTo(1f);
    }
    assertThat(tk.decode(f.tokens())).startsWith("<think> the city of ").endsWith(" </think>");
  }
}
