package ai.otc.rollout.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.rollout.gateway.GatewayClientConfig;
import ai.otc.rollout.sampling.SamplerConfig;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import ai.otc.world.WorldIo;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidatorImpl;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code otc.rollout.*} mapping as SmallRye Config and Hibernate Validator read it at start (without booting
 * Quarkus): the README's defaults, every key's bad values refused naming the key, the token never echoed, and the
 * cross-key rules of {@link RolloutBeans} naming their keys. The packaged app refusing to start is in
 * {@code RolloutProcessIT}.
 */
class RolloutConfigTest {
  private static final String TOKEN = "rollout-token-0123456789";

  @TempDir Path tmp;

  private static Map<String, String> required() {
    Map<String, String> p = new HashMap<>();
    p.put("otc.rollout.run-id", "run-1");
    p.put("otc.rollout.world", "/nonexistent/world");
    p.put("otc.rollout.policy-store", "file:///tmp/policies");
    p.put("otc.rollout.gateway.token", TOKEN);
    return p;
  }

  static RolloutServiceConfig load(Map<String, String> overrides) {
    Map<String, String> p = required();
    p.putAll(overrides);
    p.values().removeIf(v -> v == null);
    SmallRyeConfig c = new SmallRyeConfigBuilder()
        .withMapping(RolloutServiceConfig.class)
        .withSources(new PropertiesConfigSource(p, "test", 500))
        .withValidator(new BeanValidationConfigValidatorImpl())
        .withConverter(Duration.class, 200, new DurationConverter())
        .build();
    return c.getConfigMapping(RolloutServiceConfig.class);
  }

  @Test
  void theDefaultsAreTheReadmes() {
    RolloutServiceConfig c = load(Map.of());
    assertThat(c.seed()).isZero();
    assertThat(c.groupSize()).isEqualTo(8);
    assertThat(c.questionsPerStep()).isEqualTo(32);
    assertThat(c.instanceIndex()).isZero();
    assertThat(c.instanceCount()).isEqualTo(1);
    assertThat(c.staleness()).isEqualTo(1);
    assertThat(c.temperature()).isEqualTo(1.0);
    assertThat(c.topP()).isEqualTo(1.0);
    assertThat(c.maxTurns()).isEqualTo(4);
    assertThat(c.maxCodeCalls()).isEqualTo(3);
    assertThat(c.topK()).isEqualTo(1);
    assertThat(c.maxLength()).isZero();
    assertThat(c.maxBatches()).isZero();
    assertThat(c.device()).isEqualTo("cpu");
    assertThat(c.backoff()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.progressInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.gateway().target()).isEqualTo("127.0.0.1:8090");
    assertThat(c.gateway().deadline()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.gateway().codeTimeout()).isEqualTo(Duration.ZERO);
    assertThat(c.gateway().codeParallelism()).isEqualTo(8);
    assertThat(c.gateway().maxBatch()).isEqualTo(256);
    assertThat(c.gateway().retry().maxAttempts()).isEqualTo(5);
    assertThat(c.gateway().retry().initialBackoff()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.gateway().retry().maxBackoff()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.gateway().retry().multiplier()).isEqualTo(2.0);
    assertThat(c.gateway().retry().jitter()).isEqualTo(1.0);
    assertThat(c.gateway().retry().maxRateLimitWait()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.gateway().retry().defaultRetryAfter()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.topics().rollouts()).isEqualTo("otc.rollouts.v1");
    assertThat(c.topics().policy()).isEqualTo("otc.policy.v1");
    assertThat(c.topics().create()).isTrue();
    assertThat(c.topics().replicationFactor()).isEqualTo((short) 1);
    assertThat(c.producer()).isEmpty();
    assertThat(c.consumer()).isEmpty();
    // the plain components take the defaults as they are
    SamplerConfig s = RolloutBeans.sampler(c);
    assertThat(s).isEqualTo(new SamplerConfig(8, 1f, 1f, 4, 3, 1, 0));
    GatewayClientConfig g = RolloutBeans.gateway(c);
    assertThat(g.retry()).isEqualTo(ai.otc.rollout.gateway.RetryPolicy.defaults());
    assertThat(g).isEqualTo(GatewayClientConfig.of(TOKEN)); // the client's own defaults
  }

  @Test
  void valuesAtTheirBoundsAreAccepted() {
    RolloutServiceConfig c = load(Map.ofEntries(
        Map.entry("otc.rollout.group-size", "1024"),
        Map.entry("otc.rollout.staleness", "0"),
        Map.entry("otc.rollout.temperature", "100"),
        Map.entry("otc.rollout.top-p", "1"),
        Map.entry("otc.rollout.max-code-calls", "0"),
        Map.entry("otc.rollout.top-k", "10"),
        Map.entry("otc.rollout.device", "gpu:1"),
        Map.entry("otc.rollout.gateway.target", "gateway.otc.svc:8090"),
        Map.entry("otc.rollout.gateway.retry.jitter", "0"),
        Map.entry("otc.rollout.gateway.retry.max-attempts", "1"),
        Map.entry("otc.rollout.producer.\"linger.ms\"", "20")));
    assertThat(c.groupSize()).isEqualTo(1024);
    assertThat(c.device()).isEqualTo("gpu:1");
    assertThat(c.producer()).containsEntry("linger.ms", "20");
  }

  @Test
  void everyBadValueStopsTheStartNamingItsKey() {
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("otc.rollout.run-id", "run/1");
    bad.put("otc.rollout.seed", "seven");
    bad.put("otc.rollout.group-size", "0");
    bad.put("otc.rollout.questions-per-step", "0");
    bad.put("otc.rollout.instance-index", "-1");
    bad.put("otc.rollout.instance-count", "0");
    bad.put("otc.rollout.staleness", "-1");
    bad.put("otc.rollout.policy-store", "not a uri");
    bad.put("otc.rollout.temperature", "0");
    bad.put("otc.rollout.top-p", "1.5");
    bad.put("otc.rollout.max-turns", "0");
    bad.put("otc.rollout.max-code-calls", "-1");
    bad.put("otc.rollout.top-k", "11");
    bad.put("otc.rollout.max-length", "-1");
    bad.put("otc.rollout.max-batches", "-1");
    bad.put("otc.rollout.device", "tpu");
    bad.put("otc.rollout.backoff", "0s");
    bad.put("otc.rollout.max-backoff", "later");
    bad.put("otc.rollout.drain-timeout", "-1s");
    bad.put("otc.rollout.progress-interval", "10ms");
    bad.put("otc.rollout.gateway.target", "127.0.0.1");
    bad.put("otc.rollout.gateway.deadline", "5ms");
    bad.put("otc.rollout.gateway.code-timeout", "-1s");
    bad.put("otc.rollout.gateway.code-parallelism", "0");
    bad.put("otc.rollout.gateway.max-batch", "0");
    bad.put("otc.rollout.gateway.retry.max-attempts", "0");
    bad.put("otc.rollout.gateway.retry.initial-backoff", "-5ms");
    bad.put("otc.rollout.gateway.retry.max-backoff", "x");
    bad.put("otc.rollout.gateway.retry.multiplier", "0.5");
    bad.put("otc.rollout.gateway.retry.jitter", "1.5");
    bad.put("otc.rollout.gateway.retry.max-rate-limit-wait", "-1s");
    bad.put("otc.rollout.gateway.retry.default-retry-after", "soon");
    bad.put("otc.rollout.topics.rollouts", " ");
    bad.put("otc.rollout.topics.policy", "");
    bad.put("otc.rollout.topics.replication-factor", "0");
    java.util.List<String> accepted = new java.util.ArrayList<>();
    for (Map.Entry<String, String> e : bad.entrySet()) {
      try {
        load(Map.of(e.getKey(), e.getValue()));
        accepted.add(e.getKey() + "=" + e.getValue());
      } catch (RuntimeException ex) {
        assertThat(ex).as("%s=%s", e.getKey(), e.getValue()).hasMessageContaining(e.getKey());
      }
    }
    assertThat(accepted).as("bad values accepted").isEmpty();
  }

  @Test
  void aMissingRequiredKeyIsNamed() {
    for (String key : new String[] {"otc.rollout.run-id", "otc.rollout.world", "otc.rollout.policy-store",
        "otc.rollout.gateway.token"}) {
      Map<String, String> p = new HashMap<>();
      p.put(key, null);
      assertThatThrownBy(() -> load(p)).as(key).hasMessageContaining(key);
    }
  }

  @Test
  void aShortTokenIsNamedButNotEchoed() {
    assertThatThrownBy(() -> load(Map.of("otc.rollout.gateway.token", "s3cr3t-short")))
        .hasMessageContaining("otc.rollout.gateway.token")
        .hasMessageNotContaining("s3cr3t-short");
  }

  @Test
  void theRulesAcrossKeysNameTheirKeys() {
    assertThatThrownBy(() -> RolloutBeans.checkInstances(load(Map.of("otc.rollout.instance-index", "2",
        "otc.rollout.instance-count", "2"))))
        .hasMessageStartingWith("otc.rollout.instance-index (2) must be below otc.rollout.instance-count (2)");
    assertThatThrownBy(() -> RolloutBeans.checkInstances(load(Map.of("otc.rollout.instance-count", "5",
        "otc.rollout.questions-per-step", "4"))))
        .hasMessageStartingWith("otc.rollout.instance-count (5) must be at most otc.rollout.questions-per-step (4)");
    assertThatThrownBy(() -> RolloutBeans.checkInstances(load(Map.of("otc.rollout.backoff", "10s",
        "otc.rollout.max-backoff", "5s"))))
        .hasMessageStartingWith("otc.rollout.max-backoff (PT5S) must be at least otc.rollout.backoff (PT10S)");
    assertThatThrownBy(() -> RolloutBeans.gateway(load(Map.of("otc.rollout.gateway.retry.initial-backoff", "3s"))))
        .hasMessageStartingWith("otc.rollout.gateway.retry.max-backoff (PT2S) must be at least")
        .hasMessageNotContaining(TOKEN);
    assertThatThrownBy(() -> RolloutBeans.world(load(Map.of())))
        .hasMessageStartingWith("otc.rollout.world (/nonexistent/world) is not a directory");
  }

  @Test
  void theWorldIsReadAndTheBatchSizeCheckedAgainstItsTrainSplit() {
    Path dir = tmp.resolve("world");
    WorldIo.write(WorldGenerator.generate(WorldConfig.tiny(0)), dir);
    RolloutServiceConfig ok = load(Map.of("otc.rollout.world", dir.toString(), "otc.rollout.questions-per-step", "4",
        "otc.rollout.instance-count", "2", "otc.rollout.instance-index", "1"));
    assertThat(RolloutBeans.plan(ok, RolloutBeans.world(ok)).sharePositions()).containsExactly(1, 3);
    RolloutServiceConfig tooBig = load(Map.of("otc.rollout.world", dir.toString(), "otc.rollout.questions-per-step", "100000"));
    assertThatThrownBy(() -> RolloutBeans.plan(tooBig, RolloutBeans.world(tooBig)))
        .hasMessageStartingWith("otc.rollout.{questions-per-step,instance-index,instance-count,world}: ")
        .hasMessageContaining("too large");
    Path notAWorld = tmp.resolve("empty");
    notAWorld.toFile().mkdirs();
    RolloutServiceConfig empty = load(Map.of("otc.rollout.world", notAWorld.toString()));
    assertThatThrownBy(() -> RolloutBeans.world(empty)).hasMessageStartingWith("otc.rollout.world (" + notAWorld + "): ")
        .hasMessageContaining("no world.json");
  }
}
