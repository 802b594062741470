package ai.otc.gateway.grpc;

import ai.otc.gateway.cache.CodeFlights;
import ai.otc.gateway.cache.IdempotencyStore;
import ai.otc.gateway.cache.ResultCache;
import ai.otc.gateway.config.GatewayConfig;
import ai.otc.gateway.domain.Admission;
import ai.otc.gateway.domain.Tool;
import ai.otc.gateway.limits.LimitService;
import ai.otc.gateway.metering.UsageEvents;
import ai.otc.gateway.metrics.ToolMetrics;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.tools.sandbox.Sandbox;
import ai.otc.tools.sandbox.SandboxResult;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One code tool call of the {@code ExecuteCode} or {@code BatchExecuteCode} RPC, from its call id to its answer: a
 * call id seen before replays the first answer ({@link IdempotencyStore}); otherwise the call boards the tenant's
 * flight for its program ({@link CodeFlights}): a cache hit, a follower of an identical run already going, or the
 * leader of a new run. Only a leader takes a run's concurrency permit ({@link LimitService#admit}); a hit or a
 * follower is charged its token and budget only ({@link LimitService#admitCharge}). Every call is metered and
 * answered on its own ({@link CodeReply}), whichever way it went.
 *
 * <p>Nothing blocks the calling thread: a run goes on the sandbox's own thread and the answers are sent from its
 * completion.
 */
@ApplicationScoped
public class CodeCalls {
  private static final Logger LOG = Logger.getLogger(CodeCalls.class);
  private static final int MAX_CALL_ID_CHARS = 256;

  @Inject GatewayConfig config;
  @Inject Sandbox sandbox;
  @Inject LimitService limits;
  @Inject ResultCache cache;
  @Inject CodeFlights<ExecuteCodeResponse> flights;
  @Inject IdempotencyStore idempotency;
  @Inject UsageEvents events;
  @Inject ToolMetrics metrics;
  @Inject CallAccounting accounting;

  /** Why {@code r} is not a valid code call, or null when it is (an invalid request is no tool call: not metered). */
  String invalid(ExecuteCodeRequest r) {
    int bytes = r.getCode().getBytes(StandardCharsets.UTF_8).length;
    if (r.getCode().isBlank()) {
      return "code must not be empty";
    } else if (bytes > config.code().maxCodeBytes()) {
      return "code is " + bytes + " bytes, over the limit of " + config.code().maxCodeBytes()
          + " (otc.gateway.code.max-code-bytes)";
    } else if (r.getTimeoutMs() < 0) {
      return "timeout_ms must be >= 0 (0 = default), was " + r.getTimeoutMs();
    } else if (r.getCallId().length() > MAX_CALL_ID_CHARS) {
      return "call_id has more than " + MAX_CALL_ID_CHARS + " characters";
    }
    return null;
  }

  /**
   * Null when the sandbox can run on this host; otherwise meters {@code r} as an {@code UNAVAILABLE} call (no charge)
   * and returns why the sandbox cannot run.
   */
  String unavailable(String tenant, ExecuteCodeRequest r, long t0) {
    if (sandbox.available()) {
      return null;
    }
    CallContext ctx = r.hasContext() ? r.getContext() : null;
    String base = events.baseId(tenant, Tool.CODE, ctx, r.getCallId());
    accounting.record(events.event(events.attemptId(base, "unavailable"), tenant, Tool.CODE, ctx,
        ToolStatus.TOOL_STATUS_UNAVAILABLE, 0, CallAccounting.ms(t0), null, false, false, false));
    metrics.call(Tool.CODE, ToolStatus.TOOL_STATUS_UNAVAILABLE, System.nanoTime() - t0);
    return "code sandbox unavailable on this host: " + sandbox.unavailableReason();
  }

  /** Starts one valid call of {@code tenant}; {@code reply} gets its answer (maybe before this returns). */
  void call(String tenant, ExecuteCodeRequest request, CodeReply reply, long t0) {
    CallContext ctx = request.hasContext() ? request.getContext() : null;
    String callId = request.getCallId();
    CompletableFuture<ExecuteCodeResponse> mine = null;
    if (!callId.isEmpty()) {
      mine = new CompletableFuture<>();
      CompletableFuture<ExecuteCodeResponse> first = idempotency.claim(tenant, callId, mine);
      if (first != null) {
        replay(first, reply);
        return;
      }
    }
    run(tenant, ctx, request, mine, reply, t0);
  }

  private static void replay(CompletableFuture<ExecuteCodeResponse> first, CodeReply reply) {
    first.whenComplete((r, ex) -> {
      if (ex == null) {
        reply.answer(r.toBuilder().setReplayed(true).build());
      } else {
        reply.fail(Status.fromThrowable(ex).asRuntimeException(Status.trailersFromThrowable(ex)));
      }
    });
  }

  private void run(String tenant, CallContext ctx, ExecuteCodeRequest req, CompletableFuture<ExecuteCodeResponse> mine,
      CodeReply reply, long t0) {
    String callId = req.getCallId();
    String base = events.baseId(tenant, Tool.CODE, ctx, callId);
    // Keyed by the time limit the caller asked for, not the one its deadline leaves: that shrinks by the millisecond
    // from call to call, so with a deadline at or under the program timeout no two calls shared a key (no cache
    // hit, no single flight). Only OK and ERROR results are cached, and those did not depend on the limit.
    String key = ResultCache.codeKey(tenant, req.getCode(), requestedTimeoutMs(req.getTimeoutMs()));
    // Cache hit, or join the tenant's identical program already running, or lead a new run (CodeFlights); only a
    // leader takes a run's permit, decided atomically with the boarding so a refused leader leaves no flight behind.
    Admission[] led = new Admission[1];
    CodeFlights.Seat<ExecuteCodeResponse> seat = flights.board(key, () -> cache.getCode(key), () -> {
      led[0] = limits.admit(tenant, Tool.CODE);
      return led[0].allowed();
    });
    Admission adm = seat.leader() || seat.refused() ? led[0] : limits.admitCharge(tenant, Tool.CODE);
    if (!adm.allowed()) {
      if (seat.flight() != null) {
        seat.flight().detach(); // a follower refused by its rate or budget: the others' run goes on
      }
      StatusRuntimeException ex = CallAccounting.exhausted(adm.refusal().id(), adm.retryAfterNanos());
      try {
        accounting.refused(tenant, Tool.CODE, ctx, base, adm, t0);
      } catch (StatusRuntimeException meteringFailed) {
        ex = meteringFailed;
      }
      if (mine != null) {
        idempotency.release(tenant, callId, mine, ex);
      }
      reply.fail(ex);
      return;
    }
    if (adm.shadowRefused()) {
      metrics.refusal(Tool.CODE, adm.refusal(), true);
    }
    if (seat.cached()) {
      adm.release();
      ExecuteCodeResponse r = seat.hit().toBuilder().setCacheHit(true).build();
      metrics.cacheHit(Tool.CODE);
      try {
        accounting.allowed(tenant, Tool.CODE, ctx, base, adm, r.getStatus(), true, t0);
      } catch (StatusRuntimeException meteringFailed) {
        if (mine != null) {
          idempotency.release(tenant, callId, mine, meteringFailed);
        }
        reply.fail(meteringFailed);
        return;
      }
      if (mine != null) {
        idempotency.complete(tenant, callId, mine, r);
      }
      reply.answer(r);
      return;
    }
    CodeFlights.Flight<ExecuteCodeResponse> flight = seat.flight();
    // A cancelled call or an expired deadline leaves the flight; the last caller to leave kills the
    // sandbox at once (not at its own time limit).
    AtomicBoolean left = new AtomicBoolean();
    reply.onGone(() -> {
      if (left.compareAndSet(false, true)) {
        flight.detach();
      }
    });
    boolean joined = !seat.leader();
    flight.result().whenComplete((r, ex) -> finish(tenant, ctx, req, base, adm, mine, reply, r, ex, joined, t0));
    if (seat.leader()) {
      long timeoutMs = effectiveTimeoutMs(req.getTimeoutMs());
      try {
        Sandbox.Execution exec = sandbox.start(req.getCode(), Duration.ofMillis(timeoutMs));
        flight.bind(exec::cancel);
        exec.result().whenComplete((res, ex) -> land(key, flight, res, ex));
      } catch (RuntimeException e) {
        land(key, flight, null, e); // every boarded caller gets the failure, none waits for its deadline
      }
    } else {
      metrics.codeJoined();
    }
  }

  /** The end of a run: one response for every caller of its flight, cached first when deterministic. */
  private void land(String key, CodeFlights.Flight<ExecuteCodeResponse> flight, SandboxResult res, Throwable ex) {
    if (ex != null) {
      flights.land(key, flight, null, ex);
      return;
    }
    ToolStatus status = toolStatus(res);
    metrics.sandbox(status);
    ExecuteCodeResponse r = ExecuteCodeResponse.newBuilder()
        .setStatus(status)
        .setObservation(res.observation())
        .setStdout(res.stdout())
        .setStderr(res.stderr())
        .setExitCode(res.exitCode())
        .setWallMs(res.wallMs())
        .setTruncated(res.truncated())
        .build();
    // A run every caller left may have been killed: its result says nothing about the program.
    if (!flight.cancelled() && (status == ToolStatus.TOOL_STATUS_OK || status == ToolStatus.TOOL_STATUS_ERROR)) {
      try {
        cache.putCode(key, r);
      } catch (RuntimeException e) {
        LOG.warnf(e, "code result not cached");
      }
    }
    flights.land(key, flight, r, null);
  }

  /**
   * One caller's end of a code call: metered and answered on its own, whether it ran the program or
   * {@code joined} an identical run of its tenant (then it is a cache hit, as for a cached result). The
   * leader's run permit is released here, when its run has landed.
   */
  private void finish(String tenant, CallContext ctx, ExecuteCodeRequest req, String base, Admission adm,
      CompletableFuture<ExecuteCodeResponse> mine, CodeReply reply, ExecuteCodeResponse run, Throwable ex,
      boolean joined, long t0) {
    try {
      if (ex != null) {
        LOG.errorf(ex, "sandbox run failed for tenant %s", tenant);
        accounting.allowed(tenant, Tool.CODE, ctx, base, adm, ToolStatus.TOOL_STATUS_ERROR, false, t0);
        StatusRuntimeException e = Status.INTERNAL.withDescription("sandbox failed: " + ex.getMessage()).asRuntimeException();
        if (mine != null) {
          idempotency.release(tenant, req.getCallId(), mine, e);
        }
        reply.fail(e);
        return;
      }
      ExecuteCodeResponse r = joined ? run.toBuilder().setCacheHit(true).build() : run;
      ToolStatus status = r.getStatus();
      if (reply.gone()) {
        // The caller is gone (cancel or deadline): metered as a killed attempt, and a retry with the same
        // call_id runs for real rather than replaying a result nobody saw.
        accounting.record(events.event(events.attemptId(base, "cancelled"), tenant, Tool.CODE, ctx, status,
            accounting.cost(Tool.CODE), CallAccounting.ms(t0), null, false, adm.shadowRefused(), false));
        metrics.call(Tool.CODE, status, System.nanoTime() - t0);
        if (mine != null) {
          idempotency.release(tenant, req.getCallId(), mine,
              Status.CANCELLED.withDescription("first attempt cancelled").asRuntimeException());
        }
        // No answer: nobody reads it, and writing to a stream the client is resetting can break the whole HTTP/2
        // connection. The call stops counting as in flight when its context is cancelled (AuthInterceptor).
        return;
      }
      if (joined) {
        metrics.cacheHit(Tool.CODE);
      }
      accounting.allowed(tenant, Tool.CODE, ctx, base, adm, status, joined, t0);
      if (mine != null) {
        idempotency.complete(tenant, req.getCallId(), mine, r);
      }
      reply.answer(r);
    } catch (StatusRuntimeException e) {
      // Metering failed (record() logged it): the caller gets the error instead of waiting for its deadline.
      if (mine != null && !mine.isDone()) {
        idempotency.release(tenant, req.getCallId(), mine, e);
      }
      reply.fail(e);
    } catch (RuntimeException e) {
      LOG.warnf(e, "code response not delivered for tenant %s", tenant);
    } finally {
      adm.release();
    }
  }

  /** The program's time limit as asked for: the default for 0, at most the maximum. */
  private long requestedTimeoutMs(int requested) {
    GatewayConfig.Code c = config.code();
    return requested == 0 ? c.defaultTimeout().toMillis() : Math.min(requested, c.maxTimeout().toMillis());
  }

  /** The time limit a run gets: the one asked for, cut to what the call's deadline leaves. */
  private long effectiveTimeoutMs(int requested) {
    long ms = requestedTimeoutMs(requested);
    Deadline d = Context.current().getDeadline();
    if (d != null) {
      ms = Math.max(1, Math.min(ms, d.timeRemaining(TimeUnit.MILLISECONDS)));
    }
    return ms;
  }

  static ToolStatus toolStatus(SandboxResult r) {
    return switch (r.status()) {
      case OK -> ToolStatus.TOOL_STATUS_OK;
      case ERROR -> ToolStatus.TOOL_STATUS_ERROR;
      case TIMEOUT -> ToolStatus.TOOL_STATUS_TIMEOUT;
      case OOM -> ToolStatus.TOOL_STATUS_OOM;
      case KILLED -> ToolStatus.TOOL_STATUS_KILLED;
      case UNAVAILABLE -> ToolStatus.TOOL_STATUS_UNAVAILABLE;
    };
  }
}
