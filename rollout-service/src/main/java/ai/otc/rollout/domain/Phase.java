package ai.otc.rollout.domain;

/** Where a batch's wall time goes; the {@code phase} tag of {@code otc_rollout_phase_seconds}. */
public enum Phase {
  /** Waiting for the learner: the staleness gate (and, before the first batch, version 0). */
  WAIT_LEARNER("wait-learner"),
  /** Generation: sampling the batch, minus the time spent waiting for tools. */
  GENERATION("generation"),
  /** Tool calls through the gateway, back-offs and retries included (wall time the generation waited for them). */
  TOOLS("tools"),
  /** Publishing the batch to Kafka (one transaction) until it is committed. */
  PUBLISH("publish");

  private final String tag;

  Phase(String tag) {
    this.tag = tag;
  }

  /** The wire name. */
  public String tag() {
    return tag;
  }
}
