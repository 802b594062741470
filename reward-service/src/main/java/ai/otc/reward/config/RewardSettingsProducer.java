package ai.otc.reward.config;

import ai.otc.core.reward.RewardConfig;
import ai.otc.reward.domain.RewardSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** Turns the validated {@code otc.reward.*} mapping into the pipeline's {@link RewardSettings} and checks the cross-key rules. */
@ApplicationScoped
public class RewardSettingsProducer {

  /** Builds the settings; a value the core refuses (it re-checks α and c) fails the start naming the key. */
  public static RewardSettings toSettings(RewardServiceConfig c) {
    RewardConfig reward;
    try {
      reward = new RewardConfig(c.kind(), c.alpha(), c.c(), c.wrongAnswerPolicy(), c.additive(), c.version());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("otc.reward.{kind,alpha,c,wrong-answer-policy,additive,version}: " + e.getMessage(), e);
    }
    if (c.groups().completedRetention().compareTo(c.groups().timeout()) <= 0) {
      throw new IllegalArgumentException("otc.reward.groups.completed-retention (" + c.groups().completedRetention()
          + ") must be longer than otc.reward.groups.timeout (" + c.groups().timeout() + "): after a restart the service re-reads"
          + " the source from its oldest pending group and must still recognise the groups finished since");
    }
    return new RewardSettings(
        c.topics().rollouts(),
        c.topics().rewarded(),
        c.topics().dlq(),
        reward,
        c.correctness(),
        c.groups().timeout(),
        c.groups().timeoutPolicy(),
        c.groups().punctuateInterval(),
        c.groups().completedRetention());
  }

  @Produces
  @jakarta.inject.Singleton
  RewardSettings settings(RewardServiceConfig config) {
    return toSettings(config);
  }
}
