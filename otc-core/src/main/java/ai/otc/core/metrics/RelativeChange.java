package ai.otc.core.metrics;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The relative changes the paper prints next to OTC rows (OTC.md §4): ▼TC = (base − otc) / base and
 * ▲TP = (otc − base) / base. The paper computes ▲TP from the table's 3-decimal TP values; pass
 * {@code fromRounded = true} to reproduce its numbers.
 */
public final class RelativeChange {

  private RelativeChange() {}

  /** Fractional tool-call reduction (base − otc) / base; NaN when base is 0. */
  public static double toolCallReduction(double baseTc, double otcTc) {
    return baseTc == 0 ? Double.NaN : (baseTc - otcTc) / baseTc;
  }

  /** Fractional TP increase (otc − base) / base, optionally from values rounded to 3 decimals first. */
  public static double productivityIncrease(double baseTp, double otcTp, boolean fromRounded) {
    double b = fromRounded ? round3(baseTp) : baseTp;
    double o = fromRounded ? round3(otcTp) : otcTp;
    return b == 0 ? Double.NaN : (o - b) / b;
  }

  /** Half-up rounding to 3 decimals of the printed value (as the paper's tables show). */
  public static double round3(double v) {
    return new BigDecimal(Double.toString(v)).setScale(3, RoundingMode.HALF_UP).doubleValue();
  }
}
