package ai.otc.gateway.it;

import ai.otc.gateway.support.GrpcClients;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.otc.contract.GrpcMetadata;
import ai.otc.gateway.grpc.ToolGatewayService;
import ai.otc.gateway.metrics.ToolMetrics;
import ai.otc.proto.v1.BatchSearchRequest;
import ai.otc.proto.v1.BatchSearchResponse;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.QuotaRequest;
import ai.otc.proto.v1.QuotaResponse;
import ai.otc.proto.v1.QuotaStatus;
import ai.otc.proto.v1.RateLimitDescriptor;
import ai.otc.proto.v1.SearchRequest;
import ai.otc.proto.v1.SearchResponse;
import ai.otc.proto.v1.ToolGatewayGrpc;
import ai.otc.proto.v1.ToolStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gateway over a real Netty channel on 127.0.0.1: identity, validation, search, limits with
 * retry-after trailers, quota, cache accounting, idempotent code retries, deadlines and sandbox
 * statuses, and the Prometheus metrics. (Metering to a real broker: {@code MeteringIT}.)
 */
@QuarkusTest
class ToolGatewayGrpcTest {
  @TestHTTPResource URL url;
  @Inject ToolMetrics metrics;
  @Inject ai.otc.gateway.health.InFlight inFlight;

  ManagedChannel channel;
  ToolGatewayGrpc.ToolGatewayBlockingStub alpha;

  @BeforeEach
  void open() {
    channel = GrpcClients.channel(url);
    alpha = GrpcClients.stub(channel, GrpcClients.ALPHA);
  }

  @AfterEach
  void close() throws InterruptedException {
    GrpcClients.close(channel);
  }

  private static SearchRequest q(String query, int k) {
    return SearchRequest.newBuilder().setQuery(query).setTopK(k).build();
  }

  @Test
  void everyToolRpcNeedsACredential() {
    for (String token : new String[] {null, "not-a-known-token-xyz"}) {
      var s = GrpcClients.stub(channel, token);
      assertThatThrownBy(() -> s.search(q("paris", 3)))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
      assertThatThrownBy(() -> s.executeCode(ExecuteCodeRequest.newBuilder().setCode("print(1)").build()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
      assertThatThrownBy(() -> s.getQuota(QuotaRequest.getDefaultInstance()))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
    }
  }

  @Test
  void theTenantComesFromTheTokenNeverFromTheRequest() {
    QuotaResponse a = alpha.getQuota(QuotaRequest.getDefaultInstance());
    assertThat(a.getTenant()).isEqualTo("alpha");
    assertThat(GrpcClients.stub(channel, GrpcClients.BETA).getQuota(QuotaRequest.getDefaultInstance()).getTenant()).isEqualTo("beta");
    QuotaRequest other = QuotaRequest.newBuilder().addDescriptors(RateLimitDescriptor.newBuilder()
        .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("tenant").setValue("beta"))
        .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("tool").setValue("search"))).build();
    assertThatThrownBy(() -> alpha.getQuota(other))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED));
  }

  @Test
  void searchAnswersSearchR1FormattedPassages() {
    SearchResponse r = alpha.search(q("capital of France", 3));
    assertThat(r.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
    // only Paris and Berlin mention a capital or France
    assertThat(r.getPassagesCount()).isEqualTo(2);
    assertThat(r.getPassages(0).getId()).isEqualTo("p1");
    assertThat(r.getFormatted()).startsWith("Doc 1(Title: Paris) Paris is the capital and most populous city of France.\nDoc 2(Title: ");
    // top_k 0 means Search-R1's default 3
    assertThat(alpha.search(q("river king", 0)).getPassagesCount()).isEqualTo(3);
  }

  @Test
  void batchSearchAnswersInRequestOrder() {
    BatchSearchResponse r = alpha.batchSearch(BatchSearchRequest.newBuilder()
        .addRequests(q("Guido van Rossum language", 1))
        .addRequests(q("first computer program mathematician", 2))
        .addRequests(q("capital of Germany", 1)).build());
    assertThat(r.getResponsesList()).extracting(x -> x.getPassages(0).getId()).containsExactly("p4", "p5", "p2");
    assertThat(r.getResponses(1).getPassagesCount()).isEqualTo(2);
  }

  @Test
  void invalidInputIsInvalidArgumentWithAMessage() {
    assertInvalid(() -> alpha.search(q("   ", 3)), "query must not be empty");
    assertInvalid(() -> alpha.search(q("paris", 11)), "top_k must be in 1..10");
    assertInvalid(() -> alpha.search(q("paris", -1)), "top_k");
    assertInvalid(() -> alpha.search(q("x".repeat(3000), 3)), "max-query-chars");
    assertInvalid(() -> alpha.batchSearch(BatchSearchRequest.getDefaultInstance()), "a batch needs");
    assertInvalid(() -> alpha.batchSearch(BatchSearchRequest.newBuilder().addRequests(q("ok", 1)).addRequests(q("", 1)).build()),
        "requests[1]: query must not be empty");
    assertInvalid(() -> alpha.executeCode(ExecuteCodeRequest.newBuilder().setCode("").build()), "code must not be empty");
    assertInvalid(() -> alpha.executeCode(ExecuteCodeRequest.newBuilder().setCode("#" + "x".repeat(70_000)).build()),
        "over the limit of 65536");
    assertInvalid(() -> alpha.executeCode(ExecuteCodeRequest.newBuilder().setCode("print(1)").setTimeoutMs(-5).build()), "timeout_ms");
    assertInvalid(() -> alpha.executeCode(ExecuteCodeRequest.newBuilder().setCode("print(1)").setCallId("c".repeat(300)).build()),
        "call_id has more than 256 characters");
    assertInvalid(() -> alpha.getQuota(QuotaRequest.newBuilder().addDescriptors(RateLimitDescriptor.newBuilder()
        .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("tool").setValue("browser"))).build()), "unknown tool browser");
    assertInvalid(() -> alpha.getQuota(QuotaRequest.newBuilder().addDescriptors(RateLimitDescriptor.newBuilder()
        .addEntries(RateLimitDescriptor.Entry.newBuilder().setKey("region").setValue("eu"))).build()), "unknown key region");
  }

  @Test
  void tenMebibytesOfOutputComeBackTruncatedAndBounded() {
    ExecuteCodeResponse r = alpha.executeCode(ExecuteCodeRequest.newBuilder()
        .setCode("import sys\nsys.stdout.write('y' * (10 * 1024 * 1024))\nprint('END')").build());
    assertThat(r.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
    assertThat(r.getTruncated()).isTrue();
    // the gateway kept 32 KiB from each end (otc.gateway.code.output-keep-bytes), not 10 MiB
    assertThat(r.getStdout().length()).isLessThan(2 * 32768 + 100);
    assertThat(r.getStdout()).endsWith("END\n").contains("bytes dropped");
    assertThat(r.getObservation().length()).isLessThan(1000);
  }

  private static void assertInvalid(Runnable call, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains(message);
    });
  }

  @Test
  void overTheLimitIsResourceExhaustedWithRetryAfterAndQuotaShowsIt() {
    var tight = GrpcClients.stub(channel, GrpcClients.TIGHT);
    QuotaResponse before = tight.getQuota(QuotaRequest.getDefaultInstance());
    QuotaStatus search = before.getStatusesList().stream().filter(s -> s.getTool().equals("search")).findFirst().orElseThrow();
    assertThat(search.getLimitRemaining()).isEqualTo(3);
    assertThat(search.getRequestsPerUnit()).isEqualTo(1);
    assertThat(search.getUnitMillis()).isEqualTo(3_600_000);
    assertThat(tight.getQuota(QuotaRequest.newBuilder().setHitsAddend(4).build()).getOverallCode()).isEqualTo(QuotaStatus.Code.OVER_LIMIT);

    // Same query three times: the 2nd and 3rd are cache hits and still use a token each.
    for (int i = 0; i < 3; i++) {
      SearchResponse r = tight.search(q("tight tenant query about Paris", 1));
      assertThat(r.getCacheHit()).isEqualTo(i > 0);
    }
    StatusRuntimeException e = org.junit.jupiter.api.Assertions.assertThrows(StatusRuntimeException.class,
        () -> tight.search(q("tight tenant query about Paris", 1)));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    long retry = Long.parseLong(e.getTrailers().get(GrpcMetadata.RETRY_AFTER_MS_KEY));
    // one token per hour: the next one is due in (almost) an hour
    assertThat(retry).isBetween(3_500_000L, 3_600_000L);
    QuotaResponse after = tight.getQuota(QuotaRequest.getDefaultInstance());
    assertThat(after.getStatusesList().stream().filter(s -> s.getTool().equals("search")).findFirst().orElseThrow().getLimitRemaining()).isZero();
    assertThat(after.getOverallCode()).isEqualTo(QuotaStatus.Code.OVER_LIMIT);

    // In a batch the refused queries are answered in place, with the retry-after trailer.
    var headers = new java.util.concurrent.atomic.AtomicReference<io.grpc.Metadata>();
    var trailers = new java.util.concurrent.atomic.AtomicReference<io.grpc.Metadata>();
    BatchSearchResponse b = tight.withInterceptors(io.grpc.stub.MetadataUtils.newCaptureMetadataInterceptor(headers, trailers))
        .batchSearch(BatchSearchRequest.newBuilder().addRequests(q("paris", 1)).addRequests(q("berlin", 1)).build());
    assertThat(b.getResponsesList()).extracting(SearchResponse::getStatus).containsOnly(ToolStatus.TOOL_STATUS_RATE_LIMITED);
    assertThat(trailers.get().get(GrpcMetadata.RETRY_AFTER_MS_KEY)).isNotNull();

    // another tenant is unaffected
    assertThat(alpha.search(q("tight tenant query about Paris", 1)).getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
  }

  @Test
  void codeRunsSandboxedWithToRlObservationsAndStatuses() {
    ExecuteCodeResponse ok = alpha.executeCode(ExecuteCodeRequest.newBuilder().setCode("print(sum(range(10)))").build());
    assertThat(ok.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
    assertThat(ok.getObservation()).isEqualTo("45\n");
    ExecuteCodeResponse err = alpha.executeCode(ExecuteCodeRequest.newBuilder().setCode("import nosuchmodule").build());
    assertThat(err.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_ERROR);
    assertThat(err.getObservation()).isEqualTo("ModuleNotFoundError: No module named 'nosuchmodule'");
    ExecuteCodeResponse slow = alpha.executeCode(ExecuteCodeRequest.newBuilder().setCode("import time\ntime.sleep(30)").setTimeoutMs(500).build());
    assertThat(slow.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_TIMEOUT);
    assertThat(slow.getObservation()).isEqualTo(ai.otc.core.protocol.CodeProtocol.TIMEOUT_MESSAGE);
    ExecuteCodeResponse oom = alpha.executeCode(ExecuteCodeRequest.newBuilder().setCode("x = bytearray(2 * 1024**3)").build());
    assertThat(oom.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OOM);
  }

  @Test
  void aRetriedCallIdReplaysTheFirstResultAndRunsOnce() throws Exception {
    String prog = "import random\nprint(random.SystemRandom().random())";
    double runsBefore = metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK);
    ExecuteCodeRequest req = ExecuteCodeRequest.newBuilder().setCode(prog).setCallId("traj-7:call-1").build();
    // The first call and a concurrent retry, then a later retry.
    var async = ToolGatewayGrpc.newFutureStub(channel).withCallCredentials(GrpcClients.bearer(GrpcClients.ALPHA));
    var f1 = async.executeCode(req);
    var f2 = async.executeCode(req);
    ExecuteCodeResponse a = f1.get(20, TimeUnit.SECONDS);
    ExecuteCodeResponse b = f2.get(20, TimeUnit.SECONDS);
    ExecuteCodeResponse c = alpha.executeCode(req);
    assertThat(List.of(a.getStdout(), b.getStdout(), c.getStdout())).containsOnly(a.getStdout());
    assertThat(List.of(a.getReplayed(), b.getReplayed())).containsExactlyInAnyOrder(true, false);
    assertThat(c.getReplayed()).isTrue();
    assertThat(metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK) - runsBefore).isEqualTo(1.0);
    // The same call_id of another tenant is another call: not a replay, and not alpha's cached result
    // either (code results are per tenant): beta's program runs.
    ExecuteCodeResponse other = GrpcClients.stub(channel, GrpcClients.BETA).executeCode(req);
    assertThat(other.getReplayed()).isFalse();
    assertThat(other.getCacheHit()).isFalse();
    assertThat(other.getStdout()).isNotEqualTo(a.getStdout());
    assertThat(metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK) - runsBefore).isEqualTo(2.0);
  }

  @Test
  void cachedCodeIsStillChargedToTheCaller() {
    var tight = GrpcClients.stub(channel, GrpcClients.TIGHT);
    // tight's first call fills its cache, its second (a hit) uses its second and last code token, the
    // third call is refused
    String prog = "print('cached-' + str(6 * 7))";
    assertThat(tight.executeCode(ExecuteCodeRequest.newBuilder().setCode(prog).build()).getCacheHit()).isFalse();
    ExecuteCodeResponse hit = tight.executeCode(ExecuteCodeRequest.newBuilder().setCode(prog).build());
    assertThat(hit.getCacheHit()).isTrue();
    assertThat(hit.getObservation()).isEqualTo("cached-42\n");
    assertThatThrownBy(() -> tight.executeCode(ExecuteCodeRequest.newBuilder().setCode(prog).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
  }

  @Test
  void identicalProgramsShareTheCacheWhenTheDeadlineIsShorterThanTheirTimeLimit() {
    // the run's limit is cut to what the deadline leaves, which differs by the millisecond from call to call; the
    // cache key must not (it did: every such call missed, and none joined an identical running program)
    String prog = "print('deadline-cached-' + str(6 * 7))";
    ExecuteCodeRequest req = ExecuteCodeRequest.newBuilder().setCode(prog).setTimeoutMs(30_000).build();
    double runsBefore = metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK);
    ExecuteCodeResponse first = alpha.withDeadlineAfter(10, TimeUnit.SECONDS).executeCode(req);
    ExecuteCodeResponse second = alpha.withDeadlineAfter(10, TimeUnit.SECONDS).executeCode(req);
    assertThat(first.getCacheHit()).isFalse();
    assertThat(second.getCacheHit()).isTrue();
    assertThat(second.getObservation()).isEqualTo("deadline-cached-42\n");
    assertThat(metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK) - runsBefore).isEqualTo(1.0);
  }

  @Test
  void aDeadlineKillsTheSandboxWithinASecond() throws Exception {
    String marker = "deadline-" + System.nanoTime();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> alpha.withDeadlineAfter(700, TimeUnit.MILLISECONDS).executeCode(ExecuteCodeRequest.newBuilder()
            .setCode("import time\n# " + marker + "\ntime.sleep(60)").setTimeoutMs(30_000).build()))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat((System.nanoTime() - t0) / 1e6).isLessThan(2_000);
    // within a second of the deadline no sandbox process of the gateway's uid pool is left
    Thread.sleep(1_000);
    assertThat(sandboxProcesses(64000, 64008)).isEmpty();
    // and the call is closed: a drain would wait for it otherwise
    await().atMost(Duration.ofSeconds(5)).until(() -> inFlight.count() == 0);
  }

  @Test
  void aCancelledCallKillsItsSandbox() throws Exception {
    var async = ToolGatewayGrpc.newFutureStub(channel).withCallCredentials(GrpcClients.bearer(GrpcClients.ALPHA));
    var f = async.executeCode(ExecuteCodeRequest.newBuilder().setCode("import time\ntime.sleep(60)").setTimeoutMs(30_000).build());
    Thread.sleep(800);
    assertThat(sandboxProcesses(64000, 64008)).isNotEmpty();
    f.cancel(true);
    long t0 = System.nanoTime();
    while (!sandboxProcesses(64000, 64008).isEmpty() && System.nanoTime() - t0 < 3_000_000_000L) {
      Thread.sleep(20);
    }
    assertThat((System.nanoTime() - t0) / 1e6).isLessThan(1_000);
  }

  @Test
  void prometheusMetricsCoverCallsLatencyRefusalsCacheAndSandbox() throws Exception {
    alpha.search(q("metrics probe query", 1));
    alpha.search(q("metrics probe query", 1));
    alpha.executeCode(ExecuteCodeRequest.newBuilder().setCode("print(1)").build());
    HttpURLConnection c = (HttpURLConnection) new URL(url, "/q/metrics").openConnection();
    String body = new String(c.getInputStream().readAllBytes());
    assertThat(body)
        .contains("otc_gateway_calls_total{status=\"ok\",tool=\"search\"}")
        .contains("otc_gateway_call_latency_seconds_bucket{tool=\"search\"")
        .contains("otc_gateway_cache_hits_total{tool=\"search\"}")
        .contains("otc_gateway_sandbox_runs_total{status=\"ok\"}");
    HttpURLConnection h = (HttpURLConnection) new URL(url, "/q/health/ready").openConnection();
    assertThat(h.getResponseCode()).isEqualTo(200);
  }

  @Test
  void concurrentCallsFromManyTrajectories() throws Exception {
    var async = ToolGatewayGrpc.newFutureStub(channel).withCallCredentials(GrpcClients.bearer(GrpcClients.BETA));
    List<com.google.common.util.concurrent.ListenableFuture<SearchResponse>> fs = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      fs.add(async.search(SearchRequest.newBuilder().setQuery("river king " + (i % 17)).setTopK(3)
          .setContext(CallContext.newBuilder().setTrajectoryId("t" + i).setCallIndex(0)).build()));
    }
    for (var f : fs) {
      assertThat(f.get(10, TimeUnit.SECONDS).getPassagesCount()).isEqualTo(3);
    }
  }

  static List<String> sandboxProcesses(int uidLo, int uidHi) throws Exception {
    List<String> left = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          List<String> status = Files.readAllLines(p.resolve("status"));
          // zombies are dead (reaped late by the VM's pid 1): only live processes count
          boolean zombie = status.stream().anyMatch(l -> l.startsWith("State:") && l.contains("Z"));
          for (String line : status) {
            if (line.startsWith("Uid:") && !zombie) {
              int uid = Integer.parseInt(line.split("\\s+")[1]);
              if (uid >= uidLo && uid < uidHi) {
                left.add(p.getFileName().toString());
              }
            }
          }
        } catch (java.io.IOException gone) {
          // exited while listed
        }
      }
    }
    return left;
  }

}
