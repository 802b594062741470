package ai.otc.learner.domain;

/**
 * What the learner did with one record of otc.rewarded.v1: the {@code decision} tag of
 * {@code otc_learner_groups_total} and the {@code groups_<decision>} keys of {@code StepMetrics.extra}.
 */
public enum GroupDecision {
  /** Within the staleness bound: trained as is. */
  FRESH("fresh"),
  /** Older than the bound, trained with importance correction ({@code stale-policy=importance-correct}). */
  STALE_CORRECTED("stale-corrected"),
  /** Older than the bound, left out ({@code stale-policy=drop}). */
  STALE_DROPPED("stale-dropped"),
  /** Its {@code ScoredGroup.id} was already decided. */
  DUPLICATE("duplicate"),
  /** A group of another run. */
  OTHER_RUN("other-run"),
  /** A group of this run scored with another reward than the run's ({@link RewardSelector}). */
  OTHER_REWARD("other-reward"),
  /** Undecodable or untrainable: sent to the dead-letter topic. */
  DEAD_LETTER("dead-letter");

  private final String wireName;

  GroupDecision(String wireName) {
    this.wireName = wireName;
  }

  /** The metric tag value. */
  public String wireName() {
    return wireName;
  }

  /** The {@code StepMetrics.extra} key suffix ({@code groups_stale_dropped}, …). */
  public String extraKey() {
    return "groups_" + wireName.replace('-', '_');
  }
}
