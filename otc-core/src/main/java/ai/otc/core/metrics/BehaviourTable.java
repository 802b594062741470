package ai.otc.core.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The paper's behaviour comparison of two runs per question (v2 Table 3, OTC.md §4), as shares of
 * the questions both runs answered: ME (same answer, fewer calls), LE (same answer, more calls),
 * MA (OTC correct, baseline wrong), LA (baseline correct, OTC wrong), AE (OTC correct with fewer
 * calls, baseline wrong). "Same answer" compares normalised extracted answers [I].
 *
 * @param questions questions present in both runs
 * @param me share with the same answer and fewer calls
 * @param le share with the same answer and more calls
 * @param ma share where OTC is correct and the baseline wrong
 * @param la share where the baseline is correct and OTC wrong
 * @param ae share where OTC is correct with fewer calls and the baseline wrong
 */
public record BehaviourTable(int questions, double me, double le, double ma, double la, double ae) {

  /** Compares an OTC run with a baseline run, joined on question id. */
  public static BehaviourTable compare(List<QuestionResult> otc, List<QuestionResult> baseline) {
    Map<String, QuestionResult> base = new HashMap<>();
    for (QuestionResult r : baseline) {
      base.put(r.questionId(), r);
    }
    int n = 0;
    int me = 0;
    int le = 0;
    int ma = 0;
    int la = 0;
    int ae = 0;
    for (QuestionResult o : otc) {
      QuestionResult b = base.get(o.questionId());
      if (b == null) {
        continue;
      }
      n++;
      boolean same = Objects.equals(o.normalizedAnswer(), b.normalizedAnswer());
      if (same && o.toolCalls() < b.toolCalls()) {
        me++;
      }
      if (same && o.toolCalls() > b.toolCalls()) {
        le++;
      }
      if (o.correct() && !b.correct()) {
        ma++;
        if (o.toolCalls() < b.toolCalls()) {
          ae++;
        }
      }
      if (!o.correct() && b.correct()) {
        la++;
      }
    }
    if (n == 0) {
      return new BehaviourTable(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
    }
    double d = n;
    return new BehaviourTable(n, me / d, le / d, ma / d, la / d, ae / d);
  }
}
