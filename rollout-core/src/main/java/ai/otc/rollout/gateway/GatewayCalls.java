package ai.otc.rollout.gateway;

import ai.otc.contract.GrpcMetadata;
import ai.otc.policy.tools.CallRef;
import ai.otc.policy.tools.CallStatus;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ToolStatus;
import io.grpc.Metadata;
import io.grpc.Status;

/**
 * What the gateway client's two halves share ({@link GatewayToolBackend}'s {@code BatchSearch} RPCs and
 * {@link CodeCallRunner}'s {@code BatchExecuteCode} RPCs): a call's {@link CallContext}, the {@code retry-after-ms}
 * trailer, the back-off wait between attempts, and the mapping of gRPC and tool statuses to {@link CallStatus}.
 */
final class GatewayCalls {
  private GatewayCalls() {}

  /** Sleeps for a retry (counted in {@code stats}) and returns null, or returns the reason the call fails for good. */
  static String waitOrFail(RetryRules.Decision decision, GatewayStats stats) {
    if (decision instanceof RetryRules.Decision.GiveUp g) {
      return g.reason();
    }
    RetryRules.Decision.Retry r = (RetryRules.Decision.Retry) decision;
    long w0 = System.nanoTime();
    try {
      Thread.sleep(r.delayMs());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted while backing off";
    } finally {
      stats.recordRetry(r.rateLimited(), System.nanoTime() - w0);
    }
    return null;
  }

  /** The status a call that failed for good carries, from its last failure's code. */
  static CallStatus failedStatus(RetryRules.Decision decision, Status.Code fallback) {
    Status.Code code = decision instanceof RetryRules.Decision.GiveUp g ? g.code() : fallback;
    return switch (code) {
      // the gateway validates before a request becomes a tool call: a refused one is never metered (no usage event),
      // so the trajectory must not count it as sent
      case INVALID_ARGUMENT -> CallStatus.NOT_EXECUTED;
      case RESOURCE_EXHAUSTED -> CallStatus.RATE_LIMITED;
      case DEADLINE_EXCEEDED -> CallStatus.TIMEOUT;
      default -> CallStatus.UNAVAILABLE;
    };
  }

  static CallContext context(CallRef ref) {
    return CallContext.newBuilder().setTrajectoryId(ref.trajectoryId()).setCallIndex(ref.callIndex())
        .setPolicyVersion(ref.policyVersion()).setRunId(ref.runId()).build();
  }

  /** The {@code retry-after-ms} trailer, or -1. */
  static long retryAfter(Metadata trailers) {
    if (trailers == null) {
      return -1;
    }
    String v = trailers.get(GrpcMetadata.RETRY_AFTER_MS_KEY);
    if (v == null) {
      return -1;
    }
    try {
      return Math.max(0, Long.parseLong(v.strip()));
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  static String describe(Status s) {
    return s.getCode() + (s.getDescription() == null ? "" : " (" + s.getDescription() + ")");
  }

  /** The contract's tool status as the policy library's. */
  static CallStatus statusOf(ToolStatus s) {
    return switch (s) {
      case TOOL_STATUS_OK, TOOL_STATUS_UNSPECIFIED, UNRECOGNIZED -> CallStatus.OK;
      case TOOL_STATUS_ERROR -> CallStatus.ERROR;
      case TOOL_STATUS_TIMEOUT -> CallStatus.TIMEOUT;
      case TOOL_STATUS_OOM -> CallStatus.OOM;
      case TOOL_STATUS_KILLED -> CallStatus.KILLED;
      case TOOL_STATUS_RATE_LIMITED -> CallStatus.RATE_LIMITED;
      case TOOL_STATUS_UNAVAILABLE -> CallStatus.UNAVAILABLE;
      case TOOL_STATUS_NOT_EXECUTED -> CallStatus.NOT_EXECUTED;
    };
  }
}
