package ai.otc.gateway.grpc;

import ai.otc.contract.GrpcMetadata;
import ai.otc.gateway.auth.Caller;
import ai.otc.gateway.cache.CodeFlights;
import ai.otc.gateway.cache.IdempotencyStore;
import ai.otc.gateway.cache.ResultCache;
import ai.otc.gateway.config.GatewayConfig;
import ai.otc.gateway.domain.Admission;
import ai.otc.gateway.domain.Tool;
import ai.otc.gateway.limits.LimitService;
import ai.otc.gateway.metering.MeteringSpoolException;
import ai.otc.gateway.metering.UsageEvents;
import ai.otc.gateway.metering.UsageMeter;
import ai.otc.gateway.metrics.ToolMetrics;
import ai.otc.proto.v1.BatchSearchRequest;
import ai.otc.proto.v1.BatchSearchResponse;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.Passage;
import ai.otc.proto.v1.QuotaRequest;
import ai.otc.proto.v1.QuotaResponse;
import ai.otc.proto.v1.QuotaStatus;
import ai.otc.proto.v1.RateLimitDescriptor;
import ai.otc.proto.v1.SearchRequest;
import ai.otc.proto.v1.SearchResponse;
import ai.otc.proto.v1.ToolGatewayGrpc;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.tools.sandbox.Sandbox;
import ai.otc.tools.sandbox.SandboxResult;
import ai.otc.tools.search.SearchEngine;
import ai.otc.tools.search.SearchHit;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * The {@code otc.v1.ToolGateway} gRPC service: {@code Search}, {@code BatchSearch}, {@code ExecuteCode}
 * and {@code GetQuota}. Every tool call (each query of a batch is one) is validated, admitted by the
 * {@link LimitService}, answered (from the {@link ResultCache} when possible, charged all the same) and
 * metered with exactly one {@code ToolUsage} event, whether allowed, refused or failed. Requests that
 * fail validation get {@code INVALID_ARGUMENT} and are not tool calls (no event, no charge). A call
 * whose event cannot be written to the metering spool fails with {@code UNAVAILABLE} (never answered
 * unmetered, never left without an answer).
 *
 * <p>Nothing here blocks the gRPC event loop for long: a search is a sub-millisecond in-memory Lucene
 * query, metering is a spool write, and code runs on the sandbox's own thread with the response sent
 * from its completion.
 */
@GrpcService
public class ToolGatewayService extends ToolGatewayGrpc.ToolGatewayImplBase {
  private static final Logger LOG = Logger.getLogger(ToolGatewayService.class);
  private static final int MAX_CALL_ID_CHARS = 256;

  @Inject GatewayConfig config;
  @Inject SearchEngine engine;
  @Inject Sandbox sandbox;
  @Inject LimitService limits;
  @Inject ResultCache cache;
  @Inject CodeFlights<ExecuteCodeResponse> flights;
  @Inject IdempotencyStore idempotency;
  @Inject UsageMeter meter;
  @Inject UsageEvents events;
  @Inject ToolMetrics metrics;

  // ---------------------------------------------------------------- search

  @Override
  public void search(SearchRequest request, StreamObserver<SearchResponse> out) {
    try {
      String invalid = invalidSearch(request);
      if (invalid != null) {
        throw Status.INVALID_ARGUMENT.withDescription(invalid).asRuntimeException();
      }
      Answer a = searchOne(Caller.tenant(), request);
      if (a.refusedNanos >= 0) {
        throw exhausted(a.why, a.refusedNanos);
      }
      out.onNext(a.response);
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  @Override
  public void batchSearch(BatchSearchRequest request, StreamObserver<BatchSearchResponse> out) {
    try {
      int n = request.getRequestsCount();
      if (n == 0 || n > config.search().maxBatch()) {
        throw Status.INVALID_ARGUMENT.withDescription("a batch needs 1.." + config.search().maxBatch()
            + " requests (otc.gateway.search.max-batch), got " + n).asRuntimeException();
      }
      for (int i = 0; i < n; i++) {
        String invalid = invalidSearch(request.getRequests(i));
        if (invalid != null) {
          throw Status.INVALID_ARGUMENT.withDescription("requests[" + i + "]: " + invalid).asRuntimeException();
        }
      }
      String tenant = Caller.tenant();
      BatchSearchResponse.Builder b = BatchSearchResponse.newBuilder();
      long maxWait = -1;
      for (SearchRequest r : request.getRequestsList()) {
        Answer a = searchOne(tenant, r);
        b.addResponses(a.response);
        maxWait = Math.max(maxWait, a.refusedNanos);
      }
      if (maxWait >= 0) {
        // Refused queries carry status RATE_LIMITED in place; the trailer says when to retry them.
        Caller.trailers().put(GrpcMetadata.RETRY_AFTER_MS_KEY, Long.toString(retryMillis(maxWait)));
      }
      out.onNext(b.build());
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  private String invalidSearch(SearchRequest r) {
    GatewayConfig.Search s = config.search();
    if (r.getQuery().isBlank()) {
      return "query must not be empty";
    }
    if (r.getQuery().length() > s.maxQueryChars()) {
      return "query has " + r.getQuery().length() + " characters, over the limit of " + s.maxQueryChars()
          + " (otc.gateway.search.max-query-chars)";
    }
    if (r.getTopK() < 0 || r.getTopK() > s.maxTopK()) {
      return "top_k must be in 1.." + s.maxTopK() + " (0 = default " + s.defaultTopK() + "), was " + r.getTopK();
    }
    return null;
  }

  /** One search tool call: admitted, answered, metered. {@code refusedNanos} >= 0 when refused. */
  private record Answer(SearchResponse response, long refusedNanos, String why) {}

  private Answer searchOne(String tenant, SearchRequest r) {
    long t0 = System.nanoTime();
    int topK = r.getTopK() == 0 ? config.search().defaultTopK() : r.getTopK();
    CallContext ctx = r.hasContext() ? r.getContext() : null;
    String base = events.baseId(tenant, Tool.SEARCH, ctx, null);
    Admission adm = limits.admit(tenant, Tool.SEARCH);
    try {
      if (!adm.allowed()) {
        refused(tenant, Tool.SEARCH, ctx, base, adm, t0);
        return new Answer(SearchResponse.newBuilder().setStatus(ToolStatus.TOOL_STATUS_RATE_LIMITED).build(),
            adm.retryAfterNanos(), adm.refusal().id());
      }
      if (adm.shadowRefused()) {
        metrics.refusal(Tool.SEARCH, adm.refusal(), true);
      }
      SearchResponse cached = cache.getSearch(tenant, r.getQuery(), topK);
      SearchResponse resp;
      if (cached != null) {
        resp = cached.toBuilder().setCacheHit(true).build();
        metrics.cacheHit(Tool.SEARCH);
      } else {
        List<SearchHit> hits = engine.search(r.getQuery(), topK, config.search().ranking());
        SearchResponse.Builder sb = SearchResponse.newBuilder().setStatus(ToolStatus.TOOL_STATUS_OK)
            .setFormatted(SearchEngine.format(hits));
        for (SearchHit h : hits) {
          sb.addPassages(Passage.newBuilder().setId(h.id()).setTitle(h.title()).setText(h.text()).setScore(h.score()));
        }
        resp = sb.build();
        cache.putSearch(tenant, r.getQuery(), topK, resp);
      }
      allowed(tenant, Tool.SEARCH, ctx, base, adm, ToolStatus.TOOL_STATUS_OK, resp.getCacheHit(), t0);
      return new Answer(resp, -1, null);
    } catch (RuntimeException e) {
      if (e instanceof StatusRuntimeException) {
        throw e;
      }
      LOG.errorf(e, "search failed for tenant %s", tenant);
      allowed(tenant, Tool.SEARCH, ctx, base, adm, ToolStatus.TOOL_STATUS_ERROR, false, t0);
      throw Status.INTERNAL.withDescription("search failed: " + e.getMessage()).withCause(e).asRuntimeException();
    } finally {
      adm.release();
    }
  }

  // ---------------------------------------------------------------- code

  @Override
  public void executeCode(ExecuteCodeRequest request, StreamObserver<ExecuteCodeResponse> out) {
    long t0 = System.nanoTime();
    try {
      validateCode(request);
      String tenant = Caller.tenant();
      CallContext ctx = request.hasContext() ? request.getContext() : null;
      String callId = request.getCallId();
      if (!sandbox.available()) {
        String base = events.baseId(tenant, Tool.CODE, ctx, callId);
        record(events.event(events.attemptId(base, "unavailable"), tenant, Tool.CODE, ctx,
            ToolStatus.TOOL_STATUS_UNAVAILABLE, 0, ms(t0), null, false, false, false));
        metrics.call(Tool.CODE, ToolStatus.TOOL_STATUS_UNAVAILABLE, System.nanoTime() - t0);
        throw Status.FAILED_PRECONDITION.withDescription("code sandbox unavailable on this host: "
            + sandbox.unavailableReason()).asRuntimeException();
      }
      CompletableFuture<ExecuteCodeResponse> mine = null;
      if (!callId.isEmpty()) {
        mine = new CompletableFuture<>();
        CompletableFuture<ExecuteCodeResponse> first = idempotency.claim(tenant, callId, mine);
        if (first != null) {
          replay(first, out);
          return;
        }
      }
      runCode(tenant, ctx, request, mine, out, t0);
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  private void validateCode(ExecuteCodeRequest r) {
    String why = null;
    int bytes = r.getCode().getBytes(StandardCharsets.UTF_8).length;
    if (r.getCode().isBlank()) {
      why = "code must not be empty";
    } else if (bytes > config.code().maxCodeBytes()) {
      why = "code is " + bytes + " bytes, over the limit of " + config.code().maxCodeBytes()
          + " (otc.gateway.code.max-code-bytes)";
    } else if (r.getTimeoutMs() < 0) {
      why = "timeout_ms must be >= 0 (0 = default), was " + r.getTimeoutMs();
    } else if (r.getCallId().length() > MAX_CALL_ID_CHARS) {
      why = "call_id has more than " + MAX_CALL_ID_CHARS + " characters";
    }
    if (why != null) {
      throw Status.INVALID_ARGUMENT.withDescription(why).asRuntimeException();
    }
  }

  private void replay(CompletableFuture<ExecuteCodeResponse> first, StreamObserver<ExecuteCodeResponse> out) {
    first.whenComplete((r, ex) -> {
      try {
        if (ex == null) {
          out.onNext(r.toBuilder().setReplayed(true).build());
          out.onCompleted();
        } else {
          out.onError(Status.fromThrowable(ex).asRuntimeException(Status.trailersFromThrowable(ex)));
        }
      } catch (RuntimeException gone) {
        LOG.debugf("replay not delivered: %s", gone);
      }
    });
  }

  private void runCode(String tenant, CallContext ctx, ExecuteCodeRequest req, CompletableFuture<ExecuteCodeResponse> mine,
      StreamObserver<ExecuteCodeResponse> out, long t0) {
    String callId = req.getCallId();
    String base = events.baseId(tenant, Tool.CODE, ctx, callId);
    Admission adm = limits.admit(tenant, Tool.CODE);
    if (!adm.allowed()) {
      StatusRuntimeException ex = exhausted(adm.refusal().id(), adm.retryAfterNanos());
      try {
        refused(tenant, Tool.CODE, ctx, base, adm, t0);
      } catch (StatusRuntimeException meteringFailed) {
        ex = meteringFailed;
      }
      if (mine != null) {
        idempotency.release(tenant, callId, mine, ex);
      }
      throw ex;
    }
    boolean handedOff = false;
    try {
      if (adm.shadowRefused()) {
        metrics.refusal(Tool.CODE, adm.refusal(), true);
      }
      long timeoutMs = effectiveTimeoutMs(req.getTimeoutMs());
      // Keyed by the time limit the caller asked for, not the one its deadline leaves: that shrinks by the millisecond
      // from call to call, so with a deadline at or under the program timeout no two calls shared a key (no cache
      // hit, no single flight). Only OK and ERROR results are cached, and those did not depend on the limit.
      String key = ResultCache.codeKey(tenant, req.getCode(), requestedTimeoutMs(req.getTimeoutMs()));
      // Cache hit, or join the tenant's identical program already running, or lead a new run (CodeFlights).
      CodeFlights.Seat<ExecuteCodeResponse> seat = flights.board(key, () -> cache.getCode(key));
      if (seat.cached()) {
        ExecuteCodeResponse r = seat.hit().toBuilder().setCacheHit(true).build();
        metrics.cacheHit(Tool.CODE);
        allowed(tenant, Tool.CODE, ctx, base, adm, r.getStatus(), true, t0);
        if (mine != null) {
          idempotency.complete(tenant, callId, mine, r);
        }
        out.onNext(r);
        out.onCompleted();
        return;
      }
      CodeFlights.Flight<ExecuteCodeResponse> flight = seat.flight();
      ServerCallStreamObserver<ExecuteCodeResponse> sout = (ServerCallStreamObserver<ExecuteCodeResponse>) out;
      // A cancelled call or an expired deadline leaves the flight; the last caller to leave kills the
      // sandbox at once (not at its own time limit).
      AtomicBoolean left = new AtomicBoolean();
      Runnable leave = () -> {
        if (left.compareAndSet(false, true)) {
          flight.detach();
        }
      };
      sout.setOnCancelHandler(leave);
      Context call = Context.current();
      call.addListener(c -> leave.run(), Runnable::run);
      handedOff = true;
      boolean joined = !seat.leader();
      flight.result().whenComplete((r, ex) -> finishCode(tenant, ctx, req, base, adm, mine, sout, call, r, ex, joined, t0));
      if (seat.leader()) {
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
    } catch (StatusRuntimeException e) {
      // Metering failed before the hand-off: waiting retries of this call_id get the error too.
      if (!handedOff && mine != null && !mine.isDone()) {
        idempotency.release(tenant, callId, mine, e);
      }
      throw e;
    } finally {
      if (!handedOff) {
        adm.release();
      }
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
   * {@code joined} an identical run of its tenant (then it is a cache hit, as for a cached result).
   */
  private void finishCode(String tenant, CallContext ctx, ExecuteCodeRequest req, String base, Admission adm,
      CompletableFuture<ExecuteCodeResponse> mine, ServerCallStreamObserver<ExecuteCodeResponse> out, Context call,
      ExecuteCodeResponse run, Throwable ex, boolean joined, long t0) {
    try {
      if (ex != null) {
        LOG.errorf(ex, "sandbox run failed for tenant %s", tenant);
        allowed(tenant, Tool.CODE, ctx, base, adm, ToolStatus.TOOL_STATUS_ERROR, false, t0);
        StatusRuntimeException e = Status.INTERNAL.withDescription("sandbox failed: " + ex.getMessage()).asRuntimeException();
        if (mine != null) {
          idempotency.release(tenant, req.getCallId(), mine, e);
        }
        out.onError(e);
        return;
      }
      ExecuteCodeResponse r = joined ? run.toBuilder().setCacheHit(true).build() : run;
      ToolStatus status = r.getStatus();
      if (out.isCancelled() || call.isCancelled()) {
        // The caller is gone (cancel or deadline): metered as a killed attempt, and a retry with the same
        // call_id runs for real rather than replaying a result nobody saw.
        record(events.event(events.attemptId(base, "cancelled"), tenant, Tool.CODE, ctx, status,
            cost(Tool.CODE), ms(t0), null, false, adm.shadowRefused(), false));
        metrics.call(Tool.CODE, status, System.nanoTime() - t0);
        if (mine != null) {
          idempotency.release(tenant, req.getCallId(), mine, Status.CANCELLED.withDescription("first attempt cancelled").asRuntimeException());
        }
        return;
      }
      if (joined) {
        metrics.cacheHit(Tool.CODE);
      }
      allowed(tenant, Tool.CODE, ctx, base, adm, status, joined, t0);
      if (mine != null) {
        idempotency.complete(tenant, req.getCallId(), mine, r);
      }
      out.onNext(r);
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      // Metering failed (record() logged it): the caller gets the error instead of waiting for its deadline.
      if (mine != null && !mine.isDone()) {
        idempotency.release(tenant, req.getCallId(), mine, e);
      }
      try {
        out.onError(e);
      } catch (RuntimeException gone) {
        LOG.debugf("code error not delivered for tenant %s: %s", tenant, gone);
      }
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

  // ---------------------------------------------------------------- quota

  @Override
  public void getQuota(QuotaRequest request, StreamObserver<QuotaResponse> out) {
    try {
      String tenant = Caller.tenant();
      Set<Tool> tools = new LinkedHashSet<>();
      if (request.getDescriptorsCount() == 0) {
        tools.addAll(List.of(Tool.values()));
      }
      for (int i = 0; i < request.getDescriptorsCount(); i++) {
        RateLimitDescriptor d = request.getDescriptors(i);
        Tool tool = null;
        for (RateLimitDescriptor.Entry e : d.getEntriesList()) {
          switch (e.getKey()) {
            case "tenant" -> {
              if (!e.getValue().equals(tenant)) {
                throw Status.PERMISSION_DENIED.withDescription("descriptors[" + i + "] names tenant " + e.getValue()
                    + "; a caller may only query its own tenant").asRuntimeException();
              }
            }
            case "tool" -> {
              tool = Tool.byId(e.getValue());
              if (tool == null) {
                throw Status.INVALID_ARGUMENT.withDescription("descriptors[" + i + "]: unknown tool " + e.getValue()
                    + " (search, code)").asRuntimeException();
              }
            }
            default -> throw Status.INVALID_ARGUMENT.withDescription("descriptors[" + i + "]: unknown key "
                + e.getKey() + " (tenant, tool)").asRuntimeException();
          }
        }
        if (tool == null) {
          tools.addAll(List.of(Tool.values()));
        } else {
          tools.add(tool);
        }
      }
      QuotaResponse.Builder b = QuotaResponse.newBuilder().setTenant(tenant).setShadowMode(limits.policy().shadow());
      boolean allOk = true;
      for (Tool t : tools) {
        LimitService.Standing s = limits.standing(tenant, t, request.getHitsAddend());
        allOk &= s.ok();
        b.addStatuses(QuotaStatus.newBuilder()
            .setCode(s.ok() ? QuotaStatus.Code.OK : QuotaStatus.Code.OVER_LIMIT)
            .setTool(t.id())
            .setRequestsPerUnit((int) Math.min(Integer.MAX_VALUE, s.ratePerUnit()))
            .setUnitMillis(s.unitMillis())
            .setLimitRemaining(s.remaining())
            .setDurationUntilResetMs(s.untilFullMillis())
            .setBudgetRemaining(s.budgetRemaining())
            .setConcurrencyInUse(s.concurrencyInUse())
            .setConcurrencyLimit(s.concurrencyLimit()));
      }
      b.setOverallCode(allOk ? QuotaStatus.Code.OK : QuotaStatus.Code.OVER_LIMIT);
      out.onNext(b.build());
      out.onCompleted();
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  // ---------------------------------------------------------------- accounting

  private void refused(String tenant, Tool tool, CallContext ctx, String base, Admission adm, long t0) {
    metrics.refusal(tool, adm.refusal(), false);
    record(events.event(events.attemptId(base, "refused"), tenant, tool, ctx, ToolStatus.TOOL_STATUS_RATE_LIMITED,
        0, ms(t0), adm.refusal(), true, false, false));
    metrics.call(tool, ToolStatus.TOOL_STATUS_RATE_LIMITED, System.nanoTime() - t0);
    LOG.debugf("refused tenant=%s tool=%s limit=%s retryAfterMs=%d", tenant, tool.id(), adm.refusal().id(),
        retryMillis(adm.retryAfterNanos()));
  }

  private void allowed(String tenant, Tool tool, CallContext ctx, String base, Admission adm, ToolStatus status,
      boolean cacheHit, long t0) {
    record(events.event(base, tenant, tool, ctx, status, cost(tool), ms(t0), adm.refusal(), false,
        adm.shadowRefused(), cacheHit));
    metrics.call(tool, status, System.nanoTime() - t0);
  }

  /**
   * Meters one call. A spool that cannot be written fails the call with {@code UNAVAILABLE} naming the
   * metering spool: a tool call is never answered unmetered, and never left without an answer.
   */
  private void record(ToolUsage event) {
    try {
      meter.record(event);
    } catch (MeteringSpoolException e) {
      LOG.errorf(e, "tool call of tenant %s failed: its usage event could not be spooled", event.getTenant());
      throw Status.UNAVAILABLE.withDescription("usage metering unavailable: " + e.getMessage()).withCause(e).asRuntimeException();
    }
  }

  private double cost(Tool tool) {
    return limits.policy().costUnits().get(tool);
  }

  private static StatusRuntimeException exhausted(String limit, long retryAfterNanos) {
    Metadata trailers = new Metadata();
    long ms = retryMillis(retryAfterNanos);
    trailers.put(GrpcMetadata.RETRY_AFTER_MS_KEY, Long.toString(ms));
    return Status.RESOURCE_EXHAUSTED.withDescription("over the " + limit + " limit; retry after " + ms + " ms")
        .asRuntimeException(trailers);
  }

  private static long retryMillis(long nanos) {
    // Round up: retrying a little late succeeds, retrying early is refused again.
    return Math.max(1, (nanos + 999_999) / 1_000_000);
  }

  private static double ms(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }
}
