package ai.otc.reward.domain;

/**
 * The bounds that keep one hostile or oversized input from crashing or exhausting the reward service
 * ({@code otc.reward.limits.*}).
 *
 * @param maxRecordBytes the largest record the service writes to otc.rewarded.v1 or the dead-letter topic,
 *     as Kafka counts it (key, value, headers and the record-batch overhead); the effective limit of a topic
 *     is the lower of this and the topic's {@code max.message.bytes}
 * @param maxGroupSize the largest {@code group_size} a record may declare
 * @param maxPendingGroups how many incomplete groups may be held before the partitions are paused
 * @param maxPendingBytes how many member bytes incomplete groups may hold before the partitions are paused
 */
public record RewardLimits(int maxRecordBytes, int maxGroupSize, int maxPendingGroups, long maxPendingBytes) {

  /** The service's defaults: 1 MiB records, groups of at most 256, 100,000 pending groups, 256 MiB pending. */
  public static final RewardLimits DEFAULTS = new RewardLimits(1 << 20, 256, 100_000, 256L << 20);

  /** The longest trajectory, group or question id accepted (they are keys of the changelogs and of the output). */
  public static final int MAX_ID_CHARS = 1024;

  /** Checks that every bound is positive. */
  public RewardLimits {
    if (maxRecordBytes < 1 || maxGroupSize < 1 || maxPendingGroups < 1 || maxPendingBytes < 1) {
      throw new IllegalArgumentException("limits must be positive: " + maxRecordBytes + ", " + maxGroupSize + ", "
          + maxPendingGroups + ", " + maxPendingBytes);
    }
  }

  /** The same limits with another record size (the effective one, after the output topics' own limits). */
  public RewardLimits withMaxRecordBytes(int bytes) {
    return new RewardLimits(bytes, maxGroupSize, maxPendingGroups, maxPendingBytes);
  }
}
