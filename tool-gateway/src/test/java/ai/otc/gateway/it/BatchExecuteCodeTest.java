package ai.otc.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ai.otc.contract.GrpcMetadata;
import ai.otc.gateway.domain.Tool;
import ai.otc.gateway.limits.LimitService;
import ai.otc.gateway.metrics.ToolMetrics;
import ai.otc.gateway.support.GrpcClients;
import ai.otc.proto.v1.BatchExecuteCodeRequest;
import ai.otc.proto.v1.BatchExecuteCodeResponse;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.ToolGatewayGrpc;
import ai.otc.proto.v1.ToolStatus;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code BatchExecuteCode} over a real channel with real sandboxes: answers in request order, the copies of a program
 * ride on one run and hold no concurrency permit (the test profile gives a tenant 4 at once: floor(0.5 × 8 slots)),
 * a retried batch replays by call id, refused calls are answered in place with the retry-after trailer, invalid
 * batches are refused whole, and the batch's deadline kills its sandboxes. Metering of every call to a real broker:
 * {@code CodeSingleFlightIT}.
 */
@QuarkusTest
class BatchExecuteCodeTest {
  @TestHTTPResource URL url;
  @Inject ToolMetrics metrics;
  @Inject LimitService limits;
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

  private static ExecuteCodeRequest program(String code, String callId) {
    ExecuteCodeRequest.Builder b = ExecuteCodeRequest.newBuilder().setCode(code).setTimeoutMs(20_000);
    if (callId != null) {
      b.setCallId(callId);
    }
    return b.build();
  }

  @Test
  void copiesOfAProgramRideOnOneRunHoldOnePermitAndAnswerInRequestOrder() throws Exception {
    String prefix = "batch-" + System.nanoTime();
    // SystemRandom: two runs print different numbers, so equal outputs mean one run; the sleep keeps the runs in the
    // air while the permits are counted
    String a = "import random, time\ntime.sleep(1.5)\nprint('a', random.SystemRandom().random())";
    String b = "import random, time\ntime.sleep(1.5)\nprint('b', random.SystemRandom().random())";
    BatchExecuteCodeRequest.Builder req = BatchExecuteCodeRequest.newBuilder();
    for (int i = 0; i < 10; i++) {
      // 7 copies of a, 3 of b, interleaved: 10 calls, over the tenant's 4 permits if each copy held one
      req.addRequests(program(i % 3 == 2 ? b : a, prefix + ":" + i));
    }
    double runsBefore = metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK);
    double joinedBefore = metrics.codeJoinedCalls();
    var async = ToolGatewayGrpc.newFutureStub(channel).withCallCredentials(GrpcClients.bearer(GrpcClients.ALPHA));
    var pending = async.withDeadlineAfter(30, TimeUnit.SECONDS).batchExecuteCode(req.build());
    // while the two runs go, the tenant holds two permits (one per run), not ten
    await().atMost(Duration.ofSeconds(5)).until(() -> limits.tenantInFlight("alpha", Tool.CODE) == 2);
    assertThat(limits.tenantInFlight("alpha", Tool.CODE)).isEqualTo(2);
    BatchExecuteCodeResponse r = pending.get(30, TimeUnit.SECONDS);

    assertThat(r.getResponsesCount()).isEqualTo(10);
    assertThat(r.getResponsesList()).allSatisfy(x -> assertThat(x.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK));
    String outA = r.getResponses(0).getStdout();
    String outB = r.getResponses(2).getStdout();
    assertThat(outA).startsWith("a ");
    assertThat(outB).startsWith("b ");
    for (int i = 0; i < 10; i++) {
      assertThat(r.getResponses(i).getStdout()).as("call %d", i).isEqualTo(i % 3 == 2 ? outB : outA);
    }
    // one call of each program led its run, the 8 others joined it
    assertThat(r.getResponsesList()).filteredOn(x -> !x.getCacheHit()).hasSize(2);
    assertThat(metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK) - runsBefore).isEqualTo(2.0);
    assertThat(metrics.codeJoinedCalls() - joinedBefore).isEqualTo(8.0);
    assertThat(limits.tenantInFlight("alpha", Tool.CODE)).isZero();

    // The same batch again (a client's retry): every call id replays its first answer, nothing runs.
    BatchExecuteCodeResponse again = alpha.batchExecuteCode(req.build());
    assertThat(again.getResponsesList()).allSatisfy(x -> assertThat(x.getReplayed()).isTrue());
    assertThat(again.getResponsesList()).extracting(ExecuteCodeResponse::getStdout)
        .isEqualTo(r.getResponsesList().stream().map(ExecuteCodeResponse::getStdout).toList());
    assertThat(metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK) - runsBefore).isEqualTo(2.0);
  }

  @Test
  void refusedCallsAreAnsweredInPlaceWithTheRetryAfterTrailer() {
    // the batcher tenant has 3 code tokens (one more per hour): the 4th and 5th calls are refused, the others run
    var batcher = GrpcClients.stub(channel, GrpcClients.BATCHER);
    BatchExecuteCodeRequest.Builder req = BatchExecuteCodeRequest.newBuilder();
    for (int i = 0; i < 5; i++) {
      req.addRequests(program("print('limited', " + i + ")", null));
    }
    AtomicReference<Metadata> trailers = new AtomicReference<>();
    BatchExecuteCodeResponse r = batcher
        .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers))
        .batchExecuteCode(req.build());
    assertThat(r.getResponsesList()).extracting(ExecuteCodeResponse::getStatus).containsExactly(
        ToolStatus.TOOL_STATUS_OK, ToolStatus.TOOL_STATUS_OK, ToolStatus.TOOL_STATUS_OK,
        ToolStatus.TOOL_STATUS_RATE_LIMITED, ToolStatus.TOOL_STATUS_RATE_LIMITED);
    assertThat(r.getResponses(1).getStdout()).isEqualTo("limited 1\n");
    assertThat(r.getResponses(3).getObservation()).contains("RESOURCE_EXHAUSTED").contains("rate");
    // one token an hour: the next is due in (almost) an hour
    assertThat(Long.parseLong(trailers.get().get(GrpcMetadata.RETRY_AFTER_MS_KEY))).isBetween(3_500_000L, 3_600_000L);
  }

  @Test
  void anInvalidBatchIsRefusedWholeAndRunsNothing() {
    double runsBefore = metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK);
    assertInvalid(BatchExecuteCodeRequest.getDefaultInstance(), "a batch needs 1..16 requests (otc.gateway.code.max-batch), got 0");
    BatchExecuteCodeRequest.Builder big = BatchExecuteCodeRequest.newBuilder();
    for (int i = 0; i < 17; i++) {
      big.addRequests(program("print(" + i + ")", null));
    }
    assertInvalid(big.build(), "got 17");
    assertInvalid(BatchExecuteCodeRequest.newBuilder().addRequests(program("print(1)", null))
        .addRequests(program("  ", null)).build(), "requests[1]: code must not be empty");
    assertThat(metrics.sandboxRuns(ToolStatus.TOOL_STATUS_OK) - runsBefore).isZero();
  }

  private void assertInvalid(BatchExecuteCodeRequest req, String message) {
    assertThatThrownBy(() -> alpha.batchExecuteCode(req)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.getStatus().getDescription()).contains(message);
    });
  }

  @Test
  void theBatchDeadlineKillsItsSandboxesWithinASecond() throws Exception {
    String marker = "batch-deadline-" + System.nanoTime();
    BatchExecuteCodeRequest req = BatchExecuteCodeRequest.newBuilder()
        .addRequests(program("import time\n# " + marker + " 1\ntime.sleep(60)", null))
        .addRequests(program("import time\n# " + marker + " 2\ntime.sleep(60)", null))
        .addRequests(program("import time\n# " + marker + " 1\ntime.sleep(60)", null))
        .build();
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> alpha.withDeadlineAfter(700, TimeUnit.MILLISECONDS).batchExecuteCode(req))
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    assertThat((System.nanoTime() - t0) / 1e6).isLessThan(2_000);
    Thread.sleep(1_000);
    assertThat(ToolGatewayGrpcTest.sandboxProcesses(64000, 64008)).isEmpty();
    assertThat(limits.tenantInFlight("alpha", Tool.CODE)).isZero();
    // and the call is closed: a drain would wait for it otherwise
    await().atMost(Duration.ofSeconds(5)).until(() -> inFlight.count() == 0);
  }
}
