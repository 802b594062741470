package ai.otc.report.data;

import ai.otc.proto.v1.ToolUsage;
import java.util.HashSet;
import java.util.Set;

/**
 * What the gateway metered for one run ({@code otc.tool-usage.v1}): events deduplicated by id, and calls counted once
 * per {@code (trajectory_id, call_index)} so that a refused attempt and its retry are one call, as the trajectory
 * records it.
 */
public final class UsageTally {

  private final Set<String> eventIds = new HashSet<>();
  private final Set<String> calls = new HashSet<>();
  private long refusedAttempts;
  private double wallMs;

  /** Adds one usage event; a duplicate (same id) is ignored. */
  public void add(ToolUsage u) {
    if (!eventIds.add(u.getId())) {
      return;
    }
    calls.add(u.getTrajectoryId() + ":" + u.getCallIndex());
    if (!u.getRefusal().isEmpty()) {
      refusedAttempts++;
    }
    wallMs += u.getWallMs();
  }

  /** Distinct calls (trajectory, call index) the gateway saw, refused ones included. */
  public long calls() {
    return calls.size();
  }

  /** Distinct events (attempts), refusals included. */
  public long events() {
    return eventIds.size();
  }

  /** Events of attempts a limit refused. */
  public long refusedAttempts() {
    return refusedAttempts;
  }

  /** Sum of the gateway's wall time over the distinct events, in milliseconds. */
  public double wallMs() {
    return wallMs;
  }
}
