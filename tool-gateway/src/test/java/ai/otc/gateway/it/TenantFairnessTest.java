package ai.otc.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.otc.contract.GrpcMetadata;
import ai.otc.gateway.domain.Tool;
import ai.otc.gateway.limits.LimitService;
import ai.otc.gateway.support.GrpcClients;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.ToolGatewayGrpc;
import ai.otc.proto.v1.ToolStatus;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Fairness between tenants over a real gRPC channel, with real sandboxes: a greedy tenant firing many
 * slow code calls at once gets only its share of the sandboxes and is refused the rest with
 * {@code RESOURCE_EXHAUSTED}, while a polite tenant's calls, sent meanwhile, run at once and complete
 * within their deadline. The test profile has 8 sandbox slots, 256 code permits and the default share
 * 0.5, so by hand each tenant may hold floor(0.5 × min(256, 8)) = 4 code calls at once.
 */
@QuarkusTest
class TenantFairnessTest {
  private static final int SHARE = 4;
  private static final int GREEDY_CALLS = 12;

  @TestHTTPResource URL url;
  @Inject LimitService limits;

  @Test
  void theGreedyTenantIsRefusedWhileThePoliteOnesCallsCompleteWithinTheirDeadline() throws Exception {
    ManagedChannel ch = GrpcClients.channel(url);
    try {
      var greedy = ToolGatewayGrpc.newFutureStub(ch).withCallCredentials(GrpcClients.bearer(GrpcClients.BETA));
      var polite = ToolGatewayGrpc.newFutureStub(ch).withCallCredentials(GrpcClients.bearer(GrpcClients.ALPHA));
      long run = System.nanoTime(); // every program is new, so no result comes from the cache
      List<ListenableFuture<ExecuteCodeResponse>> greedyCalls = new ArrayList<>();
      for (int i = 0; i < GREEDY_CALLS; i++) {
        greedyCalls.add(greedy.withDeadlineAfter(20, TimeUnit.SECONDS).executeCode(ExecuteCodeRequest.newBuilder()
            .setCode("import time\ntime.sleep(5)\nprint('greedy', " + i + ", " + run + ")").setTimeoutMs(15_000).build()));
      }
      // the greedy tenant holds its whole share: its calls are running in the sandbox now
      await().atMost(Duration.ofSeconds(10)).until(() -> limits.tenantInFlight("beta", Tool.CODE) == SHARE);

      // Without a share the 12 greedy calls would hold all 8 sandboxes for 5 s and the polite calls
      // would wait behind them past their 4 s deadline.
      long t0 = System.nanoTime();
      List<ListenableFuture<ExecuteCodeResponse>> politeCalls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        politeCalls.add(polite.withDeadlineAfter(4_000, TimeUnit.MILLISECONDS).executeCode(ExecuteCodeRequest.newBuilder()
            .setCode("print('polite', " + i + ", " + run + ")").build()));
      }
      for (int i = 0; i < politeCalls.size(); i++) {
        ExecuteCodeResponse r = politeCalls.get(i).get(10, TimeUnit.SECONDS);
        assertThat(r.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
        assertThat(r.getStdout()).isEqualTo("polite " + i + " " + run + "\n");
      }
      double politeMs = (System.nanoTime() - t0) / 1e6;
      assertThat(limits.tenantInFlight("beta", Tool.CODE)).as("the greedy calls were still running meanwhile").isEqualTo(SHARE);

      int ok = 0;
      int refused = 0;
      for (ListenableFuture<ExecuteCodeResponse> f : greedyCalls) {
        try {
          assertThat(f.get(20, TimeUnit.SECONDS).getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
          ok++;
        } catch (ExecutionException e) {
          StatusRuntimeException s = (StatusRuntimeException) e.getCause();
          assertThat(s.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(s.getStatus().getDescription()).contains("tenant-share");
          // otc.gateway.limits.concurrency-retry-after's default, 50 ms
          assertThat(s.getTrailers().get(GrpcMetadata.RETRY_AFTER_MS_KEY)).isEqualTo("50");
          refused++;
        }
      }
      assertThat(ok).isEqualTo(SHARE);
      assertThat(refused).isEqualTo(GREEDY_CALLS - SHARE);
      assertThat(limits.tenantInFlight("beta", Tool.CODE)).isZero();
      System.out.printf("fairness: polite calls done in %.0f ms while the greedy tenant held %d sandboxes%n", politeMs, SHARE);
    } finally {
      GrpcClients.close(ch);
    }
  }
}
