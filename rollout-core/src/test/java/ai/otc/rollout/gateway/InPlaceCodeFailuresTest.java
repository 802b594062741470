package ai.otc.rollout.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.tools.CallRef;
import ai.otc.policy.tools.CallStatus;
import ai.otc.policy.tools.CodeCall;
import ai.otc.policy.tools.CodeOutcome;
import ai.otc.proto.v1.BatchExecuteCodeRequest;
import ai.otc.proto.v1.BatchExecuteCodeResponse;
import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.ToolGatewayGrpc;
import ai.otc.proto.v1.ToolStatus;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A {@code BatchExecuteCode} answer that fails some calls in place ({@code UNAVAILABLE}, as the gateway answers a retry
 * that joined a first attempt our deadline cancelled, or a sandbox failure) is retried like a failed RPC, and gives up
 * with the deadline as cause when an attempt ran past it. Against a scripted gateway over a real loopback channel: the
 * packaged gateway reaches the joined-retry case only by a race (it failed a CI run on 2026-12-03).
 */
class InPlaceCodeFailuresTest {
  private static final RetryPolicy TWICE = new RetryPolicy(2, Duration.ofMillis(5), Duration.ofMillis(5), 1, 0,
      Duration.ofMillis(500), Duration.ofMillis(5));

  private Server server;
  private final ConcurrentLinkedQueue<Function<BatchExecuteCodeRequest, BatchExecuteCodeResponse>> script =
      new ConcurrentLinkedQueue<>();
  private final List<List<String>> received = Collections.synchronizedList(new ArrayList<>());

  private GatewayToolBackend client(Duration deadline) throws Exception {
    server = NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
        .addService(new ToolGatewayGrpc.ToolGatewayImplBase() {
          @Override
          public void batchExecuteCode(BatchExecuteCodeRequest req, StreamObserver<BatchExecuteCodeResponse> out) {
            received.add(req.getRequestsList().stream().map(r -> r.getCallId()).toList());
            var step = script.poll();
            if (step == null) {
              out.onError(io.grpc.Status.INTERNAL.withDescription("script exhausted").asRuntimeException());
              return;
            }
            try {
              out.onNext(step.apply(req));
              out.onCompleted();
            } catch (io.grpc.StatusRuntimeException e) {
              out.onError(e);
            }
          }
        }).build().start();
    return GatewayToolBackend.connect("127.0.0.1:" + server.getPort(),
        GatewayClientConfig.of("scripted-token-0123456789").withDeadline(deadline).withRetry(TWICE));
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static ExecuteCodeResponse ok(String stdout) {
    return ExecuteCodeResponse.newBuilder().setStatus(ToolStatus.TOOL_STATUS_OK).setStdout(stdout).build();
  }

  private static ExecuteCodeResponse unavailable(String why) {
    return ExecuteCodeResponse.newBuilder().setStatus(ToolStatus.TOOL_STATUS_UNAVAILABLE).setObservation(why).build();
  }

  /** Answers each call of the request with {@code perCall} of its call id. */
  private static Function<BatchExecuteCodeRequest, BatchExecuteCodeResponse> each(
      Function<String, ExecuteCodeResponse> perCall) {
    return req -> {
      BatchExecuteCodeResponse.Builder b = BatchExecuteCodeResponse.newBuilder();
      req.getRequestsList().forEach(r -> b.addResponses(perCall.apply(r.getCallId())));
      return b.build();
    };
  }

  private static CodeCall call(String program, String trajectory) {
    return new CodeCall(program, new CallRef("run", 1, trajectory, 0));
  }

  @Test
  void aCallFailedInPlaceIsSentAgainAloneAndItsAnswerIsDelivered() throws Exception {
    try (GatewayToolBackend gw = client(Duration.ofSeconds(5))) {
      String[] firstId = new String[1];
      script.add(req -> {
        firstId[0] = req.getRequests(0).getCallId();
        return each(id -> id.equals(firstId[0]) ? unavailable("INTERNAL: sandbox failed: fork") : ok("b\n")).apply(req);
      });
      script.add(each(id -> ok("a\n")));
      List<CodeOutcome> out = gw.executeBatch(List.of(call("print('a')", "t0"), call("print('b')", "t1")));

      assertThat(received).hasSize(2);
      assertThat(received.get(1)).as("only the failed call is sent again, with its call id")
          .containsExactly(received.get(0).get(0));
      assertThat(out).allSatisfy(o -> assertThat(o.info().delivered()).isTrue());
      assertThat(out.get(0).execution().stdout()).isEqualTo("a\n");
      assertThat(out.get(0).info().attempts()).isEqualTo(2);
      assertThat(out.get(1).execution().stdout()).isEqualTo("b\n");
      assertThat(out.get(1).info().attempts()).isEqualTo(1);
      assertThat(gw.stats().snapshot().transientRetries()).isEqualTo(1);
    }
  }

  @Test
  void aRetryThatJoinedACancelledFirstAttemptGivesUpAsTheDeadline() throws Exception {
    try (GatewayToolBackend gw = client(Duration.ofMillis(300))) {
      script.add(req -> {
        try {
          Thread.sleep(1_000); // past the client's deadline: attempt 1 ends DEADLINE_EXCEEDED
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return each(id -> ok("late\n")).apply(req);
      });
      script.add(each(id -> unavailable("CANCELLED: first attempt cancelled")));
      CodeOutcome o = gw.executeBatch(List.of(call("import time\ntime.sleep(5)\n", "slow"))).get(0);

      assertThat(o.info().delivered()).isFalse();
      assertThat(o.info().status()).as(o.info().detail()).isEqualTo(CallStatus.TIMEOUT);
      assertThat(o.info().attempts()).isEqualTo(2);
      assertThat(o.info().detail()).contains("first attempt cancelled");
    }
  }

  @Test
  void aCallFailedInPlaceOnEveryAttemptIsUnavailableWithTheGatewaysReason() throws Exception {
    try (GatewayToolBackend gw = client(Duration.ofSeconds(5))) {
      script.add(each(id -> unavailable("INTERNAL: sandbox failed: fork")));
      script.add(each(id -> unavailable("INTERNAL: sandbox failed: fork")));
      CodeOutcome o = gw.executeBatch(List.of(call("print(1)", "t0"))).get(0);

      assertThat(received).hasSize(2);
      assertThat(o.info().delivered()).isFalse();
      assertThat(o.info().status()).isEqualTo(CallStatus.UNAVAILABLE);
      assertThat(o.info().attempts()).isEqualTo(2);
      assertThat(o.info().detail()).contains("UNAVAILABLE after 2 attempt(s)").contains("sandbox failed: fork");
      assertThat(gw.stats().snapshot().calls(GatewayStats.CODE, CallStatus.UNAVAILABLE)).isEqualTo(1);
    }
  }

  @Test
  void refusedAndFailedCallsOfOneAnswerAreBothSentAgain() throws Exception {
    try (GatewayToolBackend gw = client(Duration.ofSeconds(5))) {
      String[] ids = new String[2];
      script.add(req -> {
        ids[0] = req.getRequests(0).getCallId();
        ids[1] = req.getRequests(1).getCallId();
        return BatchExecuteCodeResponse.newBuilder()
            .addResponses(unavailable("INTERNAL: metering failed"))
            .addResponses(ExecuteCodeResponse.newBuilder().setStatus(ToolStatus.TOOL_STATUS_RATE_LIMITED))
            .build();
      });
      script.add(each(id -> ok(id.equals(ids[0]) ? "x\n" : "y\n")));
      List<CodeOutcome> out = gw.executeBatch(List.of(call("print('x')", "t0"), call("print('y')", "t1")));

      assertThat(received).hasSize(2);
      assertThat(received.get(1)).containsExactlyInAnyOrder(ids[0], ids[1]);
      assertThat(out.get(0).execution().stdout()).isEqualTo("x\n");
      assertThat(out.get(1).execution().stdout()).isEqualTo("y\n");
    }
  }
}
