package ai.otc.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.Topics;
import ai.otc.gateway.metrics.ToolMetrics;
import ai.otc.gateway.support.GrpcClients;
import ai.otc.proto.v1.BatchExecuteCodeRequest;
import ai.otc.proto.v1.BatchExecuteCodeResponse;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.ToolGatewayGrpc;
import ai.otc.proto.v1.ToolKind;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.testkit.kafka.KafkaBrokerResource;
import ai.otc.testkit.kafka.TopicReader;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/**
 * Single flight over a real gRPC channel and a real KRaft broker: N concurrent identical programs of one
 * tenant run once in the sandbox, yet every caller gets its own answer and its own {@code ToolUsage}
 * (the joined ones as cache hits, each charged); the same program of another tenant at the same moment
 * runs on its own.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true)
class CodeSingleFlightIT {
  @TestHTTPResource URL url;
  @Inject ToolMetrics metrics;

  @Test
  void concurrentIdenticalCallsRunOnceAndAreEachMetered() throws Exception {
    // SystemRandom: two runs would print different numbers, so equal outputs mean one run.
    // The sleep keeps the run in the air while every call boards.
    String prog = "import random, time\ntime.sleep(2)\nprint(random.SystemRandom().random())";
    int n = 4; // a tenant holds at most 4 code calls at once here (8 test slots x max-tenant-share 0.5)
    String prefix = "single-flight-" + System.nanoTime();
    double runsBefore = metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK);
    double joinedBefore = metrics.codeJoinedCalls();
    ManagedChannel ch = GrpcClients.channel(url);
    try {
      var alpha = ToolGatewayGrpc.newFutureStub(ch).withCallCredentials(GrpcClients.bearer(GrpcClients.ALPHA));
      var beta = ToolGatewayGrpc.newFutureStub(ch).withCallCredentials(GrpcClients.bearer(GrpcClients.BETA));
      List<ListenableFuture<ExecuteCodeResponse>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        fs.add(alpha.executeCode(request(prog, prefix + "/a" + i)));
      }
      ListenableFuture<ExecuteCodeResponse> fb = beta.executeCode(request(prog, prefix + "/b"));
      List<ExecuteCodeResponse> rs = new ArrayList<>();
      for (var f : fs) {
        rs.add(f.get(60, TimeUnit.SECONDS));
      }
      ExecuteCodeResponse b = fb.get(60, TimeUnit.SECONDS);

      assertThat(rs).allSatisfy(r -> assertThat(r.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK));
      assertThat(rs).extracting(ExecuteCodeResponse::getStdout).containsOnly(rs.get(0).getStdout());
      assertThat(rs).extracting(ExecuteCodeResponse::getCacheHit).containsExactlyInAnyOrder(false, true, true, true);
      assertThat(b.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
      assertThat(b.getCacheHit()).isFalse();
      assertThat(b.getStdout()).isNotEqualTo(rs.get(0).getStdout());
      // alpha's program ran once, beta's once; three alpha calls joined
      assertThat(metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK) - runsBefore).isEqualTo(2.0);
      assertThat(metrics.codeJoinedCalls() - joinedBefore).isEqualTo(n - 1.0);

      // A later identical call is an ordinary cache hit (the run landed in the cache), still metered.
      ExecuteCodeResponse later = GrpcClients.stub(ch, GrpcClients.ALPHA).executeCode(request(prog, prefix + "/a-later"));
      assertThat(later.getCacheHit()).isTrue();
      assertThat(later.getStdout()).isEqualTo(rs.get(0).getStdout());
      assertThat(metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK) - runsBefore).isEqualTo(2.0);
    } finally {
      GrpcClients.close(ch);
    }

    // One ToolUsage per call, N + 1 + 1, with the ids the trajectories' call ids give, each charged.
    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    int expected = n + 2;
    List<ToolUsage> mine;
    try (TopicReader<ToolUsage> usage = TopicReader.open(bootstrap, Topics.TOOL_USAGE, ToolUsage.parser())) {
      usage.pollUntil(ev -> ours(ev, prefix).size() >= expected, Duration.ofSeconds(30));
      usage.settle(Duration.ofMillis(500)); // a duplicate or an extra event would show up here
      mine = ours(usage.values(), prefix);
    }
    assertThat(mine).hasSize(expected);
    Map<String, ToolUsage> byId = mine.stream().collect(Collectors.toMap(ToolUsage::getId, Function.identity()));
    assertThat(byId).hasSize(expected);
    List<ToolUsage> alphaEvents = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ToolUsage e = byId.get("alpha/" + prefix + "/a" + i + ":0");
      assertThat(e).as("event of alpha call %d", i).isNotNull();
      alphaEvents.add(e);
    }
    alphaEvents.add(byId.get("alpha/" + prefix + "/a-later:0"));
    assertThat(alphaEvents).allSatisfy(e -> {
      assertThat(e.getTool()).isEqualTo(ToolKind.TOOL_KIND_CODE);
      assertThat(e.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
      assertThat(e.getCostUnits()).isEqualTo(1.0);
      assertThat(e.getRateLimited()).isFalse();
    });
    assertThat(alphaEvents).filteredOn(e -> !e.getCacheHit()).hasSize(1);
    ToolUsage be = byId.get("beta/" + prefix + "/b:0");
    assertThat(be).isNotNull();
    assertThat(be.getCacheHit()).isFalse();
    assertThat(be.getCostUnits()).isEqualTo(1.0);
  }

  @Test
  void aCallerThatLeavesDoesNotKillTheRunTheOthersWaitFor() throws Exception {
    String prog = "import random, time\ntime.sleep(2)\nprint('still here', random.SystemRandom().random())";
    String prefix = "single-flight-cancel-" + System.nanoTime();
    double joinedBefore = metrics.codeJoinedCalls();
    ManagedChannel ch = GrpcClients.channel(url);
    try {
      var alpha = ToolGatewayGrpc.newFutureStub(ch).withCallCredentials(GrpcClients.bearer(GrpcClients.ALPHA));
      ListenableFuture<ExecuteCodeResponse> leader = alpha.executeCode(request(prog, prefix + "/lead"));
      Thread.sleep(300); // the leader's run is in the air
      ListenableFuture<ExecuteCodeResponse> follower = alpha.executeCode(request(prog, prefix + "/follow"));
      Thread.sleep(300);
      leader.cancel(true);
      ExecuteCodeResponse r = follower.get(60, TimeUnit.SECONDS);
      assertThat(r.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
      assertThat(r.getStdout()).startsWith("still here");
      assertThat(r.getCacheHit()).isTrue();
      assertThat(metrics.codeJoinedCalls() - joinedBefore).isEqualTo(1.0);
    } finally {
      GrpcClients.close(ch);
    }
  }

  @Test
  void aBatchOfCopiesRunsOnceAndMetersEveryCallOnce() throws Exception {
    String prog = "import random\nprint('batched', random.SystemRandom().random())";
    String prefix = "single-flight-batch-" + System.nanoTime();
    int n = 6; // over the tenant's 4 code permits: the copies ride on the one run's permit
    double runsBefore = metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK);
    BatchExecuteCodeRequest.Builder req = BatchExecuteCodeRequest.newBuilder();
    for (int i = 0; i < n; i++) {
      req.addRequests(request(prog, prefix + "/c" + i));
    }
    ManagedChannel ch = GrpcClients.channel(url);
    BatchExecuteCodeResponse r;
    try {
      r = GrpcClients.stub(ch, GrpcClients.ALPHA).batchExecuteCode(req.build());
      // a retry of the whole batch replays every call id: no second run, no second event
      BatchExecuteCodeResponse again = GrpcClients.stub(ch, GrpcClients.ALPHA).batchExecuteCode(req.build());
      assertThat(again.getResponsesList()).allSatisfy(x -> assertThat(x.getReplayed()).isTrue());
    } finally {
      GrpcClients.close(ch);
    }
    assertThat(r.getResponsesList()).allSatisfy(x -> assertThat(x.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK));
    assertThat(r.getResponsesList()).extracting(ExecuteCodeResponse::getStdout).containsOnly(r.getResponses(0).getStdout());
    assertThat(metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK) - runsBefore).isEqualTo(1.0);

    String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    List<ToolUsage> mine;
    try (TopicReader<ToolUsage> usage = TopicReader.open(bootstrap, Topics.TOOL_USAGE, ToolUsage.parser())) {
      usage.pollUntil(ev -> ours(ev, prefix).size() >= n, Duration.ofSeconds(30));
      usage.settle(Duration.ofMillis(500)); // a duplicate or an extra event would show up here
      mine = ours(usage.values(), prefix);
    }
    assertThat(mine).hasSize(n);
    assertThat(mine).extracting(ToolUsage::getId).doesNotHaveDuplicates();
    for (int i = 0; i < n; i++) {
      String id = "alpha/" + prefix + "/c" + i + ":0";
      assertThat(mine).as("event %s", id).anySatisfy(e -> assertThat(e.getId()).isEqualTo(id));
    }
    assertThat(mine).allSatisfy(e -> {
      assertThat(e.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
      assertThat(e.getCostUnits()).isEqualTo(1.0);
    });
    assertThat(mine).filteredOn(e -> !e.getCacheHit()).hasSize(1);
  }

  private static ExecuteCodeRequest request(String code, String trajectory) {
    return ExecuteCodeRequest.newBuilder().setCode(code).setTimeoutMs(20_000)
        .setCallId(trajectory + ":0")
        .setContext(CallContext.newBuilder().setTrajectoryId(trajectory).setCallIndex(0)).build();
  }

  private static List<ToolUsage> ours(List<ToolUsage> events, String prefix) {
    return events.stream().filter(e -> e.getTrajectoryId().startsWith(prefix)).toList();
  }
}
