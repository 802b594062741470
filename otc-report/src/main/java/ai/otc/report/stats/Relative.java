package ai.otc.report.stats;

import ai.otc.core.metrics.RelativeChange;

/**
 * A run's numbers relative to the baseline's, as the paper prints them (OTC.md §4, through {@link RelativeChange}):
 * ▼TC = (TC_base − TC) / TC_base; ▲TP = (TP − TP_base) / TP_base from the TPs rounded to 3 decimals; plus the share
 * of the baseline's excess calls removed, (excess_base − excess) / excess_base, and the EM difference. Null where
 * undefined (a zero or missing baseline value).
 *
 * @param tcReduction ▼TC as a fraction
 * @param tpIncrease ▲TP as a fraction
 * @param excessRemoved share of the baseline's excess calls removed
 * @param emDelta EM − EM_base
 */
public record Relative(Double tcReduction, Double tpIncrease, Double excessRemoved, Double emDelta) {

  /** {@code run} relative to {@code base}. */
  public static Relative of(EvalStats base, EvalStats run) {
    Double tc = base.tc() == null || run.tc() == null ? null
        : finite(RelativeChange.toolCallReduction(base.tc(), run.tc()));
    Double tp = base.tp() == null || run.tp() == null ? null
        : finite(RelativeChange.productivityIncrease(base.tp(), run.tp(), true));
    Double excess = base.excessCalls() == null || run.excessCalls() == null || base.excessCalls() == 0 ? null
        : (base.excessCalls() - run.excessCalls()) / base.excessCalls();
    Double em = base.em() == null || run.em() == null ? null : run.em() - base.em();
    return new Relative(tc, tp, excess, em);
  }

  private static Double finite(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
