package ai.otc.platform.supervisor;

import java.util.List;

/**
 * The platform's topics, created from the contract's table ({@code ai.otc.contract.TopicTable}) with replication
 * factor 1 once the broker answers and before stage {@code beforeStage} starts: every topic of the table that is not a
 * service's internal changelog, plus the reward service's two changelogs for each of {@code rewardApplicationIds}
 * (one application id per run). Topics that exist are left as they are.
 *
 * @param bootstrap           the Kafka to create them on
 * @param beforeStage         the first stage whose parts need them
 * @param rewardApplicationIds the runs' reward-service application ids
 */
public record TopicSetup(String bootstrap, int beforeStage, List<String> rewardApplicationIds) {
  public TopicSetup {
    rewardApplicationIds = rewardApplicationIds == null ? List.of() : List.copyOf(rewardApplicationIds);
  }
}
