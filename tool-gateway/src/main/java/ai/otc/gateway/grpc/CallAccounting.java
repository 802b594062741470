package ai.otc.gateway.grpc;

import ai.otc.contract.GrpcMetadata;
import ai.otc.gateway.domain.Admission;
import ai.otc.gateway.domain.Tool;
import ai.otc.gateway.limits.LimitService;
import ai.otc.gateway.metering.MeteringSpoolException;
import ai.otc.gateway.metering.UsageEvents;
import ai.otc.gateway.metering.UsageMeter;
import ai.otc.gateway.metrics.ToolMetrics;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.ToolUsage;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * The bookkeeping every tool call of the {@code otc.v1.ToolGateway} RPCs ends with: exactly one {@code ToolUsage}
 * event on the metering spool (allowed, refused or failed) and the call's metrics. A call whose event cannot be
 * spooled fails with {@code UNAVAILABLE}: a tool call is never answered unmetered.
 */
@ApplicationScoped
public class CallAccounting {
  private static final Logger LOG = Logger.getLogger(CallAccounting.class);

  @Inject LimitService limits;
  @Inject UsageMeter meter;
  @Inject UsageEvents events;
  @Inject ToolMetrics metrics;

  /** Meters a call a limit refused (no charge). */
  void refused(String tenant, Tool tool, CallContext ctx, String base, Admission adm, long t0) {
    metrics.refusal(tool, adm.refusal(), false);
    record(events.event(events.attemptId(base, "refused"), tenant, tool, ctx, ToolStatus.TOOL_STATUS_RATE_LIMITED,
        0, ms(t0), adm.refusal(), true, false, false));
    metrics.call(tool, ToolStatus.TOOL_STATUS_RATE_LIMITED, System.nanoTime() - t0);
    LOG.debugf("refused tenant=%s tool=%s limit=%s retryAfterMs=%d", tenant, tool.id(), adm.refusal().id(),
        retryMillis(adm.retryAfterNanos()));
  }

  /** Meters an admitted call that ended with {@code status} (charged its cost). */
  void allowed(String tenant, Tool tool, CallContext ctx, String base, Admission adm, ToolStatus status,
      boolean cacheHit, long t0) {
    record(events.event(base, tenant, tool, ctx, status, cost(tool), ms(t0), adm.refusal(), false,
        adm.shadowRefused(), cacheHit));
    metrics.call(tool, status, System.nanoTime() - t0);
  }

  /**
   * Meters one call. A spool that cannot be written fails the call with {@code UNAVAILABLE} naming the
   * metering spool: a tool call is never answered unmetered, and never left without an answer.
   */
  void record(ToolUsage event) {
    try {
      meter.record(event);
    } catch (MeteringSpoolException e) {
      LOG.errorf(e, "tool call of tenant %s failed: its usage event could not be spooled", event.getTenant());
      throw Status.UNAVAILABLE.withDescription("usage metering unavailable: " + e.getMessage()).withCause(e).asRuntimeException();
    }
  }

  /** The cost units one call of {@code tool} charges. */
  double cost(Tool tool) {
    return limits.policy().costUnits().get(tool);
  }

  /** {@code RESOURCE_EXHAUSTED} naming the limit, with the {@code retry-after-ms} trailer. */
  static StatusRuntimeException exhausted(String limit, long retryAfterNanos) {
    Metadata trailers = new Metadata();
    long ms = retryMillis(retryAfterNanos);
    trailers.put(GrpcMetadata.RETRY_AFTER_MS_KEY, Long.toString(ms));
    return Status.RESOURCE_EXHAUSTED.withDescription("over the " + limit + " limit; retry after " + ms + " ms")
        .asRuntimeException(trailers);
  }

  static long retryMillis(long nanos) {
    // Round up: retrying a little late succeeds, retrying early is refused again.
    return Math.max(1, (nanos + 999_999) / 1_000_000);
  }

  static double ms(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }
}
