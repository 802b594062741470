package ai.otc.gateway.it;

import ai.otc.gateway.support.GrpcClients;
import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.CloudEvents;
import ai.otc.contract.TopicSpec;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.SearchRequest;
import ai.otc.proto.v1.ToolKind;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.testkit.kafka.KafkaBrokerResource;
import ai.otc.testkit.kafka.TopicReader;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Metering through a real embedded KRaft broker: every call, allowed or refused, is exactly one
 * {@code ToolUsage} on {@code otc.tool-usage.v1}, keyed by tenant, with its deterministic id and the
 * contract's headers; the gateway created the topic from the contract's topic table.
 * (Broker outage and gateway restart: {@code UsageMeterIT}.)
 */
@QuarkusTest
// The kit's broker does not auto-create topics: the gateway creates otc.tool-usage.v1 from the contract's table.
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
class MeteringIT {
  @TestHTTPResource URL url;

  @Test
  void oneEventPerCallAllowedRefusedOrCachedWithDeterministicIds() throws Exception {
    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    ManagedChannel ch = GrpcClients.channel(url);
    try {
      var alpha = GrpcClients.stub(ch, GrpcClients.ALPHA);
      var tight = GrpcClients.stub(ch, GrpcClients.TIGHT);
      int n = 40;
      for (int i = 0; i < n; i++) {
        // queries repeat every 10: 30 of the 40 are cache hits
        alpha.search(SearchRequest.newBuilder().setQuery("river king " + (i % 10)).setTopK(3)
            .setContext(CallContext.newBuilder().setTrajectoryId("traj-" + i).setCallIndex(1).setPolicyVersion(7)).build());
      }
      alpha.executeCode(ExecuteCodeRequest.newBuilder().setCode("print(2+2)").setCallId("code-1").build());
      alpha.executeCode(ExecuteCodeRequest.newBuilder().setCode("print(2+2)").setCallId("code-1").build()); // replay: no event
      int refused = 0;
      for (int i = 0; i < 5; i++) {
        try {
          tight.search(SearchRequest.newBuilder().setQuery("paris " + i).setTopK(1)
              .setContext(CallContext.newBuilder().setTrajectoryId("tight-" + i).setCallIndex(0)).build());
        } catch (StatusRuntimeException e) {
          refused++;
        }
      }
      assertThat(refused).isEqualTo(2);
      int expected = n + 1 + 5;

      List<ConsumerRecord<String, byte[]>> records;
      List<ToolUsage> events;
      try (TopicReader<ToolUsage> usage = TopicReader.open(bootstrap, Topics.TOOL_USAGE, ToolUsage.parser())) {
        usage.pollUntil(ev -> ev.size() >= expected, Duration.ofSeconds(30));
        usage.settle(Duration.ofMillis(500)); // a duplicate or an extra event would show up here
        records = usage.records().stream().map(r -> r.raw()).toList();
        events = usage.values();
      }
      assertThat(events).hasSize(expected);
      Map<String, ToolUsage> byId = events.stream().collect(Collectors.toMap(ToolUsage::getId, Function.identity()));
      assertThat(byId).hasSize(expected);

      for (int i = 0; i < n; i++) {
        ToolUsage e = byId.get("alpha/traj-" + i + ":1");
        assertThat(e).as("event alpha/traj-%d:1", i).isNotNull();
        assertThat(e.getTenant()).isEqualTo("alpha");
        assertThat(e.getTool()).isEqualTo(ToolKind.TOOL_KIND_SEARCH);
        assertThat(e.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
        assertThat(e.getPolicyVersion()).isEqualTo(7);
        assertThat(e.getCacheHit()).isEqualTo(i >= 10);
        assertThat(e.getCostUnits()).isEqualTo(1.0);
        assertThat(e.getType()).isEqualTo(CloudEvents.TYPE_TOOL_USAGE);
        assertThat(e.getSpecversion()).isEqualTo("1.0");
      }
      ToolUsage code = byId.get("alpha/code:code-1");
      assertThat(code.getTool()).isEqualTo(ToolKind.TOOL_KIND_CODE);
      assertThat(code.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);

      List<ToolUsage> tightEvents = events.stream().filter(e -> e.getTenant().equals("tight")).toList();
      assertThat(tightEvents).hasSize(5);
      List<ToolUsage> refusedEvents = tightEvents.stream().filter(ToolUsage::getRateLimited).toList();
      assertThat(refusedEvents).hasSize(2).allSatisfy(e -> {
        assertThat(e.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_RATE_LIMITED);
        assertThat(e.getRefusal()).isEqualTo("rate");
        assertThat(e.getCostUnits()).isZero();
        assertThat(e.getId()).startsWith("tight/" + e.getTrajectoryId() + ":0:refused:");
      });

      // key = tenant, type and id headers for consumers that do not parse the value; no header drift from the contract
      for (ConsumerRecord<String, byte[]> r : records) {
        ToolUsage e = ToolUsage.parseFrom(r.value());
        assertThat(r.key()).isEqualTo(e.getTenant());
        assertThat(new String(r.headers().lastHeader(CloudEvents.HEADER_ID).value(), StandardCharsets.UTF_8)).isEqualTo(e.getId());
        assertThat(new String(r.headers().lastHeader("otc-type").value(), StandardCharsets.UTF_8)).isEqualTo("otc.v1.ToolUsage");
        assertThat(ContractHeaders.problems(Topics.TOOL_USAGE, r.headers())).as("headers of %s", e.getId()).isEmpty();
      }
      // The gateway created the topic as the contract's table says (this broker's auto-creation would give 1 partition).
      TopicSpec spec = TopicTable.get(Topics.TOOL_USAGE);
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        assertThat(admin.describeTopics(List.of(Topics.TOOL_USAGE)).allTopicNames().get(30, TimeUnit.SECONDS).get(Topics.TOOL_USAGE)
            .partitions()).hasSize(spec.partitions());
        ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, Topics.TOOL_USAGE);
        Config cfg = admin.describeConfigs(List.of(res)).all().get(30, TimeUnit.SECONDS).get(res);
        spec.configs(1).forEach((k, v) -> assertThat(cfg.get(k).value()).as(k).isEqualTo(v));
      }
      Set<String> partitionsPerTenant = new HashSet<>();
      records.forEach(r -> partitionsPerTenant.add(r.key() + "@" + r.partition()));
      assertThat(partitionsPerTenant).hasSize(2);
    } finally {
      GrpcClients.close(ch);
    }
  }
}
