package ai.otc.gateway.it;

import ai.otc.gateway.support.GrpcClients;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.otc.gateway.health.DrainController;
import ai.otc.gateway.health.InFlight;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.SearchRequest;
import ai.otc.proto.v1.ToolGatewayGrpc;
import ai.otc.proto.v1.ToolStatus;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.HttpURLConnection;
import java.net.URL;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Graceful drain over a real channel: gRPC health turns NOT_SERVING (overall and for
 * {@code otc.v1.ToolGateway}), HTTP readiness goes DOWN, new tool calls are refused with
 * {@code UNAVAILABLE}, and the call in flight finishes with its real result before the drain reports
 * idle. The health service itself needs no credential.
 */
@QuarkusTest
class DrainTest {
  @TestHTTPResource URL url;
  @Inject DrainController drain;
  @Inject InFlight inFlight;

  private static ServingStatus health(ManagedChannel ch, String service) {
    return HealthGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private int readiness() throws Exception {
    HttpURLConnection c = (HttpURLConnection) new URL(url, "/q/health/ready").openConnection();
    return c.getResponseCode();
  }

  @Test
  void drainRefusesNewCallsTurnsHealthNotServingAndLetsInFlightCallsFinish() throws Exception {
    ManagedChannel ch = GrpcClients.channel(url);
    try {
      assertThat(health(ch, "")).isEqualTo(ServingStatus.SERVING);
      assertThat(health(ch, ToolGatewayGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.SERVING);
      assertThat(readiness()).isEqualTo(200);

      var async = ToolGatewayGrpc.newFutureStub(ch).withCallCredentials(GrpcClients.bearer(GrpcClients.ALPHA));
      // a code call that is still running when the drain starts
      var running = async.executeCode(ExecuteCodeRequest.newBuilder()
          .setCode("import time\ntime.sleep(1.5)\nprint('finished', " + System.nanoTime() + ")").setTimeoutMs(20_000).build());
      await().atMost(Duration.ofSeconds(20)).until(() -> inFlight.count() >= 1);

      CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> drain.drain(Duration.ofSeconds(30)));
      await().atMost(Duration.ofSeconds(10)).until(inFlight::draining);
      try {
        assertThat(health(ch, "")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(health(ch, ToolGatewayGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(readiness()).isEqualTo(503);
        var alpha = GrpcClients.stub(ch, GrpcClients.ALPHA);
        assertThatThrownBy(() -> alpha.search(SearchRequest.newBuilder().setQuery("paris").setTopK(1).build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
              assertThat(e.getStatus().getDescription()).contains("draining");
            });
        assertThat(drained).as("the drain waits for the call in flight").isNotDone();

        ExecuteCodeResponse r = running.get(30, TimeUnit.SECONDS);
        assertThat(r.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
        assertThat(r.getStdout()).startsWith("finished");
        assertThat(drained.get(30, TimeUnit.SECONDS)).as("drain completed with nothing in flight").isTrue();
        assertThat(inFlight.count()).isZero();
      } finally {
        drain.resume();
      }
      assertThat(health(ch, ToolGatewayGrpc.SERVICE_NAME)).isEqualTo(ServingStatus.SERVING);
      assertThat(GrpcClients.stub(ch, GrpcClients.ALPHA).search(SearchRequest.newBuilder().setQuery("paris").setTopK(1).build())
          .getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
    } finally {
      GrpcClients.close(ch);
    }
  }
}
