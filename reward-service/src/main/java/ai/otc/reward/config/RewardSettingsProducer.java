package ai.otc.reward.config;

import ai.otc.core.reward.RewardConfig;
import ai.otc.reward.domain.RewardLimits;
import ai.otc.reward.domain.RewardSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.util.Map;

/** Turns the validated {@code otc.reward.*} mapping into the pipeline's {@link RewardSettings} and checks the cross-key rules. */
@ApplicationScoped
public class RewardSettingsProducer {

  /** Builds the settings; a value the core refuses (it re-checks α and c) fails the start naming the key. */
  public static RewardSettings toSettings(RewardServiceConfig c) {
    RewardConfig reward;
    try {
      reward = new RewardConfig(c.kind(), c.alpha(), c.c(), c.wrongAnswerPolicy(), c.additive(), c.version(),
          c.advantageScale());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("otc.reward.{kind,alpha,c,wrong-answer-policy,additive,version,advantage-scale}: "
          + e.getMessage(), e);
    }
    if (c.groups().completedRetention().compareTo(c.groups().timeout()) <= 0) {
      throw new IllegalArgumentException("otc.reward.groups.completed-retention (" + c.groups().completedRetention()
          + ") must be longer than otc.reward.groups.timeout (" + c.groups().timeout() + "): after a restart the service re-reads"
          + " the source from its oldest pending group and must still recognise the groups finished since");
    }
    RewardLimits limits = limits(c);
    return new RewardSettings(
        c.topics().rollouts(),
        c.topics().rewarded(),
        c.topics().dlq(),
        reward,
        c.correctness(),
        c.groups().timeout(),
        c.groups().timeoutPolicy(),
        c.groups().punctuateInterval(),
        c.groups().completedRetention(),
        limits,
        java.util.Set.copyOf(c.runIds().orElse(java.util.List.of())));
  }

  /** The limits, with their rules across keys: pending bytes hold at least one largest group; the producer can send the largest record. */
  static RewardLimits limits(RewardServiceConfig c) {
    RewardServiceConfig.Limits l = c.limits();
    if (l.maxPendingBytes() < l.maxRecordBytes()) {
      throw new IllegalArgumentException("otc.reward.limits.max-pending-bytes (" + l.maxPendingBytes() + ") must be at least"
          + " otc.reward.limits.max-record-bytes (" + l.maxRecordBytes() + "): the largest writable group must fit in the pending groups");
    }
    int maxRequest = intSetting(c.producer(), "max.request.size");
    if (maxRequest >= 0 && maxRequest < l.maxRecordBytes()) {
      throw new IllegalArgumentException("otc.reward.producer.\"max.request.size\" (" + maxRequest + ") must be at least"
          + " otc.reward.limits.max-record-bytes (" + l.maxRecordBytes() + "): the producer would refuse records the service writes");
    }
    int batch = intSetting(c.producer(), "batch.size");
    if (batch > l.maxRecordBytes()) {
      throw new IllegalArgumentException("otc.reward.producer.\"batch.size\" (" + batch + ") must be at most"
          + " otc.reward.limits.max-record-bytes (" + l.maxRecordBytes() + "): a batch of small records would exceed the topics' limit");
    }
    return new RewardLimits(l.maxRecordBytes(), l.maxGroupSize(), l.maxPendingGroups(), l.maxPendingBytes());
  }

  /** A producer override as an int; -1 when unset. */
  private static int intSetting(Map<String, String> overrides, String key) {
    String v = overrides.get(key);
    if (v == null) {
      return -1;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("otc.reward.producer.\"" + key + "\" must be an integer, got '" + v + "'", e);
    }
  }

  @Produces
  @jakarta.inject.Singleton
  RewardSettings settings(RewardServiceConfig config) {
    return toSettings(config);
  }
}
