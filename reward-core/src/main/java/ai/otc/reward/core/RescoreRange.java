package ai.otc.reward.core;

import java.time.Instant;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The slice of otc.rollouts.v1 a re-scoring reads: by offsets ({@code from} inclusive, {@code to}
 * exclusive) or by record time ({@code fromTime} inclusive, {@code toTime} exclusive), not both.
 * Offsets are given per partition; {@link #ALL_PARTITIONS} (-1) as a key applies to every partition
 * without an entry of its own. A missing bound means the partition's beginning / its end offset
 * when the re-scoring starts, so a live topic still yields a fixed range; the resolved offsets are
 * reported ({@link RescoreReport#replayArguments()}), and passing them back reproduces the output
 * exactly even after the topic has grown.
 *
 * @param fromOffsets first offset per partition (key -1: every other partition); empty: the beginning
 * @param toOffsets end offset (exclusive) per partition (key -1: every other partition); empty: the end
 * @param fromTime first record time (inclusive), or null
 * @param toTime record time to stop at (exclusive), or null
 */
public record RescoreRange(
    SortedMap<Integer, Long> fromOffsets, SortedMap<Integer, Long> toOffsets, Instant fromTime, Instant toTime) {

  /** The partition key meaning "every partition not listed". */
  public static final int ALL_PARTITIONS = -1;

  public RescoreRange {
    fromOffsets = fromOffsets == null ? new TreeMap<>() : new TreeMap<>(fromOffsets);
    toOffsets = toOffsets == null ? new TreeMap<>() : new TreeMap<>(toOffsets);
    if ((!fromOffsets.isEmpty() || !toOffsets.isEmpty()) && (fromTime != null || toTime != null)) {
      throw new IllegalArgumentException("a range is by offset or by time, not both");
    }
    for (Map.Entry<Integer, Long> e : fromOffsets.entrySet()) {
      check(e, "from");
    }
    for (Map.Entry<Integer, Long> e : toOffsets.entrySet()) {
      check(e, "to");
    }
    for (Map.Entry<Integer, Long> e : toOffsets.entrySet()) {
      Long from = fromOffsets.containsKey(e.getKey()) ? fromOffsets.get(e.getKey()) : fromOffsets.get(ALL_PARTITIONS);
      if (from != null && e.getValue() < from) {
        throw new IllegalArgumentException("to offset " + e.getValue() + " is before from offset " + from + where(e.getKey()));
      }
    }
    if (fromTime != null && toTime != null && toTime.isBefore(fromTime)) {
      throw new IllegalArgumentException("to time " + toTime + " is before from time " + fromTime);
    }
  }

  private static void check(Map.Entry<Integer, Long> e, String which) {
    if (e.getKey() < ALL_PARTITIONS) {
      throw new IllegalArgumentException("partition must be >= 0, got " + e.getKey());
    }
    if (e.getValue() == null || e.getValue() < 0) {
      throw new IllegalArgumentException(which + " offset must be >= 0, got " + e.getValue() + where(e.getKey()));
    }
  }

  private static String where(int partition) {
    return partition == ALL_PARTITIONS ? "" : " (partition " + partition + ")";
  }

  /** The whole topic as it is when the re-scoring starts. */
  public static RescoreRange all() {
    return new RescoreRange(null, null, null, null);
  }

  /** The same offset bounds for every partition; null means open. */
  public static RescoreRange offsets(Long from, Long to) {
    TreeMap<Integer, Long> f = new TreeMap<>();
    TreeMap<Integer, Long> t = new TreeMap<>();
    if (from != null) {
      f.put(ALL_PARTITIONS, from);
    }
    if (to != null) {
      t.put(ALL_PARTITIONS, to);
    }
    return new RescoreRange(f, t, null, null);
  }

  /** Offset bounds per partition (key -1: the others); empty maps mean open. */
  public static RescoreRange offsets(SortedMap<Integer, Long> from, SortedMap<Integer, Long> to) {
    return new RescoreRange(from, to, null, null);
  }

  /** A record-time range; null means open. */
  public static RescoreRange times(Instant from, Instant to) {
    return new RescoreRange(null, null, from, to);
  }

  /** The from bound of a partition, or null. */
  public Long fromOffset(int partition) {
    return fromOffsets.containsKey(partition) ? fromOffsets.get(partition) : fromOffsets.get(ALL_PARTITIONS);
  }

  /** The to bound of a partition, or null. */
  public Long toOffset(int partition) {
    return toOffsets.containsKey(partition) ? toOffsets.get(partition) : toOffsets.get(ALL_PARTITIONS);
  }

  /**
   * Parses {@code N} (every partition) or {@code P:N[,P:N...]} (per partition; {@code *:N} for the
   * others), as given to {@code --from-offset} / {@code --to-offset}.
   */
  public static SortedMap<Integer, Long> parseOffsets(String option, String s) {
    TreeMap<Integer, Long> out = new TreeMap<>();
    if (s == null) {
      return out;
    }
    for (String part : s.split(",")) {
      String p = part.trim();
      try {
        int colon = p.indexOf(':');
        if (colon < 0) {
          put(option, out, ALL_PARTITIONS, Long.parseLong(p));
        } else {
          String key = p.substring(0, colon).trim();
          int partition = "*".equals(key) ? ALL_PARTITIONS : Integer.parseInt(key);
          if (partition < ALL_PARTITIONS || (partition == ALL_PARTITIONS && !"*".equals(key))) {
            throw new IllegalArgumentException(option + ": partition must be >= 0 in '" + p + "'");
          }
          put(option, out, partition, Long.parseLong(p.substring(colon + 1).trim()));
        }
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(option + ": '" + p + "' is not N or PARTITION:N", e);
      }
    }
    return out;
  }

  private static void put(String option, TreeMap<Integer, Long> out, int partition, long offset) {
    if (offset < 0) {
      throw new IllegalArgumentException(option + ": offset must be >= 0, got " + offset);
    }
    if (out.put(partition, offset) != null) {
      throw new IllegalArgumentException(option + ": partition " + (partition == ALL_PARTITIONS ? "*" : partition) + " given twice");
    }
  }
}
