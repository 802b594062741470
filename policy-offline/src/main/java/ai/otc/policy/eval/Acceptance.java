package ai.otc.policy.eval;

import ai.otc.policy.generation.SamplingConfig;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The warm start's acceptance measurements (issue 6), each with its target:
 *
 * <ol>
 *   <li>protocol-valid greedy outputs on the split ≥ 99 %;</li>
 *   <li>forced-recall EM on 1p questions (answer from parametric knowledge; search forbidden) ≥ 0.95;</li>
 *   <li>greedy EM on single-hop questions (1p + 1n), where the policy searches, ≥ 0.95;</li>
 *   <li>forced-recall EM on held-out 2h0 questions (two recalls composed in {@code <think>}) ≥ 0.9;</li>
 *   <li>greedy search rate on directly answerable search questions (1p, 2h0) ≥ 80 %;</li>
 *   <li>share of temperature-1 samples that answer those directly (0 calls) ≥ 5 %;</li>
 *   <li>(issue 11) greedy EM on hard arithmetic ≥ 0.95, where the world has such questions: RL on code questions
 *       needs the copy of a program's output;</li>
 *   <li>(issue 11) the first decision depends on what the model knows: the temperature-1 direct-answer rate on 1p is at
 *       least twice the rate on 1n (where a direct answer can only be a guess), so that RL can raise the one without
 *       the other.</li>
 * </ol>
 */
public final class Acceptance {
  /** One measured number against its target. */
  public record Check(String name, double value, double target, int n) {
    public boolean met() {
      return value >= target;
    }
  }

  private Acceptance() {}

  /**
   * Runs the four evaluations on {@code questions} (normally the test split) and returns the checks plus the greedy
   * report.
   *
   * @param samples temperature-1 samples per directly answerable question
   */
  public static Result measure(Evaluator ev, List<Question> questions, int samples, long seed) {
    EvalReport greedy = new EvalReport("greedy", ev.run(questions, SamplingConfig.greedy(), false));
    // sampled: where a direct answer is right (1p, 2h0) and where it can only be a guess (1n)
    List<Question> sampledSet = filter(questions, q -> q.kind() == QuestionKind.P1 || q.kind() == QuestionKind.H2_0
        || q.kind() == QuestionKind.N1);
    List<Question> recallSet = filter(questions, q -> q.kind().directlyAnswerable());
    EvalReport forced = new EvalReport("forced-recall", ev.run(recallSet, SamplingConfig.greedy(), true));
    EvalReport sampled = new EvalReport("t=1", ev.run(repeat(sampledSet, samples), SamplingConfig.sample(1f, 1f, seed), false));
    // 2h1 on its own stream (the samples above keep theirs): a zero-call answer there is always a guess, the second
    // decision's failure (recalling the friend's attribute when the friend is not known)
    List<Question> guessSet = repeat(filter(questions, q -> q.kind() == QuestionKind.H2_1), samples);
    EvalReport guesses = guessSet.isEmpty() ? null
        : new EvalReport("t=1 2h1", ev.run(guessSet, SamplingConfig.sample(1f, 1f, seed + 1), false));
    return judge(greedy, forced, sampled, guesses, questions.stream().anyMatch(q -> q.kind() == QuestionKind.HARD));
  }

  /**
   * The checks and the extra numbers from the three evaluations: greedy on the split, forced recall on the directly
   * answerable questions, temperature-1 samples on 1p, 2h0 and 1n.
   */
  static Result judge(EvalReport greedy, EvalReport forced, EvalReport sampled, boolean hasHard) {
    return judge(greedy, forced, sampled, null, hasHard);
  }

  /** {@link #judge(EvalReport, EvalReport, EvalReport, boolean)} with temperature-1 samples of 2h1 (or null). */
  static Result judge(EvalReport greedy, EvalReport forced, EvalReport sampled, EvalReport guesses, boolean hasHard) {
    List<Check> checks = new ArrayList<>();
    checks.add(new Check("protocol-valid (greedy, all kinds)", greedy.validShare(), 0.99, greedy.outcomes().size()));
    checks.add(share("forced-recall EM, 1p", forced.outcomes(), o -> o.question().kind() == QuestionKind.P1, QuestionOutcome::correct, 0.95));
    checks.add(share("greedy EM, single-hop (1p+1n)", greedy.outcomes(),
        o -> o.question().kind() == QuestionKind.P1 || o.question().kind() == QuestionKind.N1, QuestionOutcome::correct, 0.95));
    checks.add(share("forced-recall EM, held-out 2h0", forced.outcomes(), o -> o.question().kind() == QuestionKind.H2_0,
        QuestionOutcome::correct, 0.9));
    checks.add(share("greedy search rate, 1p+2h0", greedy.outcomes(),
        o -> o.question().kind() == QuestionKind.P1 || o.question().kind() == QuestionKind.H2_0, o -> o.toolCalls() > 0, 0.8));
    Predicate<QuestionOutcome> known = o -> o.question().kind() == QuestionKind.P1 || o.question().kind() == QuestionKind.H2_0;
    checks.add(share("t=1 direct-answer rate, 1p+2h0", sampled.outcomes(), known, o -> o.toolCalls() == 0, 0.05));
    if (hasHard) {
      checks.add(share("greedy EM, hard arithmetic", greedy.outcomes(), o -> o.question().kind() == QuestionKind.HARD,
          QuestionOutcome::correct, 0.95));
    }
    double direct1p = shareValue(sampled.outcomes(), o -> o.question().kind() == QuestionKind.P1, o -> o.toolCalls() == 0);
    double direct1n = shareValue(sampled.outcomes(), o -> o.question().kind() == QuestionKind.N1, o -> o.toolCalls() == 0);
    int n1n = (int) sampled.outcomes().stream().filter(o -> o.question().kind() == QuestionKind.N1).count();
    if (n1n > 0) {
      // the ratio of the two rates; a policy that never answers 1n directly has an unbounded ratio (capped for printing)
      double ratio = direct1n > 0 ? direct1p / direct1n : direct1p > 0 ? 99 : 0;
      checks.add(new Check("t=1 direct-answer rate, 1p / 1n", ratio, 2.0, n1n));
    }
    Map<String, Double> extra = new LinkedHashMap<>();
    extra.put("forced-recall EM, easy arithmetic", shareValue(forced.outcomes(), o -> o.question().kind() == QuestionKind.EASY, QuestionOutcome::correct));
    extra.put("t=1 direct-answer rate, 1p", direct1p);
    extra.put("t=1 direct-answer rate, 1n", direct1n);
    extra.put("t=1 EM of direct answers, 1p+2h0", shareValue(sampled.outcomes(), known.and(o -> o.toolCalls() == 0), QuestionOutcome::correct));
    extra.put("t=1 zero-call rate, 2h0", shareValue(sampled.outcomes(), o -> o.question().kind() == QuestionKind.H2_0, o -> o.toolCalls() == 0));
    if (guesses != null) {
      extra.put("t=1 zero-call rate, 2h1 (always a guess)", shareValue(guesses.outcomes(), o -> true, o -> o.toolCalls() == 0));
    }
    // The copy from an observation, per relation: greedy 1n answers after a search. Each relation's copy forms on its
    // own during the warm start (issue 11: year and friend at ~1.0 while color and job stay near 0.5 on one seed), so
    // the single-hop number alone hides which skill is missing.
    java.util.TreeSet<String> relations = new java.util.TreeSet<>();
    greedy.outcomes().stream().filter(o -> o.question().kind() == QuestionKind.N1).forEach(o -> relations.add(o.question().relation()));
    for (String rel : relations) {
      extra.put("greedy EM after a search, 1n, " + rel, shareValue(greedy.outcomes(),
          o -> o.question().kind() == QuestionKind.N1 && rel.equals(o.question().relation()) && o.toolCalls() > 0,
          QuestionOutcome::correct));
    }
    extra.put("greedy code-call rate, easy arithmetic", shareValue(greedy.outcomes(), o -> o.question().kind() == QuestionKind.EASY, o -> o.toolCalls() > 0));
    return new Result(checks, extra, greedy, forced, sampled);
  }

  /** Everything measured. */
  public record Result(List<Check> checks, Map<String, Double> extra, EvalReport greedy, EvalReport forced, EvalReport sampled) {
    /** True when every check met its target. */
    public boolean allMet() {
      return checks.stream().allMatch(Check::met);
    }

    /** A Markdown table of the checks and the extra numbers. */
    public String table() {
      StringBuilder sb = new StringBuilder("| check | n | value | target | met |\n|---|---|---|---|---|\n");
      for (Check c : checks) {
        sb.append(String.format(Locale.ROOT, "| %s | %d | %.3f | >= %.2f | %s |%n", c.name(), c.n(), c.value(), c.target(),
            c.met() ? "yes" : "NO"));
      }
      extra.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "| %s | | %.3f | (info) | |%n", k, v)));
      return sb.toString();
    }

    /** JSON-ready form. */
    public Map<String, Object> toJson() {
      Map<String, Object> j = new LinkedHashMap<>();
      List<Map<String, Object>> cs = new ArrayList<>();
      for (Check c : checks) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", c.name());
        m.put("n", c.n());
        m.put("value", c.value());
        m.put("target", c.target());
        m.put("met", c.met());
        cs.add(m);
      }
      j.put("checks", cs);
      j.put("extra", extra);
      j.put("greedy", greedy.toJson());
      j.put("forced_recall", forced.toJson());
      j.put("sampled_t1", sampled.toJson());
      return j;
    }
  }

  /** {@code qs} {@code times} times over, in order. */
  private static List<Question> repeat(List<Question> qs, int times) {
    List<Question> out = new ArrayList<>(qs.size() * times);
    for (int i = 0; i < times; i++) {
      out.addAll(qs);
    }
    return out;
  }

  private static List<Question> filter(List<Question> qs, Predicate<Question> p) {
    return qs.stream().filter(p).toList();
  }

  private static Check share(String name, List<QuestionOutcome> os, Predicate<QuestionOutcome> in,
      Predicate<QuestionOutcome> hit, double target) {
    int n = (int) os.stream().filter(in).count();
    return new Check(name, shareValue(os, in, hit), target, n);
  }

  private static double shareValue(List<QuestionOutcome> os, Predicate<QuestionOutcome> in, Predicate<QuestionOutcome> hit) {
    long n = os.stream().filter(in).count();
    long h = os.stream().filter(in).filter(hit).count();
    return n == 0 ? Double.NaN : (double) h / n;
  }
}
