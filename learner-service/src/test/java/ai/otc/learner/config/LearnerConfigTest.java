package ai.otc.learner.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.learner.batch.StalenessGate;
import ai.otc.learner.domain.DeviceChoice;
import ai.otc.learner.domain.LearnerSettings;
import ai.otc.learner.domain.StartFrom;
import ai.otc.learner.math.KlEstimator;
import ai.otc.learner.math.LossAggregation;
import ai.otc.learner.support.TinyPolicy;
import ai.otc.learner.update.Algorithm;
import ai.otc.learner.update.OldLogProbs;
import ai.otc.learner.update.UpdateConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidatorImpl;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code otc.learner.*} mapping as SmallRye Config and Hibernate Validator read it at start (without booting
 * Quarkus): the README's defaults, every single-key constraint refusing a bad value with the full key in the message,
 * and the cross-key rules of {@link LearnerSettingsProducer} (the update's own checks, the store URI, the initial
 * policy, the device). The packaged app refusing to start is {@code LearnerProcessIT}'s.
 */
class LearnerConfigTest {

  @TempDir Path tmp;

  private Map<String, String> required() {
    return Map.of(
        "otc.learner.run-id", "run-1",
        "otc.learner.policy-store", tmp.resolve("store").toUri().toString(),
        "otc.learner.checkpoint-dir", tmp.resolve("ckpt").toString());
  }

  private LearnerServiceConfig load(Map<String, String> overrides) {
    Map<String, String> p = new HashMap<>(required());
    p.putAll(overrides);
    SmallRyeConfig c = new SmallRyeConfigBuilder()
        .withMapping(LearnerServiceConfig.class)
        .withSources(new PropertiesConfigSource(p, "test", 500))
        .withValidator(new BeanValidationConfigValidatorImpl())
        .withConverter(Duration.class, 200, new DurationConverter())
        .build();
    return c.getConfigMapping(LearnerServiceConfig.class);
  }

  @Test
  void theDefaultsAreTheReadmes() {
    LearnerServiceConfig c = load(Map.of());
    assertThat(c.groupsPerStep()).isEqualTo(32);
    assertThat(c.staleness()).isEqualTo(1);
    assertThat(c.stalePolicy()).isEqualTo("drop");
    assertThat(c.algorithm()).isEqualTo("grpo");
    assertThat(c.device()).isEqualTo(DeviceChoice.AUTO);
    assertThat(c.maxSteps()).isZero();
    assertThat(c.startFrom()).isEqualTo(StartFrom.EARLIEST);
    assertThat(c.dedupeSteps()).isEqualTo(1000);
    assertThat(c.reward()).isEmpty();
    assertThat(c.initialPolicy()).isEmpty();
    assertThat(c.topics().rewarded()).isEqualTo("otc.rewarded.v1");
    assertThat(c.topics().dlq()).isEqualTo("otc.rewarded.v1.dlq");
    assertThat(c.topics().policy()).isEqualTo("otc.policy.v1");
    assertThat(c.topics().metrics()).isEqualTo("otc.metrics.v1");
    assertThat(c.topics().create()).isTrue();
    UpdateConfig u = LearnerSettingsProducer.updateConfig(c);
    assertThat(u.algorithm()).isEqualTo(Algorithm.GRPO);
    assertThat(u.lr()).isEqualTo(3e-4);
    assertThat(u.clip()).isEqualTo(0.2);
    assertThat(u.klCoef()).isEqualTo(0.01);
    assertThat(u.klEstimator()).isEqualTo(KlEstimator.LOW_VAR_KL);
    assertThat(u.entropyCoef()).isEqualTo(0.001);
    assertThat(u.miniBatches()).isEqualTo(2);
    assertThat(u.epochs()).isEqualTo(1);
    assertThat(u.lossAggregation()).isEqualTo(LossAggregation.TOKEN_MEAN);
    assertThat(u.warmupSteps()).isZero();
    assertThat(u.oldLogProbs()).isEqualTo(OldLogProbs.ROLLOUT);
    assertThat(u.weightDecay()).isEqualTo(0.01);
    assertThat(u.gradClip()).isEqualTo(1.0);
    assertThat(u.temperature()).isEqualTo(1.0);
    // The core's own defaults agree with the README's for every key the service maps.
    assertThat(u).isEqualTo(UpdateConfig.grpoDefaults());
  }

  @Test
  void ppoTakesTheCoresPpoDefaultsWithoutAKlLoss() {
    UpdateConfig u = LearnerSettingsProducer.updateConfig(load(Map.of("otc.learner.algorithm", "ppo",
        "otc.learner.kl-estimator", "k3", "otc.learner.loss-agg", "seq-mean-token-mean", "otc.learner.old-log-probs", "recompute")));
    assertThat(u.algorithm()).isEqualTo(Algorithm.PPO);
    assertThat(u.klCoef()).isZero();
    assertThat(u.criticLr()).isEqualTo(1e-3);
    assertThat(u.valueClip()).isEqualTo(0.5);
    assertThat(u.klEstimator()).isEqualTo(KlEstimator.LOW_VAR_KL);
    assertThat(u.lossAggregation()).isEqualTo(LossAggregation.SEQ_MEAN_TOKEN_MEAN);
    assertThat(u.oldLogProbs()).isEqualTo(OldLogProbs.RECOMPUTE);
  }

  @Test
  void eachBadValueIsRefusedNamingItsKey() {
    Map<String, String> bad = new java.util.LinkedHashMap<>();
    bad.put("otc.learner.run-id", "run 1");
    bad.put("otc.learner.reward", "otc grpo");
    bad.put("otc.learner.groups-per-step", "0");
    bad.put("otc.learner.staleness", "-1");
    bad.put("otc.learner.stale-policy", "keep");
    bad.put("otc.learner.algorithm", "dpo");
    bad.put("otc.learner.max-steps", "-2");
    bad.put("otc.learner.lr", "0");
    bad.put("otc.learner.clip", "1.5");
    bad.put("otc.learner.kl-coef", "-0.1");
    bad.put("otc.learner.kl-estimator", "full");
    bad.put("otc.learner.entropy-coef", "-1");
    bad.put("otc.learner.mini-batches", "0");
    bad.put("otc.learner.epochs", "0");
    bad.put("otc.learner.loss-agg", "sum");
    bad.put("otc.learner.warmup-steps", "-1");
    bad.put("otc.learner.critic-lr", "0");
    bad.put("otc.learner.value-clip", "0");
    bad.put("otc.learner.kl-in-reward-coef", "-1");
    bad.put("otc.learner.old-log-probs", "vllm");
    bad.put("otc.learner.weight-decay", "-1");
    bad.put("otc.learner.grad-clip", "0");
    bad.put("otc.learner.temperature", "0");
    bad.put("otc.learner.dedupe-steps", "0");
    bad.put("otc.learner.topics.rewarded", "");
    bad.put("otc.learner.topics.replication-factor", "0");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      assertThatThrownBy(() -> load(Map.of(e.getKey(), e.getValue())))
          .as(e.getKey())
          .hasMessageContaining(e.getKey());
    }
    for (String key : new String[] {"otc.learner.device", "otc.learner.start-from"}) {
      assertThatThrownBy(() -> load(Map.of(key, "tpu"))).as(key).hasMessageContaining(key);
    }
  }

  @Test
  void requiredKeysAreNamedWhenMissing() {
    for (String key : required().keySet()) {
      Map<String, String> p = new HashMap<>(required());
      p.remove(key);
      SmallRyeConfigBuilder b = new SmallRyeConfigBuilder().withMapping(LearnerServiceConfig.class)
          .withSources(new PropertiesConfigSource(p, "test", 500)).withValidator(new BeanValidationConfigValidatorImpl());
      assertThatThrownBy(b::build).as(key).hasMessageContaining(key);
    }
  }

  @Test
  void crossKeyRulesNameTheirKeys() throws Exception {
    // No checkpoint, no initial policy.
    assertThatThrownBy(() -> LearnerSettingsProducer.toSettings(load(Map.of()), () -> 0, () -> "engine"))
        .hasMessageStartingWith("otc.learner.initial-policy is required");
    assertThatThrownBy(() -> LearnerSettingsProducer.toSettings(load(Map.of("otc.learner.initial-policy",
        tmp.resolve("nope.zip").toString())), () -> 0, () -> "engine"))
        .hasMessageStartingWith("otc.learner.initial-policy (").hasMessageContaining("is not a readable file");
    Path junk = Files.writeString(tmp.resolve("junk.zip"), "not a zip");
    assertThatThrownBy(() -> LearnerSettingsProducer.toSettings(load(Map.of("otc.learner.initial-policy", junk.toString())),
        () -> 0, () -> "engine"))
        .hasMessageStartingWith("otc.learner.initial-policy (").hasMessageContaining("is not a valid policy artifact");
    // A value each key accepts alone but the update refuses (clip must be below 1).
    assertThatThrownBy(() -> LearnerSettingsProducer.updateConfig(load(Map.of("otc.learner.clip", "1"))))
        .hasMessageStartingWith("otc.learner.clip: clip must be in (0, 1)");
    assertThatThrownBy(() -> LearnerSettingsProducer.runStore(java.net.URI.create("s3://bucket/policies"), "r"))
        .hasMessageStartingWith("otc.learner.policy-store (s3://bucket/policies)").hasMessageContaining("unsupported");
    Path file = Files.writeString(tmp.resolve("ckpt-file"), "x");
    assertThatThrownBy(() -> LearnerSettingsProducer.toSettings(load(Map.of("otc.learner.checkpoint-dir", file.toString())),
        () -> 0, () -> "engine"))
        .hasMessageStartingWith("otc.learner.checkpoint-dir (").hasMessageContaining("is not a directory");
  }

  @Test
  void theDeviceIsResolvedAtStart() {
    Path initial = TinyPolicy.write(tmp.resolve("initial.zip"));
    Map<String, String> p = Map.of("otc.learner.initial-policy", initial.toString(), "otc.learner.device", "gpu");
    assertThatThrownBy(() -> LearnerSettingsProducer.toSettings(load(p), () -> 0, () -> "PyTorch 2.7.1"))
        .hasMessageStartingWith("otc.learner.device=gpu but the PyTorch engine reports no GPU");
    assertThat(LearnerSettingsProducer.toSettings(load(p), () -> 1, () -> "x").device()).isEqualTo("gpu");
    LearnerSettings s = LearnerSettingsProducer.toSettings(load(Map.of("otc.learner.initial-policy", initial.toString())),
        () -> 0, () -> "x");
    assertThat(s.device()).isEqualTo("cpu");
    assertThat(s.storeRoot().toString()).endsWith("/store/run-1/");
    assertThat(s.stalePolicy()).isEqualTo(StalenessGate.Policy.DROP);
  }
}
