package ai.otc.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.gateway.messaging.Topics;
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
import io.quarkus.test.common.ResourceArg;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Metering through a real embedded KRaft broker: every call, allowed or refused, is exactly one
 * {@code ToolUsage} on {@code otc.tool-usage.v1}, keyed by tenant, with its deterministic id.
 * (Broker outage and gateway restart: {@code UsageMeterIT}.)
 */
@QuarkusTest
// The gateway does not create otc.tool-usage.v1 itself: the broker creates it on the first write.
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true,
    initArgs = @ResourceArg(name = KafkaBrokerResource.AUTO_CREATE_TOPICS, value = "true"))
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
        ToolUsage e = byId.get("traj-" + i + ":1");
        assertThat(e).as("event traj-%d:1", i).isNotNull();
        assertThat(e.getTenant()).isEqualTo("alpha");
        assertThat(e.getTool()).isEqualTo(ToolKind.TOOL_KIND_SEARCH);
        assertThat(e.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
        assertThat(e.getPolicyVersion()).isEqualTo(7);
        assertThat(e.getCacheHit()).isEqualTo(i >= 10);
        assertThat(e.getCostUnits()).isEqualTo(1.0);
        assertThat(e.getType()).isEqualTo(Topics.USAGE_EVENT_TYPE);
        assertThat(e.getSpecversion()).isEqualTo("1.0");
      }
      ToolUsage code = byId.get("alpha:code:code-1");
      assertThat(code.getTool()).isEqualTo(ToolKind.TOOL_KIND_CODE);
      assertThat(code.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);

      List<ToolUsage> tightEvents = events.stream().filter(e -> e.getTenant().equals("tight")).toList();
      assertThat(tightEvents).hasSize(5);
      List<ToolUsage> refusedEvents = tightEvents.stream().filter(ToolUsage::getRateLimited).toList();
      assertThat(refusedEvents).hasSize(2).allSatisfy(e -> {
        assertThat(e.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_RATE_LIMITED);
        assertThat(e.getRefusal()).isEqualTo("rate");
        assertThat(e.getCostUnits()).isZero();
        assertThat(e.getId()).startsWith(e.getTrajectoryId() + ":0:refused:");
      });

      // key = tenant, type and id headers for consumers that do not parse the value
      for (ConsumerRecord<String, byte[]> r : records) {
        ToolUsage e = ToolUsage.parseFrom(r.value());
        assertThat(r.key()).isEqualTo(e.getTenant());
        assertThat(new String(r.headers().lastHeader(Topics.HEADER_CE_ID).value(), StandardCharsets.UTF_8)).isEqualTo(e.getId());
        assertThat(new String(r.headers().lastHeader(Topics.HEADER_TYPE).value(), StandardCharsets.UTF_8)).isEqualTo("otc.v1.ToolUsage");
      }
      Set<String> partitionsPerTenant = new HashSet<>();
      records.forEach(r -> partitionsPerTenant.add(r.key() + "@" + r.partition()));
      assertThat(partitionsPerTenant).hasSize(2);
    } finally {
      GrpcClients.close(ch);
    }
  }
}
