package ai.otc.gateway.config;

import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.KafkaConnection;
import ai.otc.gateway.auth.TenantDirectory;
import ai.otc.gateway.cache.CodeFlights;
import ai.otc.gateway.cache.IdempotencyStore;
import ai.otc.gateway.cache.ResultCache;
import ai.otc.gateway.domain.Tool;
import ai.otc.gateway.limits.LimitPolicy;
import ai.otc.gateway.limits.LimitService;
import ai.otc.gateway.limits.RoutingGuard;
import ai.otc.gateway.limits.TenantShares;
import ai.otc.gateway.metering.TopicGate;
import ai.otc.gateway.metering.UsageEvents;
import ai.otc.gateway.metering.UsageMeter;
import ai.otc.gateway.metrics.ToolMetrics;
import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.tools.sandbox.Sandbox;
import ai.otc.tools.sandbox.SandboxConfig;
import ai.otc.tools.search.SearchEngine;
import ai.otc.tools.search.SearchIndexException;
import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Builds the gateway's components from {@link GatewayConfig} at start (eagerly, so a bad key or a
 * missing corpus fails the boot with the key's name rather than the first call). Single keys are
 * range-checked by the constraints on {@link GatewayConfig}; the rules that span keys are checked
 * here, and an {@link IllegalArgumentException} of a component is re-thrown with the key in front.
 * The components are plain classes; only this wiring knows Quarkus.
 */
@ApplicationScoped
public class GatewayBeans {
  private static final Logger LOG = Logger.getLogger(GatewayBeans.class);

  @Produces
  @ApplicationScoped
  @Startup
  SearchEngine searchEngine(GatewayConfig c) {
    if (c.search().defaultTopK() > c.search().maxTopK()) {
      throw new IllegalArgumentException("otc.gateway.search.default-top-k must be at most otc.gateway.search.max-top-k ("
          + c.search().maxTopK() + "), was " + c.search().defaultTopK());
    }
    long t0 = System.nanoTime();
    SearchEngine e;
    try {
      e = SearchEngine.open(c.search().corpus(), c.search().indexDir());
    } catch (SearchIndexException ex) {
      throw new IllegalArgumentException("otc.gateway.search.corpus / otc.gateway.search.index-dir: " + ex.getMessage(), ex);
    }
    LOG.infof("search index %s: %d passages, %s in %d ms, ranking %s", c.search().indexDir(), e.documents(),
        e.rebuilt() ? "built" : "reused", (System.nanoTime() - t0) / 1_000_000, c.search().ranking());
    return e;
  }

  void closeSearch(@Disposes SearchEngine e) throws IOException {
    e.close();
  }

  @Produces
  @ApplicationScoped
  @Startup
  Sandbox sandbox(GatewayConfig c) {
    GatewayConfig.Code k = c.code();
    if (k.defaultTimeout().compareTo(k.maxTimeout()) > 0) {
      throw new IllegalArgumentException("otc.gateway.code.default-timeout must be at most otc.gateway.code.max-timeout ("
          + k.maxTimeout() + "), was " + k.defaultTimeout());
    }
    SandboxConfig sc;
    try {
      sc = new SandboxConfig(k.python(), k.bwrap(), k.prlimit(), k.setpriv(), k.roBinds(),
          k.uidBase(), k.slots(), k.addressSpaceBytes(), k.cpuSeconds(), k.maxProcesses(), k.maxFileBytes(),
          k.maxOpenFiles(), k.tmpfsBytes(), k.defaultTimeout(), k.maxTimeout(), k.outputKeepBytes(), k.outputKeepBytes(),
          k.treeMemoryBytes(), k.treeCpuSeconds(), k.treeWatchInterval(), k.seccomp());
    } catch (IllegalArgumentException ex) {
      // e.g. "slots must be >= 1": the record's names are the keys' last segments in camel case
      throw new IllegalArgumentException("otc.gateway.code: " + ex.getMessage(), ex);
    }
    Sandbox s = Sandbox.create(sc);
    if (s.available()) {
      LOG.infof("code sandbox ready: %d slots, uids %d..%d; per run: %d processes, %d bytes resident and %d CPU s "
          + "for all of them together, %d bytes per tmpfs; nested user namespaces stopped by %s; seccomp %s",
          k.slots(), k.uidBase(), k.uidBase() + k.slots() - 1, k.maxProcesses(), k.treeMemoryBytes(),
          k.treeCpuSeconds(), k.tmpfsBytes(),
          s.userNamespacesDisabledByBwrap() ? "bwrap --disable-userns" + (s.seccompFiltered() ? " and the filter" : "")
              : (s.seccompFiltered() ? "the seccomp filter" : "NOTHING (bwrap too old, filter off)"),
          s.seccompFiltered() ? "on" : "off");
      if (!k.seccomp()) {
        LOG.warn("otc.gateway.code.seccomp=false: code runs without the seccomp filter");
      }
    } else {
      LOG.errorf("code sandbox UNAVAILABLE, code calls will be refused: %s", s.unavailableReason());
    }
    return s;
  }

  @Produces
  @ApplicationScoped
  @Startup
  LimitService limits(GatewayConfig c) {
    GatewayConfig.Limits l = c.limits();
    Map<Tool, LimitPolicy.BucketSpec> buckets = new EnumMap<>(Tool.class);
    Map<Tool, Integer> conc = new EnumMap<>(Tool.class);
    Map<Tool, Double> cost = new EnumMap<>(Tool.class);
    for (Tool t : Tool.values()) {
      GatewayConfig.ToolLimits tl = t == Tool.SEARCH ? l.search() : l.code();
      buckets.put(t, spec("otc.gateway.limits." + t.id(), tl.rate(), tl.period(), tl.burst()));
      conc.put(t, tl.maxConcurrency());
      cost.put(t, tl.costUnits());
    }
    Map<String, Map<Tool, LimitPolicy.BucketSpec>> tenantBuckets = new HashMap<>();
    Map<String, Double> tenantBudgets = new HashMap<>();
    l.tenants().forEach((tenant, o) -> {
      String key = "otc.gateway.limits.tenants." + tenant;
      Map<Tool, LimitPolicy.BucketSpec> m = new EnumMap<>(Tool.class);
      o.search().ifPresent(b -> m.put(Tool.SEARCH, spec(key + ".search", b.rate(), b.period(), b.burst())));
      o.code().ifPresent(b -> m.put(Tool.CODE, spec(key + ".code", b.rate(), b.period(), b.burst())));
      tenantBuckets.put(tenant, m);
      o.budgetUnits().ifPresent(u -> tenantBudgets.put(tenant, u));
    });
    // A tenant's share is of what can really run at once: for code that is the sandbox's slots when fewer
    // than the permits (calls over the slots would wait for one, behind the greedy tenant's calls).
    Map<Tool, Integer> perTenant = new EnumMap<>(Tool.class);
    perTenant.put(Tool.SEARCH, TenantShares.cap(l.maxTenantShare(), l.search().maxConcurrency()));
    perTenant.put(Tool.CODE, TenantShares.cap(l.maxTenantShare(), Math.min(l.code().maxConcurrency(), c.code().slots())));
    LOG.infof("limits: one tenant may hold at most %d search and %d code calls at once (max-tenant-share %s)",
        perTenant.get(Tool.SEARCH), perTenant.get(Tool.CODE), l.maxTenantShare());
    LimitPolicy p = new LimitPolicy(l.shadow(), buckets, tenantBuckets, conc, cost, l.budget().units(), tenantBudgets,
        l.budget().window(), l.concurrencyRetryAfter(), perTenant);
    return new LimitService(p, TimeMeter.SYSTEM_NANOTIME);
  }

  private static LimitPolicy.BucketSpec spec(String key, long rate, java.time.Duration period, long burst) {
    try {
      return new LimitPolicy.BucketSpec(rate, period, burst);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  @Produces
  @ApplicationScoped
  ResultCache cache(GatewayConfig c) {
    GatewayConfig.Cache k = c.cache();
    LOG.infof("result cache %s: search %d bytes (%s), code %d bytes (per tenant), ttl %s; idempotency %d bytes, ttl %s",
        k.enabled() ? "on" : "off", k.searchMaxBytes(), k.searchShared() ? "shared" : "per tenant", k.codeMaxBytes(), k.ttl(),
        c.idempotency().maxBytes(), c.idempotency().ttl());
    return new ResultCache(k.enabled(), k.searchMaxBytes(), k.codeMaxBytes(), k.searchShared(), k.ttl());
  }

  /** Single flight of identical code calls per tenant; on while the cache is (and the key allows it). */
  @Produces
  @ApplicationScoped
  CodeFlights<ExecuteCodeResponse> codeFlights(GatewayConfig c, ResultCache cache) {
    boolean on = c.cache().codeSingleFlight();
    LOG.infof("code single flight %s", on ? "on (while the cache is on)" : "off");
    return new CodeFlights<>(() -> on && cache.enabled());
  }

  @Produces
  @ApplicationScoped
  IdempotencyStore idempotency(GatewayConfig c) {
    return new IdempotencyStore(c.idempotency().maxBytes(), c.idempotency().ttl());
  }

  @Produces
  @ApplicationScoped
  @Startup
  UsageMeter meter(GatewayConfig c, KafkaConnection kafka) {
    Map<String, Object> props = meteringClientSettings(kafka, c.metering().producer());
    TopicGate gate = new TopicGate(props, TopicTable.get(Topics.TOOL_USAGE).withName(c.metering().topic()),
        c.metering().createTopic(), c.metering().replicationFactor(), c.metering().resendInterval());
    return new UsageMeter(props, gate, c.metering().spoolDir(), c.metering().resendInterval(), c.metering().segmentEvents(),
        c.metering().maxQueuedSends());
  }

  /**
   * The metering clients' settings (the producer, and the usage topic gate's Admin, which takes the address and the
   * {@code security.*}, {@code sasl.*}, {@code ssl.*} keys of these): the service's connection
   * ({@code kafka.bootstrap.servers}, {@code kafka.security.protocol}, {@code kafka.sasl.*}, {@code kafka.ssl.*}), then
   * {@code otc.gateway.metering.producer."…"}; the address is always {@code kafka.bootstrap.servers}.
   */
  static Map<String, Object> meteringClientSettings(KafkaConnection kafka, Map<String, String> producerOverrides) {
    Map<String, Object> props = new LinkedHashMap<>(kafka.clientSettings());
    props.putAll(producerOverrides);
    props.put("bootstrap.servers", kafka.bootstrap());
    props.putIfAbsent("client.id", "tool-gateway-metering");
    return props;
  }

  /** The broker connection of the service, read once; a bad value stops the start naming its key. */
  @Produces
  @Singleton
  KafkaConnection kafkaConnection(Config config) {
    return KafkaConnection.fromConfig(config.getPropertyNames(), name -> config.getOptionalValue(name, String.class));
  }

  void closeMeter(@Disposes UsageMeter m) {
    m.close();
  }

  @Produces
  @ApplicationScoped
  UsageEvents events(GatewayConfig c) {
    return new UsageEvents(c.metering().source());
  }

  @Produces
  @ApplicationScoped
  ToolMetrics metrics(MeterRegistry registry) {
    return new ToolMetrics(registry);
  }

  @Produces
  @ApplicationScoped
  @Startup
  TenantDirectory tenants(GatewayConfig c) {
    Map<String, String> tokens = new HashMap<>();
    c.auth().tenants().forEach((t, a) -> tokens.put(t, a.token()));
    if (tokens.isEmpty() && c.auth().mtlsPrincipals().isEmpty()) {
      throw new IllegalArgumentException("otc.gateway.auth.tenants: no tenant configured, every call would be refused");
    }
    TenantDirectory dir = new TenantDirectory(tokens, c.auth().mtlsPrincipals());
    // subjects are not secrets; they are what an operator checks when a certificate is refused
    LOG.infof("auth: %d tenant(s) by bearer token, client-certificate subjects %s", tokens.size(), c.auth().mtlsPrincipals());
    return dir;
  }

  @Produces
  @ApplicationScoped
  @Startup
  RoutingGuard routing(GatewayConfig c) {
    return new RoutingGuard(c.replicas().self(), c.replicas().members(), c.replicas().virtualNodes());
  }
}
