package ai.otc.reward.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.reward.domain.RewardLimits;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidatorImpl;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code otc.reward.limits.*} as SmallRye Config and Hibernate Validator read them at start (without booting
 * Quarkus): the defaults of the README; a value out of range, or a rule across keys broken, stops the start with an
 * error naming the key. (The packaged app refusing to start is in {@code OversizedRecordsIT}.)
 */
class RewardLimitsConfigTest {

  private static RewardServiceConfig load(Map<String, String> p) {
    SmallRyeConfig c = new SmallRyeConfigBuilder()
        .withMapping(RewardServiceConfig.class)
        .withSources(new PropertiesConfigSource(p, "test", 500))
        .withValidator(new BeanValidationConfigValidatorImpl())
        .withConverter(Duration.class, 200, new DurationConverter())
        .build();
    return c.getConfigMapping(RewardServiceConfig.class);
  }

  @Test
  void theDefaultsAreTheReadmes() {
    RewardLimits l = RewardSettingsProducer.toSettings(load(Map.of())).limits();
    assertThat(l).isEqualTo(RewardLimits.DEFAULTS);
    assertThat(l.maxRecordBytes()).isEqualTo(1 << 20);
    assertThat(l.maxGroupSize()).isEqualTo(256);
    assertThat(l.maxPendingGroups()).isEqualTo(100_000);
    assertThat(l.maxPendingBytes()).isEqualTo(256L << 20);
  }

  @Test
  void aValueOutOfRangeNamesTheKey() {
    for (String[] bad : new String[][] {
        {"otc.reward.limits.max-group-size", "0"}, {"otc.reward.limits.max-group-size", "100001"},
        {"otc.reward.limits.max-record-bytes", "65535"}, {"otc.reward.limits.max-pending-groups", "0"},
        {"otc.reward.limits.max-pending-bytes", "1000"}, {"otc.reward.limits.max-group-size", "many"}}) {
      assertThatThrownBy(() -> load(Map.of(bad[0], bad[1]))).as("%s=%s", bad[0], bad[1]).hasMessageContaining(bad[0]);
    }
  }

  @Test
  void rulesAcrossKeysNameTheKeys() {
    assertThatThrownBy(() -> RewardSettingsProducer.toSettings(load(Map.of("otc.reward.limits.max-record-bytes", "4194304",
            "otc.reward.limits.max-pending-bytes", "2097152"))))
        .hasMessageStartingWith("otc.reward.limits.max-pending-bytes (2097152) must be at least otc.reward.limits.max-record-bytes (4194304)");
    assertThatThrownBy(() -> RewardSettingsProducer.toSettings(load(Map.of("otc.reward.producer.\"max.request.size\"", "100000"))))
        .hasMessageStartingWith("otc.reward.producer.\"max.request.size\" (100000) must be at least otc.reward.limits.max-record-bytes");
    assertThatThrownBy(() -> RewardSettingsProducer.toSettings(load(Map.of("otc.reward.limits.max-record-bytes", "100000",
            "otc.reward.producer.\"batch.size\"", "200000"))))
        .hasMessageStartingWith("otc.reward.producer.\"batch.size\" (200000) must be at most otc.reward.limits.max-record-bytes");
    assertThat(RewardSettingsProducer.toSettings(load(Map.of("otc.reward.limits.max-record-bytes", "4194304",
        "otc.reward.limits.max-pending-bytes", "4194304", "otc.reward.producer.\"max.request.size\"", "8388608"))).limits().maxRecordBytes())
        .isEqualTo(4 << 20);
  }
}
