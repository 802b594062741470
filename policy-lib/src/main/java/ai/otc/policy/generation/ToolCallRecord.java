package ai.otc.policy.generation;

import ai.otc.policy.tools.CallStatus;

/**
 * One tool call of a turn as the trajectory records it.
 *
 * @param tool        search or code
 * @param arguments   the query or the program
 * @param status      outcome ({@link CallStatus#NOT_EXECUTED} for a counted but unexecuted call)
 * @param latencyMs   wall time as the caller measured it (0 when not executed)
 * @param cacheHit    answered from the tool's cache
 * @param callId      {@code <trajectory id>:<call index>}, empty when the calls were anonymous
 * @param observation the text appended to the context (empty when none was: not executed or failed)
 * @param attempts    attempts made (0 when not executed)
 * @param detail      why a call failed for good (empty otherwise)
 */
public record ToolCallRecord(ToolProtocol tool, String arguments, CallStatus status, double latencyMs, boolean cacheHit,
    String callId, String observation, int attempts, String detail) {}
