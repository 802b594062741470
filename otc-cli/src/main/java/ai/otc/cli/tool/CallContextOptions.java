package ai.otc.cli.tool;

import ai.otc.proto.v1.CallContext;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --trajectory-id} / {@code --call-index}: the {@code CallContext} a rollout sends, so a call made by hand is
 * metered under the id {@code <trajectory_id>:<call_index>} like a rollout's (a repeated pair is the same usage event
 * for consumers that dedupe by id). A picocli mixin.
 */
public final class CallContextOptions {

  @Option(names = "--trajectory-id", paramLabel = "ID",
      description = "trajectory this call belongs to: metered as <ID>:<call index> (default: no context, a fresh id per call)")
  String trajectoryId;

  @Option(names = "--call-index", paramLabel = "N", description = "index of this call in the trajectory (default 0; needs --trajectory-id)")
  Integer callIndex;

  /** The context these flags describe, if any; a usage error when they do not fit together. */
  Optional<CallContext> context() {
    if (trajectoryId == null) {
      if (callIndex != null) {
        throw new IllegalArgumentException("--call-index needs --trajectory-id");
      }
      return Optional.empty();
    }
    if (trajectoryId.isBlank()) {
      throw new IllegalArgumentException("--trajectory-id must not be empty");
    }
    int index = callIndex == null ? 0 : callIndex;
    if (index < 0) {
      throw new IllegalArgumentException("--call-index must be >= 0, got " + index);
    }
    return Optional.of(CallContext.newBuilder().setTrajectoryId(trajectoryId).setCallIndex(index).build());
  }
}
