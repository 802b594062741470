package ai.otc.core.metrics;

import java.util.OptionalDouble;

/**
 * The paper's evaluation metrics (OTC.md §4) over a set of questions, accumulated one question at
 * a time: EM (mean correctness), TC (mean tool calls) and TP = ΣEM / Σtc, undefined when Σtc = 0.
 */
public final class ToolMetrics {

  private long count;
  private double emSum;
  private long tcSum;

  /** Adds one question's result. */
  public ToolMetrics add(double em, int toolCalls) {
    if (toolCalls < 0) {
      throw new IllegalArgumentException("tool calls must be >= 0, got " + toolCalls);
    }
    count++;
    emSum += em;
    tcSum += toolCalls;
    return this;
  }

  /** Adds every result of another accumulator. */
  public ToolMetrics addAll(ToolMetrics other) {
    count += other.count;
    emSum += other.emSum;
    tcSum += other.tcSum;
    return this;
  }

  public long count() {
    return count;
  }

  public double emSum() {
    return emSum;
  }

  public long toolCallSum() {
    return tcSum;
  }

  /** Mean EM; NaN when empty. */
  public double em() {
    return count == 0 ? Double.NaN : emSum / count;
  }

  /** Mean tool calls per question; NaN when empty. */
  public double tc() {
    return count == 0 ? Double.NaN : (double) tcSum / count;
  }

  /** Tool productivity ΣEM / Σtc; empty when no tool was called (the paper prints "-"). */
  public OptionalDouble tp() {
    return tcSum == 0 ? OptionalDouble.empty() : OptionalDouble.of(emSum / tcSum);
  }
}
