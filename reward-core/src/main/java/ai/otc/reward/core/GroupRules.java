package ai.otc.reward.core;

import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Optional;

/**
 * The group-assembly contract of otc.rollouts.v1, shared by the stream processor and the re-scorer
 * so both accept and refuse exactly the same records:
 * <ul>
 *   <li>a record must decode as a {@code Trajectory} with non-empty trajectory, group and question ids,
 *       {@code group_size >= 1} and {@code tool_call_count >= 0};</li>
 *   <li>its key must be its group id: all members of a group share the key, hence the partition, which is
 *       what lets the service hold a group's state with the partition (a record without a key could land
 *       anywhere and split its group across instances);</li>
 *   <li>the expected group size travels in every record; the first member fixes it (and the question id),
 *       and a later member that disagrees is refused rather than silently changing the group;</li>
 *   <li>a member whose trajectory id was already seen in the group is a duplicate and is ignored (not refused).</li>
 * </ul>
 * A reader that holds state per group also bounds what one record may declare ({@link Limits}): the live service
 * refuses a {@code group_size} above its cap and ids longer than {@link Limits#maxIdChars}, which it writes as keys of
 * its changelogs; {@code ./otc rescore} reads a bounded range and applies {@link Limits#NONE}.
 */
public final class GroupRules {

  private GroupRules() {}

  /**
   * Bounds on what one record may declare.
   *
   * @param maxGroupSize the largest {@code group_size} accepted (a larger one is {@code invalid-field})
   * @param maxIdChars the longest trajectory, group or question id accepted, in chars
   */
  public record Limits(int maxGroupSize, int maxIdChars) {
    /** No bounds. */
    public static final Limits NONE = new Limits(Integer.MAX_VALUE, Integer.MAX_VALUE);

    /** Checks the bounds. */
    public Limits {
      if (maxGroupSize < 1 || maxIdChars < 1) {
        throw new IllegalArgumentException("limits must be >= 1: group size " + maxGroupSize + ", id chars " + maxIdChars);
      }
    }
  }

  /** Outcome of decoding one record: either a valid trajectory or a rejection. */
  public sealed interface Decoded permits Accepted, Refused {}

  /** A record that passed {@link #decode}. */
  public record Accepted(TrajectoryView trajectory) implements Decoded {}

  /** A record that failed {@link #decode}. */
  public record Refused(Rejection rejection) implements Decoded {}

  /**
   * Decodes and validates one rollout record.
   *
   * @param key the record key (null is refused: the key must be the group id)
   * @param value the record value (may be null: a tombstone is undecodable as a trajectory)
   */
  public static Decoded decode(String key, byte[] value) {
    return decode(key, value, Limits.NONE, "");
  }

  /**
   * Decodes and validates one rollout record within {@code limits}.
   *
   * @param limitKey the configuration key of the group-size cap, named in the rejection ("" for none)
   */
  public static Decoded decode(String key, byte[] value, Limits limits, String limitKey) {
    if (value == null) {
      return new Refused(new Rejection(RejectReason.UNDECODABLE, "null value (tombstone) on a trajectory topic"));
    }
    TrajectoryView t;
    try {
      t = TrajectoryView.parse(value);
    } catch (InvalidProtocolBufferException e) {
      // The decoder's message is the only evidence of what is wrong with the bytes: keep it.
      return new Refused(new Rejection(RejectReason.UNDECODABLE, "not a otc.v1.Trajectory: " + e.getMessage()));
    }
    Optional<Rejection> invalid = validate(key, t);
    if (invalid.isEmpty()) {
      invalid = withinLimits(t, limits, limitKey);
    }
    if (invalid.isPresent()) {
      return new Refused(invalid.get());
    }
    return new Accepted(t);
  }

  /** Field and key checks of one decoded trajectory. */
  public static Optional<Rejection> validate(String key, TrajectoryView t) {
    if (t.trajectoryId().isEmpty()) {
      return invalid("trajectory_id is empty");
    }
    if (t.groupId().isEmpty()) {
      return invalid("group_id is empty (trajectory " + t.trajectoryId() + ")");
    }
    if (t.questionId().isEmpty()) {
      return invalid("question_id is empty (trajectory " + t.trajectoryId() + ")");
    }
    if (t.groupSize() < 1) {
      return invalid("group_size must be >= 1, got " + t.groupSize() + " (trajectory " + t.trajectoryId() + ")");
    }
    if (t.toolCallCount() < 0) {
      return invalid("tool_call_count must be >= 0, got " + t.toolCallCount() + " (trajectory " + t.trajectoryId() + ")");
    }
    if (key == null) {
      return Optional.of(new Rejection(RejectReason.KEY_MISMATCH,
          "record has no key; otc.rollouts.v1 is keyed by group id '" + t.groupId() + "' (trajectory " + t.trajectoryId() + ")"));
    }
    if (!key.equals(t.groupId())) {
      return Optional.of(new Rejection(RejectReason.KEY_MISMATCH,
          "record key '" + key + "' is not the group id '" + t.groupId() + "' (trajectory " + t.trajectoryId() + ")"));
    }
    return Optional.empty();
  }

  /** The {@link Limits} checks of a valid trajectory. */
  static Optional<Rejection> withinLimits(TrajectoryView t, Limits limits, String limitKey) {
    if (t.groupSize() > limits.maxGroupSize()) {
      return invalid("group_size " + t.groupSize() + " is above the cap " + limits.maxGroupSize()
          + (limitKey.isEmpty() ? "" : " (" + limitKey + ")") + " (trajectory " + t.trajectoryId() + ")");
    }
    if (t.trajectoryId().length() > limits.maxIdChars() || t.groupId().length() > limits.maxIdChars()
        || t.questionId().length() > limits.maxIdChars()) {
      return invalid("an id is longer than " + limits.maxIdChars() + " chars (trajectory " + t.trajectoryId().length()
          + ", group " + t.groupId().length() + ", question " + t.questionId().length() + ")");
    }
    return Optional.empty();
  }

  /**
   * Checks a new member against what the group's first member fixed.
   *
   * @return a rejection when the question id or the expected size differs
   */
  public static Optional<Rejection> checkConsistent(String questionId, int expectedSize, TrajectoryView t) {
    if (!questionId.equals(t.questionId())) {
      return Optional.of(new Rejection(RejectReason.INCONSISTENT_GROUP, "group " + t.groupId() + " is for question '"
          + questionId + "' but trajectory " + t.trajectoryId() + " says '" + t.questionId() + "'"));
    }
    if (expectedSize != t.groupSize()) {
      return Optional.of(new Rejection(RejectReason.INCONSISTENT_GROUP, "group " + t.groupId() + " expects "
          + expectedSize + " members but trajectory " + t.trajectoryId() + " says group_size " + t.groupSize()));
    }
    return Optional.empty();
  }

  private static Optional<Rejection> invalid(String detail) {
    return Optional.of(new Rejection(RejectReason.INVALID_FIELD, detail));
  }
}
