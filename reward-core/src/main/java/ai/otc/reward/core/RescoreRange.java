package ai.otc.reward.core;

import java.time.Instant;

/**
 * The slice of otc.rollouts.v1 a re-scoring reads, applied to every partition: by offsets
 * ({@code fromOffset} inclusive, {@code toOffset} exclusive) or by record time ({@code fromTime}
 * inclusive, {@code toTime} exclusive). Null bounds mean the partition's beginning / its end
 * offset when the re-scoring starts (so a live topic still yields a fixed range; the resolved
 * offsets are reported, and passing them back reproduces the output exactly).
 */
public record RescoreRange(Long fromOffset, Long toOffset, Instant fromTime, Instant toTime) {

  public RescoreRange {
    if ((fromOffset != null || toOffset != null) && (fromTime != null || toTime != null)) {
      throw new IllegalArgumentException("a range is by offset or by time, not both");
    }
    if (fromOffset != null && fromOffset < 0) {
      throw new IllegalArgumentException("from offset must be >= 0, got " + fromOffset);
    }
    if (fromOffset != null && toOffset != null && toOffset < fromOffset) {
      throw new IllegalArgumentException("to offset " + toOffset + " is before from offset " + fromOffset);
    }
    if (fromTime != null && toTime != null && toTime.isBefore(fromTime)) {
      throw new IllegalArgumentException("to time " + toTime + " is before from time " + fromTime);
    }
  }

  /** The whole topic as it is when the re-scoring starts. */
  public static RescoreRange all() {
    return new RescoreRange(null, null, null, null);
  }

  public static RescoreRange offsets(Long from, Long to) {
    return new RescoreRange(from, to, null, null);
  }

  public static RescoreRange times(Instant from, Instant to) {
    return new RescoreRange(null, null, from, to);
  }
}
