package ai.otc.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.Topics;
import ai.otc.gateway.metrics.ToolMetrics;
import ai.otc.gateway.support.GrpcClients;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.SearchRequest;
import ai.otc.proto.v1.SearchResponse;
import ai.otc.proto.v1.ToolKind;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.testkit.kafka.KafkaBrokerResource;
import ai.otc.testkit.kafka.TopicReader;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Two tenants sending the same trajectory id, call index and {@code call_id}, over a real gRPC channel
 * and a real KRaft broker: each tenant's call runs (its own sandbox run, no cache hit on the other's
 * result, no replay of the other's call) and is metered under its own id, so a consumer deduping by id
 * keeps both; the same tenant repeating its call is kept once. Search results stay shared.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
class TenantScopedMeteringIT {
  @TestHTTPResource URL url;
  @Inject ToolMetrics metrics;

  @Test
  void aTenantReusingAnotherTenantsTrajectoryIdIsMeteredAndRunOnItsOwn() throws Exception {
    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    CallContext shared = CallContext.newBuilder().setTrajectoryId("shared-traj").setCallIndex(3).setPolicyVersion(1).build();
    // A program whose output differs per run: beta getting alpha's output would show.
    ExecuteCodeRequest code = ExecuteCodeRequest.newBuilder().setCode("import random\nprint(random.SystemRandom().random())")
        .setCallId("shared-call").setContext(shared).build();
    CallContext searchCtx = CallContext.newBuilder().setTrajectoryId("search-traj").setCallIndex(0).build();
    SearchRequest search = SearchRequest.newBuilder().setQuery("capital of Germany, asked by two tenants").setTopK(2).setContext(searchCtx).build();

    double runsBefore = metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK);
    ManagedChannel ch = GrpcClients.channel(url);
    try {
      var alpha = GrpcClients.stub(ch, GrpcClients.ALPHA);
      var beta = GrpcClients.stub(ch, GrpcClients.BETA);

      ExecuteCodeResponse a = alpha.executeCode(code);
      ExecuteCodeResponse b = beta.executeCode(code);
      assertThat(List.of(a.getStatus(), b.getStatus())).containsOnly(ToolStatus.TOOL_STATUS_OK);
      assertThat(b.getReplayed()).as("beta replayed alpha's call").isFalse();
      assertThat(b.getCacheHit()).as("beta served alpha's cached result").isFalse();
      assertThat(b.getStdout()).isNotEqualTo(a.getStdout());
      assertThat(metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK) - runsBefore).as("sandbox runs").isEqualTo(2.0);
      // Each tenant's retry replays its own result, without running or metering again.
      ExecuteCodeResponse aAgain = alpha.executeCode(code);
      ExecuteCodeResponse bAgain = beta.executeCode(code);
      assertThat(aAgain.getReplayed()).isTrue();
      assertThat(aAgain.getStdout()).isEqualTo(a.getStdout());
      assertThat(bAgain.getReplayed()).isTrue();
      assertThat(bAgain.getStdout()).isEqualTo(b.getStdout());
      assertThat(metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK) - runsBefore).isEqualTo(2.0);

      // Search results are public corpus data and stay shared: beta's identical query is a hit.
      SearchResponse sa = alpha.search(search);
      SearchResponse sb = beta.search(search);
      assertThat(sa.getCacheHit()).isFalse();
      assertThat(sb.getCacheHit()).isTrue();
      assertThat(sa.getPassages(0).getTitle()).isEqualTo("Berlin");
      assertThat(sb.getPassagesList()).isEqualTo(sa.getPassagesList());
      // alpha repeats its search with the same context: a second record under the same id.
      assertThat(alpha.search(search).getCacheHit()).isTrue();
    } finally {
      GrpcClients.close(ch);
    }

    int records = 5; // 2 code calls (the replays are not metered) + 3 searches
    List<ToolUsage> events;
    try (TopicReader<ToolUsage> usage = TopicReader.open(bootstrap, Topics.TOOL_USAGE, ToolUsage.parser())) {
      usage.pollUntil(ev -> ev.size() >= records, Duration.ofSeconds(30));
      usage.settle(Duration.ofMillis(500)); // an extra event would show up here
      events = usage.values();
    }
    assertThat(events).hasSize(records);
    // A consumer deduping by id (first one wins, as the CloudEvents ce_id allows):
    Map<String, ToolUsage> byId = new LinkedHashMap<>();
    events.forEach(e -> byId.putIfAbsent(e.getId(), e));
    assertThat(byId.keySet()).containsExactlyInAnyOrder(
        "alpha/shared-traj:3", "beta/shared-traj:3", "alpha/search-traj:0", "beta/search-traj:0");

    ToolUsage alphaCode = byId.get("alpha/shared-traj:3");
    ToolUsage betaCode = byId.get("beta/shared-traj:3");
    for (ToolUsage e : List.of(alphaCode, betaCode)) {
      assertThat(e.getTool()).isEqualTo(ToolKind.TOOL_KIND_CODE);
      assertThat(e.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
      assertThat(e.getCacheHit()).isFalse();
      assertThat(e.getTrajectoryId()).isEqualTo("shared-traj");
      assertThat(e.getCallIndex()).isEqualTo(3);
      assertThat(e.getCostUnits()).isEqualTo(1.0);
    }
    assertThat(alphaCode.getTenant()).isEqualTo("alpha");
    assertThat(betaCode.getTenant()).isEqualTo("beta");
    assertThat(byId.get("beta/search-traj:0").getCacheHit()).isTrue();
    // The same tenant's repeated call is kept once.
    assertThat(events.stream().filter(e -> e.getId().equals("alpha/search-traj:0"))).hasSize(2);

    // Billing after dedupe: each tenant pays for its own code call and its one search.
    Map<String, Double> cost = byId.values().stream()
        .collect(Collectors.groupingBy(ToolUsage::getTenant, Collectors.summingDouble(ToolUsage::getCostUnits)));
    assertThat(cost).containsExactlyInAnyOrderEntriesOf(Map.of("alpha", 2.0, "beta", 2.0));
  }
}
