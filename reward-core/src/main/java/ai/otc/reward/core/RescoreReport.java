package ai.otc.reward.core;

import java.util.Map;
import java.util.SortedMap;

/**
 * What a re-scoring did, printed by {@code ./otc rescore}.
 *
 * @param ranges the resolved [from, to) offsets per partition (pass them back to reproduce the run)
 * @param recordsRead records read from the source range
 * @param groupsScored groups written to the target topic (complete and partial)
 * @param partialGroups of which partial (incomplete at the end of the range, policy score-partial)
 * @param droppedGroups incomplete groups not written (policy drop-and-count)
 * @param duplicates trajectories ignored because their id was already in their group
 * @param lateMembers trajectories ignored because their group was already complete
 * @param rejected records refused, by reason (with partition/offset listed by the caller's log)
 */
public record RescoreReport(
    SortedMap<Integer, long[]> ranges,
    long recordsRead,
    long groupsScored,
    long partialGroups,
    long droppedGroups,
    long duplicates,
    long lateMembers,
    Map<RejectReason, Long> rejected) {

  /** {@code --from-offset P:N,... --to-offset P:N,...}: the arguments that re-read exactly this range. */
  public String replayArguments() {
    StringBuilder from = new StringBuilder();
    StringBuilder to = new StringBuilder();
    ranges.forEach((p, r) -> {
      from.append(from.isEmpty() ? "" : ",").append(p).append(':').append(r[0]);
      to.append(to.isEmpty() ? "" : ",").append(p).append(':').append(r[1]);
    });
    return "--from-offset " + from + " --to-offset " + to;
  }

  /** One line per partition range, the replay arguments, then the counters. */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    ranges.forEach((p, r) -> sb.append("partition ").append(p).append(": offsets [").append(r[0]).append(", ").append(r[1]).append(")\n"));
    sb.append("replay with: ").append(replayArguments()).append('\n');
    sb.append("records read: ").append(recordsRead).append('\n')
        .append("groups scored: ").append(groupsScored).append(" (partial: ").append(partialGroups).append(")\n")
        .append("groups dropped: ").append(droppedGroups).append('\n')
        .append("duplicates ignored: ").append(duplicates).append(", late members ignored: ").append(lateMembers).append('\n')
        .append("records rejected: ").append(rejected);
    return sb.toString();
  }
}
