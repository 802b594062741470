package ai.otc.rollout.gateway;

import static ai.otc.rollout.gateway.GatewayCalls.context;
import static ai.otc.rollout.gateway.GatewayCalls.describe;
import static ai.otc.rollout.gateway.GatewayCalls.failedStatus;
import static ai.otc.rollout.gateway.GatewayCalls.retryAfter;
import static ai.otc.rollout.gateway.GatewayCalls.statusOf;
import static ai.otc.rollout.gateway.GatewayCalls.waitOrFail;

import ai.otc.contract.GrpcMetadata;
import ai.otc.policy.tools.CallInfo;
import ai.otc.policy.tools.CallStatus;
import ai.otc.policy.tools.CodeCall;
import ai.otc.policy.tools.CodeOutcome;
import ai.otc.policy.tools.SearchCall;
import ai.otc.policy.tools.SearchOutcome;
import ai.otc.policy.tools.ToolBackend;
import ai.otc.proto.v1.BatchSearchRequest;
import ai.otc.proto.v1.BatchSearchResponse;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.Passage;
import ai.otc.proto.v1.SearchRequest;
import ai.otc.proto.v1.SearchResponse;
import ai.otc.proto.v1.ToolGatewayGrpc;
import ai.otc.proto.v1.ToolStatus;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link ToolBackend} over the tool gateway's gRPC API ({@code otc.v1.ToolGateway}): every call carries the bearer
 * token ({@link GrpcMetadata#AUTHORIZATION}), a per-attempt deadline and its {@link CallContext} (trajectory id, call
 * index, policy version, run id). The public entry point of the client; it sends the searches itself and hands the
 * programs to its {@link CodeCallRunner}. The searches of one generation step go out as {@code BatchSearch} RPCs (split
 * at {@code maxBatch}); the programs of a step go out as {@code BatchExecuteCode} RPCs of up to
 * {@code codeParallelism} programs with all their copies (which ride on one run), at most {@code codeParallelism}
 * programs in flight ({@link #executeBatch}), each call with its idempotent {@code call_id}
 * {@code <trajectory id>:<call index>}, so a retried program runs and is charged once.
 *
 * <p>Failures follow {@link RetryRules}: {@code RESOURCE_EXHAUSTED} (a whole RPC, or a query or program answered in
 * place with status {@code RATE_LIMITED}) waits the {@code retry-after-ms} trailer and retries; {@code UNAVAILABLE}
 * and {@code DEADLINE_EXCEEDED} retry with capped exponential back-off and jitter; anything else (a program answered
 * {@code UNAVAILABLE} in place among them), or a call out of
 * retries, fails for good: the outcome is not delivered ({@link CallInfo#delivered()} false) and carries the status
 * ({@code RATE_LIMITED}, {@code UNAVAILABLE}, {@code TIMEOUT} for an exhausted deadline), and the generation
 * environment ends that trajectory without an observation. A blank query is answered here with no passages and never
 * sent (the gateway refuses blank queries; in process they find nothing).
 *
 * <p>Thread-safe. Counters in {@link #stats()}.
 */
public final class GatewayToolBackend implements ToolBackend {
  private final ManagedChannel channel;
  private final GatewayClientConfig config;
  private final GatewayStats stats = new GatewayStats();
  private final boolean ownsChannel;
  private final ToolGatewayGrpc.ToolGatewayBlockingStub stub;
  private final CodeCallRunner code;

  /** A client over a channel the caller owns (not shut down by {@link #close()}). */
  public GatewayToolBackend(ManagedChannel channel, GatewayClientConfig config) {
    this(channel, config, false);
  }

  private GatewayToolBackend(ManagedChannel channel, GatewayClientConfig config, boolean ownsChannel) {
    this.channel = channel;
    this.config = config;
    this.ownsChannel = ownsChannel;
    Metadata auth = new Metadata();
    auth.put(GrpcMetadata.AUTHORIZATION_KEY, GrpcMetadata.BEARER_PREFIX + config.token());
    this.stub = ToolGatewayGrpc.newBlockingStub(
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(auth)));
    this.code = new CodeCallRunner(stub, config, stats);
  }

  /**
   * A client with its own plain-text channel to {@code target} ({@code host:port}), shut down by {@link #close()}.
   *
   * @throws IllegalArgumentException naming the target when it is malformed
   */
  public static GatewayToolBackend connect(String target, GatewayClientConfig config) {
    if (target == null || target.isBlank() || !target.matches("[^\\s:]+:\\d{1,5}")) {
      throw new IllegalArgumentException("gateway target must be host:port, got '" + target + "'");
    }
    ManagedChannel ch = Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    return new GatewayToolBackend(ch, config, true);
  }

  // ---------------------------------------------------------------- single calls

  /**
   * One search.
   *
   * @throws ToolCallException when the call fails for good
   */
  @Override
  public List<Hit> search(String query, int topK) {
    SearchOutcome o = searchBatch(List.of(new SearchCall(query, topK, null))).get(0);
    if (!o.info().delivered()) {
      throw new ToolCallException(o.info());
    }
    return o.hits();
  }

  /**
   * One program.
   *
   * @throws ToolCallException when the call fails for good
   */
  @Override
  public Execution execute(String program) {
    CodeOutcome o = executeBatch(List.of(new CodeCall(program, null))).get(0);
    if (!o.info().delivered()) {
      throw new ToolCallException(o.info());
    }
    return o.execution();
  }

  // ---------------------------------------------------------------- searches

  @Override
  public List<SearchOutcome> searchBatch(List<SearchCall> calls) {
    SearchOutcome[] out = new SearchOutcome[calls.size()];
    List<Integer> toSend = new ArrayList<>();
    for (int i = 0; i < calls.size(); i++) {
      if (calls.get(i).query().isBlank()) {
        // the gateway refuses a blank query (INVALID_ARGUMENT, and a whole BatchSearch with it): it is answered here
        // with no passages, as a search for nothing finds, and recorded as counted but never sent (not metered)
        out[i] = new SearchOutcome(List.of(), new CallInfo(CallStatus.NOT_EXECUTED, true, 0, false, 0,
            "a blank query is not sent to the gateway: no passages"));
        stats.recordCall(GatewayStats.SEARCH, CallStatus.NOT_EXECUTED, 0, false);
      } else {
        toSend.add(i);
      }
    }
    for (int from = 0; from < toSend.size(); from += config.maxBatch()) {
      sendSearches(calls, toSend.subList(from, Math.min(toSend.size(), from + config.maxBatch())), out);
    }
    return List.of(out);
  }

  /** Sends one chunk until every query is answered or has failed for good. */
  private void sendSearches(List<SearchCall> calls, List<Integer> chunk, SearchOutcome[] out) {
    long t0 = System.nanoTime();
    RetryRules rules = new RetryRules(config.retry(), () -> ThreadLocalRandom.current().nextDouble());
    List<Integer> pending = new ArrayList<>(chunk);
    int attempts = 0;
    while (!pending.isEmpty()) {
      attempts++;
      BatchSearchRequest.Builder req = BatchSearchRequest.newBuilder();
      for (int i : pending) {
        SearchCall c = calls.get(i);
        SearchRequest.Builder r = SearchRequest.newBuilder().setQuery(c.query()).setTopK(c.topK());
        if (c.ref() != null) {
          r.setContext(context(c.ref()));
        }
        req.addRequests(r);
      }
      AtomicReference<Metadata> trailers = new AtomicReference<>();
      RetryRules.Decision decision;
      try {
        stats.recordRpc();
        BatchSearchResponse resp = stub
            .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers))
            .withDeadlineAfter(config.deadline().toNanos(), TimeUnit.NANOSECONDS)
            .batchSearch(req.build());
        if (resp.getResponsesCount() != pending.size()) {
          throw Status.INTERNAL.withDescription("BatchSearch answered " + resp.getResponsesCount() + " of "
              + pending.size() + " queries").asRuntimeException();
        }
        List<Integer> refused = new ArrayList<>();
        for (int j = 0; j < pending.size(); j++) {
          SearchResponse r = resp.getResponses(j);
          int i = pending.get(j);
          if (r.getStatus() == ToolStatus.TOOL_STATUS_RATE_LIMITED) {
            refused.add(i);
          } else {
            out[i] = searchAnswer(r, t0, attempts);
          }
        }
        if (refused.isEmpty()) {
          return;
        }
        pending = refused;
        decision = rules.onFailure(Status.Code.RESOURCE_EXHAUSTED, retryAfter(trailers.get()));
      } catch (StatusRuntimeException e) {
        decision = rules.onFailure(e.getStatus().getCode(), retryAfter(e.getTrailers()));
        if (decision instanceof RetryRules.Decision.GiveUp g) {
          decision = new RetryRules.Decision.GiveUp(g.code(), g.reason() + ": " + describe(e.getStatus()));
        }
      }
      String failure = waitOrFail(decision, stats);
      if (failure != null) {
        CallStatus status = failedStatus(decision, Status.Code.CANCELLED);
        for (int i : pending) {
          double ms = (System.nanoTime() - t0) / 1e6;
          out[i] = new SearchOutcome(List.of(), CallInfo.failed(status, ms, attempts, failure));
          stats.recordCall(GatewayStats.SEARCH, status, ms, false);
        }
        return;
      }
    }
  }

  private SearchOutcome searchAnswer(SearchResponse r, long t0, int attempts) {
    List<Hit> hits = new ArrayList<>(r.getPassagesCount());
    for (Passage p : r.getPassagesList()) {
      hits.add(new Hit(p.getId(), p.getTitle(), p.getText(), p.getScore()));
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    CallStatus status = r.getStatus() == ToolStatus.TOOL_STATUS_UNSPECIFIED ? CallStatus.OK : statusOf(r.getStatus());
    stats.recordCall(GatewayStats.SEARCH, status, ms, r.getCacheHit());
    return new SearchOutcome(hits, new CallInfo(status, true, ms, r.getCacheHit(), attempts, ""));
  }

  // ---------------------------------------------------------------- programs

  /**
   * The programs of one generation step, sent as {@code BatchExecuteCode} RPCs by this client's {@link CodeCallRunner}
   * (see {@link CodeCallRunner#executeBatch}: a program's copies ride on one run, at most {@code codeParallelism}
   * programs in flight over all RPCs of this client).
   */
  @Override
  public List<CodeOutcome> executeBatch(List<CodeCall> calls) {
    return code.executeBatch(calls);
  }

  /** The client's counters. */
  public GatewayStats stats() {
    return stats;
  }

  public GatewayClientConfig config() {
    return config;
  }

  @Override
  public String name() {
    return "gateway";
  }

  /** Stops the program threads; shuts the channel down when {@link #connect} made it. */
  @Override
  public void close() {
    code.close();
    if (ownsChannel) {
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
