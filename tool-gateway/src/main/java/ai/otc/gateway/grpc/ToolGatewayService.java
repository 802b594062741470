package ai.otc.gateway.grpc;

import ai.otc.contract.GrpcMetadata;
import ai.otc.gateway.auth.Caller;
import ai.otc.gateway.cache.ResultCache;
import ai.otc.gateway.config.GatewayConfig;
import ai.otc.gateway.domain.Admission;
import ai.otc.gateway.domain.Tool;
import ai.otc.gateway.limits.LimitService;
import ai.otc.gateway.metering.UsageEvents;
import ai.otc.gateway.metrics.ToolMetrics;
import ai.otc.proto.v1.BatchExecuteCodeRequest;
import ai.otc.proto.v1.BatchExecuteCodeResponse;
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
import ai.otc.tools.search.SearchEngine;
import ai.otc.tools.search.SearchHit;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import jakarta.inject.Inject;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The {@code otc.v1.ToolGateway} gRPC service: {@code Search}, {@code BatchSearch}, {@code ExecuteCode},
 * {@code BatchExecuteCode} and {@code GetQuota}. Every tool call (each query or program of a batch is one) is
 * validated, admitted by the {@link LimitService}, answered (from the {@link ResultCache} when possible, charged all
 * the same) and metered with exactly one {@code ToolUsage} event, whether allowed, refused or failed
 * ({@link CallAccounting}); a code call's way from call id to answer is {@link CodeCalls}. Requests that fail
 * validation get {@code INVALID_ARGUMENT} and are not tool calls (no event, no charge); a batch with one invalid
 * request is refused whole. A call whose event cannot be written to the metering spool fails with
 * {@code UNAVAILABLE} (never answered unmetered, never left without an answer).
 *
 * <p>Nothing here blocks the gRPC event loop for long: a search is a sub-millisecond in-memory Lucene
 * query, metering is a spool write, and code runs on the sandbox's own thread with the response sent
 * from its completion.
 */
@GrpcService
public class ToolGatewayService extends ToolGatewayGrpc.ToolGatewayImplBase {
  private static final Logger LOG = Logger.getLogger(ToolGatewayService.class);

  @Inject GatewayConfig config;
  @Inject SearchEngine engine;
  @Inject LimitService limits;
  @Inject ResultCache cache;
  @Inject UsageEvents events;
  @Inject ToolMetrics metrics;
  @Inject CallAccounting accounting;
  @Inject CodeCalls code;

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
        throw CallAccounting.exhausted(a.why, a.refusedNanos);
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
        Caller.trailers().put(GrpcMetadata.RETRY_AFTER_MS_KEY, Long.toString(CallAccounting.retryMillis(maxWait)));
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
        accounting.refused(tenant, Tool.SEARCH, ctx, base, adm, t0);
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
      accounting.allowed(tenant, Tool.SEARCH, ctx, base, adm, ToolStatus.TOOL_STATUS_OK, resp.getCacheHit(), t0);
      return new Answer(resp, -1, null);
    } catch (RuntimeException e) {
      if (e instanceof StatusRuntimeException) {
        throw e;
      }
      LOG.errorf(e, "search failed for tenant %s", tenant);
      accounting.allowed(tenant, Tool.SEARCH, ctx, base, adm, ToolStatus.TOOL_STATUS_ERROR, false, t0);
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
      String invalid = code.invalid(request);
      if (invalid != null) {
        throw Status.INVALID_ARGUMENT.withDescription(invalid).asRuntimeException();
      }
      String tenant = Caller.tenant();
      String unavailable = code.unavailable(tenant, request, t0);
      if (unavailable != null) {
        throw Status.FAILED_PRECONDITION.withDescription(unavailable).asRuntimeException();
      }
      code.call(tenant, request, CodeReply.unary(out), t0);
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
  }

  @Override
  public void batchExecuteCode(BatchExecuteCodeRequest request, StreamObserver<BatchExecuteCodeResponse> out) {
    long t0 = System.nanoTime();
    try {
      int n = request.getRequestsCount();
      if (n == 0 || n > config.code().maxBatch()) {
        throw Status.INVALID_ARGUMENT.withDescription("a batch needs 1.." + config.code().maxBatch()
            + " requests (otc.gateway.code.max-batch), got " + n).asRuntimeException();
      }
      for (int i = 0; i < n; i++) {
        String invalid = code.invalid(request.getRequests(i));
        if (invalid != null) {
          throw Status.INVALID_ARGUMENT.withDescription("requests[" + i + "]: " + invalid).asRuntimeException();
        }
      }
      String tenant = Caller.tenant();
      String unavailable = null;
      for (ExecuteCodeRequest r : request.getRequestsList()) {
        unavailable = code.unavailable(tenant, r, t0);
      }
      if (unavailable != null) {
        throw Status.FAILED_PRECONDITION.withDescription(unavailable).asRuntimeException();
      }
      BatchCodeReplies replies = new BatchCodeReplies(n, out);
      for (int i = 0; i < n; i++) {
        code.call(tenant, request.getRequests(i), replies.slot(i), t0);
      }
    } catch (StatusRuntimeException e) {
      out.onError(e);
    }
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
}
