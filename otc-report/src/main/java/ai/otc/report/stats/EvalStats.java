package ai.otc.report.stats;

import ai.otc.core.metrics.ToolMetrics;
import ai.otc.report.data.EvalFact;
import java.util.List;

/**
 * The test-split numbers of a set of evaluated questions: the paper's EM, TC and TP (OTC.md §4, through
 * {@link ToolMetrics}) and ours, which need each question's minimal number of calls: the optimal TC (mean minimal
 * calls), the excess calls (TC − optimal TC) and the optimal-call rate (answered correctly with exactly the minimal
 * number of calls). The last three are computed over the questions whose minimum the world knows. A value that is
 * undefined is null: everything on an empty set, TP when no tool was called.
 *
 * @param questions the number of questions
 * @param em mean EM
 * @param tc mean tool calls per question
 * @param tp ΣEM / Σtc
 * @param optimalTc mean minimal calls of the same questions
 * @param excessCalls TC − optimal TC (over the questions with a known minimum)
 * @param optimalCallRate share answered correctly with exactly the minimal number of calls
 */
public record EvalStats(int questions, Double em, Double tc, Double tp, Double optimalTc, Double excessCalls,
    Double optimalCallRate) {

  /** The stats with every value undefined: no question. */
  public static final EvalStats EMPTY = new EvalStats(0, null, null, null, null, null, null);

  /** The stats of {@code facts}. */
  public static EvalStats of(List<EvalFact> facts) {
    if (facts.isEmpty()) {
      return EMPTY;
    }
    ToolMetrics all = new ToolMetrics();
    long known = 0;
    long minSum = 0;
    long callsOfKnown = 0;
    long optimal = 0;
    for (EvalFact f : facts) {
      all.add(f.correct() ? 1.0 : 0.0, f.toolCalls());
      if (f.knowsMin()) {
        known++;
        minSum += f.minCalls();
        callsOfKnown += f.toolCalls();
        if (f.correct() && f.toolCalls() == f.minCalls()) {
          optimal++;
        }
      }
    }
    Double tp = all.tp().isPresent() ? all.tp().getAsDouble() : null;
    if (known == 0) {
      return new EvalStats(facts.size(), all.em(), all.tc(), tp, null, null, null);
    }
    double optimalTc = (double) minSum / known;
    double excess = (double) callsOfKnown / known - optimalTc;
    return new EvalStats(facts.size(), all.em(), all.tc(), tp, optimalTc, excess, (double) optimal / known);
  }
}
