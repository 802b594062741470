package ai.otc.rollout.gateway;

import ai.otc.contract.GrpcMetadata;
import ai.otc.policy.tools.CallInfo;
import ai.otc.policy.tools.CallRef;
import ai.otc.policy.tools.CallStatus;
import ai.otc.policy.tools.CodeCall;
import ai.otc.policy.tools.CodeOutcome;
import ai.otc.policy.tools.SearchCall;
import ai.otc.policy.tools.SearchOutcome;
import ai.otc.policy.tools.ToolBackend;
import ai.otc.proto.v1.BatchExecuteCodeRequest;
import ai.otc.proto.v1.BatchExecuteCodeResponse;
import ai.otc.proto.v1.BatchSearchRequest;
import ai.otc.proto.v1.BatchSearchResponse;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.ExecuteCodeResponse;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link ToolBackend} over the tool gateway's gRPC API ({@code otc.v1.ToolGateway}): every call carries the bearer
 * token ({@link GrpcMetadata#AUTHORIZATION}), a per-attempt deadline and its {@link CallContext} (trajectory id, call
 * index, policy version, run id). The searches of one generation step go out as {@code BatchSearch} RPCs (split at
 * {@code maxBatch}); the programs of a step go out as {@code BatchExecuteCode} RPCs of up to {@code codeParallelism}
 * programs with all their copies (which ride on one run), at most {@code codeParallelism} programs in flight
 * ({@link #executeBatch}), each call with
 * its idempotent {@code call_id} {@code <trajectory id>:<call index>}, so a retried program runs and is charged once.
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
  private final ExecutorService codeThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final Semaphore codeSlots;

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
    this.codeSlots = new Semaphore(config.codeParallelism());
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
      String failure = waitOrFail(decision);
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
   * The programs of one generation step, as few {@code BatchExecuteCode} RPCs as {@code codeParallelism} allows: each
   * carries every call of up to {@code codeParallelism} distinct programs (at most {@code maxBatch} calls), and at most
   * {@code codeParallelism} programs are in flight at once over all RPCs of this client ({@link #rpcBatches}). A GRPO
   * group's members usually write the same program: its copies ride on one run at the gateway (one permit, one round
   * trip) and are answered with it. One {@code ExecuteCode} per call (until 2026-12-03) cost a round trip each, its
   * copies waited for a client slot behind the step's other programs, and the step's programs reached the gateway one
   * RPC after another (8 programs: the last started ~22 ms after the first; in one RPC all start within ~2 ms).
   */
  @Override
  public List<CodeOutcome> executeBatch(List<CodeCall> calls) {
    CodeOutcome[] out = new CodeOutcome[calls.size()];
    List<List<Integer>> groups = new ArrayList<>();
    for (List<Integer> g : byProgram(calls, config.maxBatch())) {
      if (!calls.get(g.get(0)).program().isBlank()) {
        groups.add(g);
        continue;
      }
      // the gateway refuses an empty program (INVALID_ARGUMENT, no usage event): it is answered here as python runs
      // it (no output, exit 0) and recorded as counted but never sent (not metered), like a blank search query
      for (int i : g) {
        stats.recordCall(GatewayStats.CODE, CallStatus.NOT_EXECUTED, 0, false);
        out[i] = new CodeOutcome(new Execution("", "", 0, false), new CallInfo(CallStatus.NOT_EXECUTED, true, 0, false,
            0, "an empty program is not sent to the gateway: no output"));
      }
    }
    List<List<List<Integer>>> rpcs = rpcBatches(groups, config.codeParallelism(), config.maxBatch());
    if (rpcs.size() == 1) {
      runPrograms(calls, rpcs.get(0), out);
      return List.of(out);
    }
    List<Future<?>> futures = new ArrayList<>(rpcs.size());
    for (List<List<Integer>> rpc : rpcs) {
      futures.add(codeThreads.submit(() -> runPrograms(calls, rpc, out)));
    }
    try {
      for (Future<?> f : futures) {
        f.get(); // also publishes the workers' writes to out
      }
    } catch (InterruptedException e) {
      futures.forEach(f -> f.cancel(true));
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while programs ran", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("a program call failed unexpectedly: " + e.getCause(), e.getCause());
    }
    return List.of(out);
  }

  /**
   * The program groups packed into RPCs in their order: each RPC at most {@code programs} groups and {@code maxCalls}
   * calls (a group is never split here; {@link #byProgram} already cut groups at {@code maxBatch}).
   */
  static List<List<List<Integer>>> rpcBatches(List<List<Integer>> groups, int programs, int maxCalls) {
    List<List<List<Integer>>> out = new ArrayList<>();
    List<List<Integer>> current = new ArrayList<>();
    int calls = 0;
    for (List<Integer> g : groups) {
      if (!current.isEmpty() && (current.size() == programs || calls + g.size() > maxCalls)) {
        out.add(current);
        current = new ArrayList<>();
        calls = 0;
      }
      current.add(g);
      calls += g.size();
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /**
   * The calls grouped by program, in the order each program first appears in the step, each group in the step's order
   * and split into chunks of at most {@code maxBatch}.
   */
  static List<List<Integer>> byProgram(List<CodeCall> calls, int maxBatch) {
    Map<String, List<Integer>> groups = new LinkedHashMap<>();
    for (int i = 0; i < calls.size(); i++) {
      groups.computeIfAbsent(calls.get(i).program(), p -> new ArrayList<>()).add(i);
    }
    List<List<Integer>> out = new ArrayList<>();
    for (List<Integer> g : groups.values()) {
      for (int from = 0; from < g.size(); from += maxBatch) {
        out.add(g.subList(from, Math.min(g.size(), from + maxBatch)));
      }
    }
    return out;
  }

  /**
   * Sends the calls of some programs as {@code BatchExecuteCode} until every call is answered or has failed for good: calls
   * refused in place ({@code RATE_LIMITED}) are sent again after the trailer's wait, a failed RPC is retried whole
   * (the call ids make a retry replay what already ran), and so is a call answered {@code UNAVAILABLE} in place (the
   * gateway's answer to a retry that joined a first attempt our deadline cancelled, or to a sandbox or metering
   * failure): it fails for good, with the deadline as its cause when an attempt ran past it, once its retries are spent.
   */
  private void runPrograms(List<CodeCall> calls, List<List<Integer>> groups, CodeOutcome[] out) {
    long t0 = System.nanoTime();
    RetryRules rules = new RetryRules(config.retry(), () -> ThreadLocalRandom.current().nextDouble());
    List<Integer> pending = groups.stream().flatMap(List::stream).toList();
    int programs = groups.size(); // the slots this RPC holds: one per program it may run
    int attempts = 0;
    while (!pending.isEmpty()) {
      attempts++;
      BatchExecuteCodeRequest.Builder req = BatchExecuteCodeRequest.newBuilder();
      for (int i : pending) {
        CodeCall c = calls.get(i);
        ExecuteCodeRequest.Builder r = ExecuteCodeRequest.newBuilder().setCode(c.program())
            .setTimeoutMs(config.codeTimeoutMs());
        if (c.ref() != null) {
          r.setCallId(c.ref().callId()).setContext(context(c.ref()));
        }
        req.addRequests(r);
      }
      AtomicReference<Metadata> trailers = new AtomicReference<>();
      RetryRules.Decision decision;
      try {
        codeSlots.acquire(programs);
        BatchExecuteCodeResponse resp;
        try {
          stats.recordRpc();
          resp = stub
              .withInterceptors(MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers))
              .withDeadlineAfter(config.deadline().toNanos(), TimeUnit.NANOSECONDS)
              .batchExecuteCode(req.build());
        } finally {
          codeSlots.release(programs);
        }
        if (resp.getResponsesCount() != pending.size()) {
          throw Status.INTERNAL.withDescription("BatchExecuteCode answered " + resp.getResponsesCount() + " of "
              + pending.size() + " programs").asRuntimeException();
        }
        List<Integer> refused = new ArrayList<>();
        List<Integer> failedInPlace = new ArrayList<>();
        String inPlaceReason = "";
        for (int j = 0; j < pending.size(); j++) {
          ExecuteCodeResponse r = resp.getResponses(j);
          int i = pending.get(j);
          double ms = (System.nanoTime() - t0) / 1e6;
          CallStatus status = statusOf(r.getStatus());
          if (status == CallStatus.RATE_LIMITED) {
            refused.add(i);
          } else if (status == CallStatus.UNAVAILABLE) {
            failedInPlace.add(i);
            inPlaceReason = "the gateway answered " + r.getStatus()
                + (r.getObservation().isEmpty() ? "" : ": " + r.getObservation());
          } else {
            stats.recordCall(GatewayStats.CODE, status, ms, r.getCacheHit());
            Execution ex = new Execution(r.getStdout(), r.getStderr(), r.getExitCode(), status == CallStatus.TIMEOUT);
            out[i] = new CodeOutcome(ex, new CallInfo(status, true, ms, r.getCacheHit(), attempts, ""));
          }
        }
        if (refused.isEmpty() && failedInPlace.isEmpty()) {
          return;
        }
        decision = retryInPlaceFailures(rules, failedInPlace, inPlaceReason, refused, retryAfter(trailers.get()),
            t0, attempts, out);
        if (decision == null) {
          return;
        }
        pending = new ArrayList<>(failedInPlace);
        pending.addAll(refused);
      } catch (StatusRuntimeException e) {
        decision = rules.onFailure(e.getStatus().getCode(), retryAfter(e.getTrailers()));
        if (decision instanceof RetryRules.Decision.GiveUp g) {
          decision = new RetryRules.Decision.GiveUp(g.code(), g.reason() + ": " + describe(e.getStatus()));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        decision = new RetryRules.Decision.GiveUp(Status.Code.CANCELLED, "interrupted");
      }
      String failure = waitOrFail(decision);
      if (failure != null) {
        failCodeCalls(pending, decision, failure, t0, attempts, out);
        return;
      }
    }
  }

  /**
   * What follows a response that answered some calls in place with a failure: {@code failedInPlace} (a sandbox or
   * metering failure, or a retry that joined a first attempt of its call id which our deadline cancelled) is a
   * transient failure, retried like a failed RPC; {@code refused} waits as the trailer says. A class whose retries are
   * spent fails here for good (written to {@code out}, and removed from its list); the other is retried. Returns the
   * wait before the next attempt, or null when nothing is left to retry.
   */
  private RetryRules.Decision retryInPlaceFailures(RetryRules rules, List<Integer> failedInPlace, String reason,
      List<Integer> refused, long retryAfterMs, long t0, int attempts, CodeOutcome[] out) {
    long delayMs = 0;
    boolean rateLimited = false;
    if (!failedInPlace.isEmpty()) {
      RetryRules.Decision d = rules.onFailure(Status.Code.UNAVAILABLE, -1);
      if (d instanceof RetryRules.Decision.Retry r) {
        delayMs = r.delayMs();
      } else {
        failCodeCalls(failedInPlace, d, ((RetryRules.Decision.GiveUp) d).reason() + ": " + reason, t0, attempts, out);
        failedInPlace.clear();
      }
    }
    if (!refused.isEmpty()) {
      RetryRules.Decision d = rules.onFailure(Status.Code.RESOURCE_EXHAUSTED, retryAfterMs);
      if (d instanceof RetryRules.Decision.Retry r) {
        delayMs = Math.max(delayMs, r.delayMs());
        rateLimited = true;
      } else {
        failCodeCalls(refused, d, ((RetryRules.Decision.GiveUp) d).reason(), t0, attempts, out);
        refused.clear();
      }
    }
    return failedInPlace.isEmpty() && refused.isEmpty() ? null : new RetryRules.Decision.Retry(delayMs, rateLimited);
  }

  private void failCodeCalls(List<Integer> calls, RetryRules.Decision decision, String failure, long t0, int attempts,
      CodeOutcome[] out) {
    CallStatus status = failedStatus(decision, Status.Code.CANCELLED);
    for (int i : calls) {
      double ms = (System.nanoTime() - t0) / 1e6;
      stats.recordCall(GatewayStats.CODE, status, ms, false);
      out[i] = new CodeOutcome(null, CallInfo.failed(status, ms, attempts, failure));
    }
  }

  // ---------------------------------------------------------------- shared

  /** Sleeps for a retry and returns null, or returns the reason the call fails for good. */
  private String waitOrFail(RetryRules.Decision decision) {
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
  private static CallStatus failedStatus(RetryRules.Decision decision, Status.Code fallback) {
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

  private static CallContext context(CallRef ref) {
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

  private static String describe(Status s) {
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
    codeThreads.shutdownNow();
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
