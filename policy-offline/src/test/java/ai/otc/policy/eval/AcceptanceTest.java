package ai.otc.policy.eval;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.assertj.core.data.Offset;

class AcceptanceTest {
  private static int ids;

  private static QuestionOutcome outcome(QuestionKind kind, boolean correct, int calls) {
    return outcome(kind, correct, calls, "city");
  }

  private static QuestionOutcome outcome(QuestionKind kind, boolean correct, int calls, String relation) {
    Question q = new Question("q" + ids++, "?", List.of("x"), "world", kind, 0, "test", "a", relation, null);
    return new QuestionOutcome(q, "", "x", correct, calls, true);
  }

  private static List<QuestionOutcome> many(int n, QuestionKind kind, boolean correct, int calls) {
    List<QuestionOutcome> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(outcome(kind, correct, calls));
    }
    return out;
  }

  @SafeVarargs
  private static EvalReport report(List<QuestionOutcome>... parts) {
    List<QuestionOutcome> all = new ArrayList<>();
    for (List<QuestionOutcome> p : parts) {
      all.addAll(p);
    }
    return new EvalReport("r", all);
  }

  private static Map<String, Acceptance.Check> byName(Acceptance.Result r) {
    return r.checks().stream().collect(Collectors.toMap(Acceptance.Check::name, Function.identity()));
  }

  @Test
  void theKnowledgeDependentDecisionIsTheRatioOfDirectAnswersOn1pTo1n() {
    EvalReport greedy = report(many(19, QuestionKind.HARD, true, 1), many(1, QuestionKind.HARD, false, 1));
    EvalReport forced = report(many(10, QuestionKind.P1, true, 0));
    // 1p: 3 of 10 samples direct (2 right); 2h0: 1 of 10; 1n: 1 of 10 direct
    EvalReport sampled = report(many(3, QuestionKind.P1, true, 0).subList(0, 2), many(1, QuestionKind.P1, false, 0),
        many(7, QuestionKind.P1, true, 1), many(1, QuestionKind.H2_0, true, 0), many(9, QuestionKind.H2_0, true, 2),
        many(1, QuestionKind.N1, false, 0), many(9, QuestionKind.N1, true, 1));
    Acceptance.Result r = Acceptance.judge(greedy, forced, sampled, true);
    Map<String, Acceptance.Check> c = byName(r);
    assertThat(c.get("greedy EM, hard arithmetic").value()).isEqualTo(0.95);
    assertThat(c.get("greedy EM, hard arithmetic").met()).isTrue();
    assertThat(c.get("t=1 direct-answer rate, 1p / 1n").value()).isCloseTo(3.0, Offset.offset(1e-12));
    assertThat(c.get("t=1 direct-answer rate, 1p / 1n").n()).isEqualTo(10);
    // the old check keeps its population: 1p + 2h0 only (4 of 20), not 1n
    assertThat(c.get("t=1 direct-answer rate, 1p+2h0").value()).isCloseTo(0.2, Offset.offset(1e-12));
    assertThat(r.extra().get("t=1 EM of direct answers, 1p+2h0")).isCloseTo(0.75, Offset.offset(1e-12));
    assertThat(r.extra().get("t=1 direct-answer rate, 1n")).isCloseTo(0.1, Offset.offset(1e-12));
  }

  @Test
  void aDecisionThatIgnoresKnowledgeFailsAndNo1nGuessesIsUnboundedlyGood() {
    EvalReport greedy = report(many(5, QuestionKind.P1, true, 1));
    EvalReport forced = report(many(5, QuestionKind.P1, true, 0));
    EvalReport same = report(many(1, QuestionKind.P1, true, 0), many(9, QuestionKind.P1, true, 1),
        many(1, QuestionKind.N1, false, 0), many(9, QuestionKind.N1, true, 1));
    assertThat(byName(Acceptance.judge(greedy, forced, same, false)).get("t=1 direct-answer rate, 1p / 1n").met()).isFalse();
    EvalReport never1n = report(many(1, QuestionKind.P1, true, 0), many(9, QuestionKind.P1, true, 1),
        many(10, QuestionKind.N1, true, 1));
    Map<String, Acceptance.Check> c = byName(Acceptance.judge(greedy, forced, never1n, false));
    assertThat(c.get("t=1 direct-answer rate, 1p / 1n").met()).isTrue();
    assertThat(c).as("no hard questions in the world: no hard check").doesNotContainKey("greedy EM, hard arithmetic");
  }

  @Test
  void zeroCallAnswersOnTwoHopQuestionsAreReportedFor2h0AndAsGuessesFor2h1() {
    EvalReport greedy = report(many(5, QuestionKind.P1, true, 1));
    EvalReport forced = report(many(5, QuestionKind.P1, true, 0));
    // 2h0: 1 of 4 samples with no call; 2h1 (own samples): 3 of 10 with no call
    EvalReport sampled = report(many(1, QuestionKind.H2_0, true, 0), many(3, QuestionKind.H2_0, true, 2),
        many(2, QuestionKind.P1, true, 1));
    EvalReport guesses = report(many(3, QuestionKind.H2_1, false, 0), many(7, QuestionKind.H2_1, true, 1));
    Acceptance.Result r = Acceptance.judge(greedy, forced, sampled, guesses, false);
    assertThat(r.extra().get("t=1 zero-call rate, 2h0")).isCloseTo(0.25, Offset.offset(1e-12));
    assertThat(r.extra().get("t=1 zero-call rate, 2h1 (always a guess)")).isCloseTo(0.3, Offset.offset(1e-12));
    assertThat(Acceptance.judge(greedy, forced, sampled, false).extra()).as("no 2h1 samples: no line")
        .doesNotContainKey("t=1 zero-call rate, 2h1 (always a guess)");
  }

  @Test
  void hardArithmeticBelowTheTargetFails() {
    EvalReport greedy = report(many(9, QuestionKind.HARD, true, 1), many(1, QuestionKind.HARD, false, 1));
    Acceptance.Result r = Acceptance.judge(greedy, report(many(1, QuestionKind.P1, true, 0)),
        report(many(1, QuestionKind.P1, true, 0)), true);
    assertThat(byName(r).get("greedy EM, hard arithmetic").met()).isFalse();
    assertThat(r.allMet()).isFalse();
  }

  @Test
  void theCopyFromAnObservationIsReportedPerRelationOverSearched1nAnswers() {
    List<QuestionOutcome> g = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      g.add(outcome(QuestionKind.N1, true, 1, "year"));
      g.add(outcome(QuestionKind.N1, i < 2, 1, "color"));
    }
    g.add(outcome(QuestionKind.N1, false, 0, "color")); // answered without a search: not a copy, left out
    g.add(outcome(QuestionKind.P1, false, 1, "job")); // not 1n
    Acceptance.Result r = Acceptance.judge(new EvalReport("g", g), report(many(1, QuestionKind.P1, true, 0)),
        report(many(1, QuestionKind.P1, true, 0)), false);
    assertThat(r.extra().get("greedy EM after a search, 1n, year")).isEqualTo(1.0);
    assertThat(r.extra().get("greedy EM after a search, 1n, color")).isEqualTo(0.5);
    assertThat(r.extra()).doesNotContainKey("greedy EM after a search, 1n, job");
  }
}
