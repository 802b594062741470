package ai.otc.reward.core;

/**
 * Why a rollout record is not assembled into a group; written as the {@link ai.otc.contract.DeadLetterHeaders#REASON}
 * header of the dead-letter record (reward-service) or counted by {@code ./otc rescore}.
 */
public enum RejectReason {
  /** The value is not a decodable {@code Trajectory}. */
  UNDECODABLE("undecodable"),
  /** A required field is missing or out of range (ids, group size, tool-call count). */
  INVALID_FIELD("invalid-field"),
  /** The record key is not the trajectory's group id: the group could be split across partitions. */
  KEY_MISMATCH("key-mismatch"),
  /** The trajectory disagrees with the group's earlier members on the question id or the group size. */
  INCONSISTENT_GROUP("inconsistent-group"),
  /**
   * The record is valid, but its group's scored record would be larger than the output limit (reward-service:
   * {@code otc.reward.limits.max-record-bytes} or the output topic's {@code max.message.bytes}): every member of the
   * group goes to the dead-letter topic instead of one record the broker would refuse.
   */
  GROUP_TOO_LARGE("group-too-large");

  private final String wireName;

  RejectReason(String wireName) {
    this.wireName = wireName;
  }

  /** The header value, e.g. {@code undecodable}. */
  public String wireName() {
    return wireName;
  }
}
