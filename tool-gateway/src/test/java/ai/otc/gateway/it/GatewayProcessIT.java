package ai.otc.gateway.it;

import ai.otc.gateway.support.PackagedGateway;
import ai.otc.gateway.support.GrpcClients;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.contract.Topics;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.SearchRequest;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.testkit.process.ServiceProcess;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged gateway as a real process against a real embedded KRaft broker on 127.0.0.1:
 * N allowed calls are exactly N distinct usage events also across a crash (SIGKILL) and restart of the
 * gateway (the spool re-sends what the dead process had not delivered, and a new process never reuses
 * an old event id), refused calls are metered as refused, shadow mode lets an over-the-limit call
 * through and meters it as shadow-refused, a host without a working sandbox refuses code calls with a
 * clear status, and configuration errors stop the start naming the key.
 */
class GatewayProcessIT {
  /** The gateway does not create otc.tool-usage.v1 itself: the broker creates it on the first write. */
  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass();

  @TempDir Path tmp;

  private Map<String, String> config(Path spool, boolean sandbox) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kafka.bootstrap.servers", broker.bootstrap());
    p.put("otc.gateway.search.corpus", Path.of("src/test/resources/corpus.jsonl").toAbsolutePath().toString());
    p.put("otc.gateway.search.index-dir", tmp.resolve("index").toString());
    p.put("otc.gateway.metering.spool-dir", spool.toString());
    p.put("otc.gateway.metering.source", "/tool-gateway/process-it");
    p.put("otc.gateway.auth.tenants.alpha.token", GrpcClients.ALPHA);
    p.put("otc.gateway.auth.tenants.tight.token", GrpcClients.TIGHT);
    p.put("otc.gateway.limits.tenants.tight.search.rate", "1");
    p.put("otc.gateway.limits.tenants.tight.search.period", "1h");
    p.put("otc.gateway.limits.tenants.tight.search.burst", "2");
    p.put("otc.gateway.code.uid-base", "65000");
    p.put("otc.gateway.code.slots", "2");
    if (!sandbox) {
      p.put("otc.gateway.code.bwrap", "/nonexistent/bwrap");
    }
    return p;
  }

  private static SearchRequest anonymous(int i) {
    return SearchRequest.newBuilder().setQuery("river king " + i).setTopK(2).build();
  }

  @Test
  void exactlyOneDistinctEventPerCallAcrossACrashAndARestart() throws Exception {
    Path spool = tmp.resolve("spool");
    int allowedPerLife = 25;
    int refusedFirstLife = 0;
    // first life: no usable sandbox (code refused with a clear status), then SIGKILL right after the calls
    try (ServiceProcess g1 = PackagedGateway.builder("gateway-it-1").properties(config(spool, false)).startAndAwaitReady()) {
      ManagedChannel ch = GrpcClients.channel(g1.port());
      try {
        var alpha = GrpcClients.stub(ch, GrpcClients.ALPHA);
        var tight = GrpcClients.stub(ch, GrpcClients.TIGHT);
        for (int i = 0; i < allowedPerLife; i++) {
          // no call context: ids come from the replica's own counter
          assertThat(alpha.search(anonymous(i)).getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
        }
        for (int i = 0; i < 4; i++) {
          try {
            tight.search(SearchRequest.newBuilder().setQuery("paris").setTopK(1)
                .setContext(CallContext.newBuilder().setTrajectoryId("tight-traj").setCallIndex(i)).build());
          } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
            refusedFirstLife++;
          }
        }
        assertThatThrownBy(() -> alpha.executeCode(ExecuteCodeRequest.newBuilder().setCode("print(1)").build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription()).contains("sandbox unavailable").contains("bubblewrap");
            });
      } finally {
        GrpcClients.close(ch);
      }
      g1.kill();
    }
    assertThat(refusedFirstLife).isEqualTo(2);

    // second life on the same spool, with the sandbox and limits in shadow mode, stopped gracefully
    Map<String, String> second = config(spool, true);
    second.put("otc.gateway.limits.shadow", "true");
    try (ServiceProcess g2 = PackagedGateway.builder("gateway-it-2").properties(second).startAndAwaitReady()) {
      ManagedChannel ch = GrpcClients.channel(g2.port());
      try {
        var alpha = GrpcClients.stub(ch, GrpcClients.ALPHA);
        for (int i = 0; i < allowedPerLife; i++) {
          assertThat(alpha.search(anonymous(i)).getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
        }
        var tight = GrpcClients.stub(ch, GrpcClients.TIGHT);
        // the buckets live in the process: a new life starts full (routing by tenant keeps one owner); in
        // shadow mode the third call, over the burst of 2, is let through and only counted
        for (int i = 0; i < 3; i++) {
          assertThat(tight.search(SearchRequest.newBuilder().setQuery("paris").setTopK(1)
              .setContext(CallContext.newBuilder().setTrajectoryId("tight-traj-2").setCallIndex(i)).build()).getStatus())
              .isEqualTo(ToolStatus.TOOL_STATUS_OK);
        }
        var code = alpha.executeCode(ExecuteCodeRequest.newBuilder().setCode("print(6*7)").build());
        assertThat(code.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
      } finally {
        GrpcClients.close(ch);
      }
      g2.terminate();
    }

    // life 1: 25 alpha searches + 2 allowed + 2 refused tight searches + 1 unavailable code call
    // life 2: 25 alpha searches + 3 tight searches (one over the limit, shadow) + 1 code call
    int expected = (allowedPerLife + 4 + 1) + (allowedPerLife + 3 + 1);
    List<ToolUsage> events;
    Set<String> keys;
    try (TopicReader<ToolUsage> usage = TopicReader.open(broker.bootstrap(), Topics.TOOL_USAGE, ToolUsage.parser())) {
      usage.pollUntil(ev -> ev.stream().map(ToolUsage::getId).distinct().count() >= expected, Duration.ofSeconds(60));
      usage.settle(Duration.ofMillis(500)); // a duplicate or an extra event would show up here
      events = usage.values();
      keys = usage.records().stream().map(r -> r.key()).collect(Collectors.toSet());
    }
    Map<String, ToolUsage> byId = new LinkedHashMap<>();
    events.forEach(e -> byId.putIfAbsent(e.getId(), e));
    assertThat(byId).as("distinct event ids").hasSize(expected);
    // at-least-once: a duplicate may only repeat an id with identical content
    for (ToolUsage e : events) {
      assertThat(e).isEqualTo(byId.get(e.getId()));
    }
    List<ToolUsage> distinct = List.copyOf(byId.values());
    assertThat(distinct.stream().filter(e -> e.getTenant().equals("alpha") && e.getStatus() == ToolStatus.TOOL_STATUS_OK
        && e.getTool() == ai.otc.proto.v1.ToolKind.TOOL_KIND_SEARCH)).hasSize(2 * allowedPerLife);
    Set<String> lives = new HashSet<>();
    for (ToolUsage e : distinct) {
      if (e.getTenant().equals("alpha") && e.getTrajectoryId().isEmpty()) {
        // <tenant>/<source>:<boot>:<n>
        assertThat(e.getId()).startsWith("alpha//tool-gateway/process-it:");
        lives.add(e.getId().split(":")[1]);
      }
    }
    assertThat(lives).as("two lives, two boot ids").hasSize(2);
    List<ToolUsage> refused = distinct.stream().filter(ToolUsage::getRateLimited).toList();
    assertThat(refused).hasSize(2).allSatisfy(e -> {
      assertThat(e.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_RATE_LIMITED);
      assertThat(e.getRefusal()).isEqualTo("rate");
      assertThat(e.getTenant()).isEqualTo("tight");
    });
    List<ToolUsage> shadow = distinct.stream().filter(ToolUsage::getShadowRefused).toList();
    assertThat(shadow).hasSize(1).allSatisfy(e -> {
      assertThat(e.getId()).isEqualTo("tight/tight-traj-2:2");
      assertThat(e.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
      assertThat(e.getRateLimited()).isFalse();
      assertThat(e.getRefusal()).isEqualTo("rate");
      assertThat(e.getCostUnits()).isEqualTo(1.0);
    });
    assertThat(distinct.stream().filter(e -> e.getStatus() == ToolStatus.TOOL_STATUS_UNAVAILABLE)).hasSize(1);
    assertThat(distinct.stream().filter(e -> e.getTool() == ai.otc.proto.v1.ToolKind.TOOL_KIND_CODE
        && e.getStatus() == ToolStatus.TOOL_STATUS_OK)).hasSize(1);
    assertThat(keys).containsExactlyInAnyOrder("alpha", "tight");
  }

  @Test
  void configurationErrorsStopTheStartNamingTheKey() throws Exception {
    Map<String, String> badRange = config(tmp.resolve("spool-a"), true);
    badRange.put("otc.gateway.search.default-top-k", "50");
    assertStartFails(badRange, "otc.gateway.search.default-top-k");

    Map<String, String> badType = config(tmp.resolve("spool-b"), true);
    badType.put("otc.gateway.code.slots", "many");
    assertStartFails(badType, "otc.gateway.code.slots");

    Map<String, String> shortToken = config(tmp.resolve("spool-c"), true);
    shortToken.put("otc.gateway.auth.tenants.alpha.token", "short");
    assertStartFails(shortToken, "otc.gateway.auth.tenants.alpha.token");

    Map<String, String> badRanking = config(tmp.resolve("spool-d"), true);
    badRanking.put("otc.gateway.search.ranking", "tfidf");
    assertStartFails(badRanking, "otc.gateway.search.ranking");

    Map<String, String> badTreeCap = config(tmp.resolve("spool-e"), true);
    badTreeCap.put("otc.gateway.code.tree-memory-bytes", "1024");
    assertStartFails(badTreeCap, "otc.gateway.code.tree-memory-bytes");
  }

  private void assertStartFails(Map<String, String> props, String key) throws Exception {
    try (ServiceProcess g = PackagedGateway.builder("gateway-it-bad-" + key).properties(props).start()) {
      int code = g.awaitExit(Duration.ofSeconds(90));
      assertThat(code).as("exit code").isNotZero();
      assertThat(g.logText()).contains(key);
    }
  }
}
