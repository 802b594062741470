package ai.otc.reward.pipeline;

/**
 * Names of the reward stream's internal changelog topics, derived from {@code otc.reward.application-id}
 * (created by the service when missing, compacted; nobody else should write them).
 */
public final class StreamTopics {

  private StreamTopics() {}

  /** Group markers ({@link GroupMarkers}), key = group id, one partition per rollouts partition. */
  public static String groups(String applicationId) {
    return applicationId + "-groups";
  }

  /** The optimal-call table ({@link OptimalCallTable}), key = question id, value = int32 n (big-endian). */
  public static String optimalCalls(String applicationId) {
    return applicationId + "-optimal-calls";
  }
}
