package ai.otc.report.data;

import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.Trajectory;
import ai.otc.proto.v1.Turn;

/** The tool calls recorded in a trajectory's turns: how many were never executed, and their summed latency. */
record CallTally(int notExecuted, double latencyMs) {

  static CallTally of(Trajectory t) {
    int notExecuted = 0;
    double latency = 0;
    for (Turn turn : t.getTurnsList()) {
      if (!turn.hasToolCall()) {
        continue;
      }
      if (turn.getToolCall().getStatus() == ToolStatus.TOOL_STATUS_NOT_EXECUTED) {
        notExecuted++;
      }
      latency += turn.getToolCall().getLatencyMs();
    }
    return new CallTally(notExecuted, latency);
  }
}
