package ai.otc.learner.domain;

import java.util.Locale;

/** {@code otc.learner.start-from}: where a new run (no checkpoint yet) starts reading otc.rewarded.v1. */
public enum StartFrom {
  /** Every retained record (records of other runs are skipped by run id). */
  EARLIEST,
  /** The end of each partition when the run starts, before version 0 is announced. */
  LATEST;

  /** The configuration spelling. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
