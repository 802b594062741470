package ai.otc.rollout.gateway;

import ai.otc.policy.tools.CallInfo;

/** A single tool call ({@link GatewayToolBackend#search} / {@link GatewayToolBackend#execute}) that failed for good. */
public final class ToolCallException extends RuntimeException {
  private final transient CallInfo info;

  public ToolCallException(CallInfo info) {
    super("tool call failed (" + info.status() + ", " + info.attempts() + " attempt(s)): " + info.detail());
    this.info = info;
  }

  /** Status, attempts and reason of the failed call. */
  public CallInfo info() {
    return info;
  }
}
