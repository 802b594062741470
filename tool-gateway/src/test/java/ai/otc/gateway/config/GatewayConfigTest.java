package ai.otc.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.tools.search.SearchRanking;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidatorImpl;
import java.io.StringReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The {@code otc.gateway.*} mapping as SmallRye Config and Hibernate Validator read it at start
 * (without booting Quarkus): the defaults of the README, and a value out of range stops the start
 * with an error that names the full key. The cross-key rules ({@link GatewayBeans}) and a malformed
 * value are covered against the packaged app by {@code GatewayProcessIT}.
 */
class GatewayConfigTest {

  private static final Map<String, String> REQUIRED = Map.of(
      "otc.gateway.search.corpus", "corpus.jsonl",
      "otc.gateway.search.index-dir", "index",
      "otc.gateway.metering.spool-dir", "spool");

  private static GatewayConfig load(Map<String, String> overrides) {
    Map<String, String> p = new HashMap<>(REQUIRED);
    p.putAll(overrides);
    SmallRyeConfig c = new SmallRyeConfigBuilder()
        .withMapping(GatewayConfig.class)
        .withSources(new PropertiesConfigSource(p, "test", 500))
        .withValidator(new BeanValidationConfigValidatorImpl())
        // Quarkus' converter, which adds the short forms ("20s", "50ms") to ISO-8601 durations.
        .withConverter(Duration.class, 200, new DurationConverter())
        .build();
    return c.getConfigMapping(GatewayConfig.class);
  }

  @Test
  void theDefaultsAreTheReadmes() {
    GatewayConfig c = load(Map.of());
    assertThat(c.search().maxTopK()).isEqualTo(10);
    assertThat(c.search().defaultTopK()).isEqualTo(3);
    assertThat(c.search().ranking()).isEqualTo(SearchRanking.BM25);
    assertThat(load(Map.of("otc.gateway.search.ranking", "world")).search().ranking()).isEqualTo(SearchRanking.WORLD);
    assertThat(c.code().slots()).isEqualTo(16);
    assertThat(c.code().defaultTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(c.limits().search().rate()).isEqualTo(1000);
    assertThat(c.limits().search().burst()).isEqualTo(2000);
    assertThat(c.limits().budget().window()).isEqualTo(Duration.ofHours(1));
    assertThat(c.metering().topic()).isEqualTo("otc.tool-usage.v1");
    assertThat(c.metering().segmentEvents()).isEqualTo(1024);
    assertThat(c.replicas().virtualNodes()).isEqualTo(128);
    assertThat(c.drain().timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.cache().searchMaxBytes()).isEqualTo(64L << 20);
    assertThat(c.cache().codeMaxBytes()).isEqualTo(16L << 20);
    assertThat(c.cache().searchShared()).isTrue();
    assertThat(c.idempotency().maxBytes()).isEqualTo(32L << 20);
    assertThat(c.limits().maxTenantShare()).isEqualTo(0.5);
  }

  @Test
  void theSandboxCapsDefaultAndAreCheckedNamingTheirKeys() {
    GatewayConfig.Code k = load(Map.of()).code();
    assertThat(k.maxProcesses()).isEqualTo(16);
    assertThat(k.treeMemoryBytes()).isEqualTo(1L << 30);
    assertThat(k.treeCpuSeconds()).isEqualTo(10);
    assertThat(k.treeWatchInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(k.tmpfsBytes()).isEqualTo(64L << 20);
    assertThat(k.seccomp()).isTrue();
    GatewayConfig.Code edge = load(Map.of("otc.gateway.code.tree-memory-bytes", "1048576",
        "otc.gateway.code.tree-watch-interval", "1s", "otc.gateway.code.max-processes", "4096",
        "otc.gateway.code.seccomp", "false")).code();
    assertThat(edge.treeMemoryBytes()).isEqualTo(1L << 20);
    assertThat(edge.seccomp()).isFalse();
    Map<String, String> bad = Map.of(
        "otc.gateway.code.tree-memory-bytes", "1048575",
        "otc.gateway.code.tree-cpu-seconds", "0",
        "otc.gateway.code.tree-watch-interval", "5ms",
        "otc.gateway.code.max-processes", "4097",
        "otc.gateway.code.tmpfs-bytes", "0");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      assertThatThrownBy(() -> load(Map.of(e.getKey(), e.getValue())))
          .as("%s=%s", e.getKey(), e.getValue())
          .hasMessageContaining(e.getKey());
    }
    assertThatThrownBy(() -> load(Map.of("otc.gateway.code.tree-watch-interval", "2s")))
        .hasMessageContaining("otc.gateway.code.tree-watch-interval");
  }

  @Test
  void valuesAtTheirBoundsAreAccepted() {
    GatewayConfig c = load(Map.of(
        "otc.gateway.search.max-top-k", "1000",
        "otc.gateway.code.uid-base", "1000",
        "otc.gateway.limits.code.cost-units", "0",
        "otc.gateway.cache.search-max-bytes", "0",
        "otc.gateway.cache.code-max-bytes", "68719476736",
        "otc.gateway.idempotency.max-bytes", "0",
        "otc.gateway.auth.tenants.a.token", "0123456789abcdef"));
    assertThat(c.cache().codeMaxBytes()).isEqualTo(64L << 30);
    assertThat(c.search().maxTopK()).isEqualTo(1000);
    assertThat(c.code().uidBase()).isEqualTo(1000);
    assertThat(c.auth().tenants().get("a").token()).hasSize(16);
  }

  @Test
  void aValueOutOfRangeStopsTheStartNamingTheKey() {
    Map<String, String> bad = Map.of(
        "otc.gateway.search.max-top-k", "1001",
        "otc.gateway.limits.search.max-concurrency", "0",
        "otc.gateway.limits.code.period", "0s",
        "otc.gateway.limits.budget.units", "-1",
        "otc.gateway.code.uid-base", "999",
        "otc.gateway.metering.resend-interval", "0s",
        "otc.gateway.replicas.virtual-nodes", "0",
        "otc.gateway.cache.search-max-bytes", "-1",
        "otc.gateway.cache.code-max-bytes", "68719476737",
        "otc.gateway.idempotency.max-bytes", "-1");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      assertThatThrownBy(() -> load(Map.of(e.getKey(), e.getValue())))
          .as("%s=%s", e.getKey(), e.getValue())
          .hasMessageContaining(e.getKey());
    }
  }

  @Test
  void theTenantShareIsAFractionAboveZeroAndAtMostOne() {
    String key = "otc.gateway.limits.max-tenant-share";
    assertThat(load(Map.of(key, "1")).limits().maxTenantShare()).isEqualTo(1.0);
    assertThat(load(Map.of(key, "0.01")).limits().maxTenantShare()).isEqualTo(0.01);
    for (String bad : new String[] {"0", "-0.5", "1.01", "NaN", "half"}) {
      assertThatThrownBy(() -> load(Map.of(key, bad))).as("%s=%s", key, bad).hasMessageContaining(key);
    }
  }

  @Test
  void aTenantsOverridesAndTokenAreCheckedUnderTheirOwnKeys() {
    assertThatThrownBy(() -> load(Map.of(
            "otc.gateway.limits.tenants.tight.code.rate", "0",
            "otc.gateway.limits.tenants.tight.code.period", "1h",
            "otc.gateway.limits.tenants.tight.code.burst", "1")))
        .hasMessageContaining("otc.gateway.limits.tenants.tight.code.rate");
    assertThatThrownBy(() -> load(Map.of("otc.gateway.limits.tenants.tight.budget-units", "0")))
        .hasMessageContaining("otc.gateway.limits.tenants.tight.budget-units");
    assertThatThrownBy(() -> load(Map.of("otc.gateway.auth.tenants.alpha.token", "short")))
        .hasMessageContaining("otc.gateway.auth.tenants.alpha.token")
        .hasMessageNotContaining("short");
  }

  @Test
  void aSubjectKeyIsReadFromAPropertiesFileQuotedAndEscaped() throws Exception {
    // the README's form: '=' escaped for the properties format, quotes around the dots and commas
    Properties file = new Properties();
    file.load(new StringReader("""
        otc.gateway.auth.mtls-principals."CN\\=rollout-a,O\\=otc"=alpha
        otc.gateway.auth.mtls-principals."CN\\=rollout-b.example.org,OU\\=train,O\\=otc"=beta
        """));
    Map<String, String> p = new HashMap<>();
    file.forEach((k, v) -> p.put((String) k, (String) v));
    assertThat(load(p).auth().mtlsPrincipals())
        .containsExactlyInAnyOrderEntriesOf(Map.of("CN=rollout-a,O=otc", "alpha", "CN=rollout-b.example.org,OU=train,O=otc", "beta"));
  }

  @Test
  void theSendsWaitingInMemoryAreBoundedAndTheBoundIsChecked() {
    assertThat(load(Map.of()).metering().maxQueuedSends()).isEqualTo(4096);
    assertThat(load(Map.of("otc.gateway.metering.max-queued-sends", "1")).metering().maxQueuedSends()).isEqualTo(1);
    assertThatThrownBy(() -> load(Map.of("otc.gateway.metering.max-queued-sends", "0")))
        .hasMessageContaining("otc.gateway.metering.max-queued-sends");
  }
}
