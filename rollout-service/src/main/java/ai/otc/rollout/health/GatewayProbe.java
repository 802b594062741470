package ai.otc.rollout.health;

import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

/**
 * Whether the tool gateway answers: a {@code grpc.health.v1.Health/Check} over the gateway client's own channel
 * (no credential needed), with a 2 s deadline, remembered for 2 s so probes do not multiply calls.
 */
public final class GatewayProbe {
  private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(2);

  /** The last answer: whether the gateway is serving, and what it said otherwise. */
  public record Result(boolean serving, String detail) {}

  private volatile Result last;
  private volatile long at;

  /** Checks (or returns the answer of the last 2 s). */
  public Result check(ManagedChannel channel) {
    Result r = last;
    if (r != null && System.nanoTime() - at < TTL_NANOS) {
      return r;
    }
    try {
      HealthCheckResponse.ServingStatus s = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(2, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus();
      r = new Result(s == HealthCheckResponse.ServingStatus.SERVING, s.name());
    } catch (StatusRuntimeException e) {
      r = new Result(false, e.getStatus().getCode() + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription()));
    }
    last = r;
    at = System.nanoTime();
    return r;
  }
}
