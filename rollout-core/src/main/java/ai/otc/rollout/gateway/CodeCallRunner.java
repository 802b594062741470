package ai.otc.rollout.gateway;

import static ai.otc.rollout.gateway.GatewayCalls.context;
import static ai.otc.rollout.gateway.GatewayCalls.describe;
import static ai.otc.rollout.gateway.GatewayCalls.failedStatus;
import static ai.otc.rollout.gateway.GatewayCalls.retryAfter;
import static ai.otc.rollout.gateway.GatewayCalls.statusOf;
import static ai.otc.rollout.gateway.GatewayCalls.waitOrFail;

import ai.otc.policy.tools.CallInfo;
import ai.otc.policy.tools.CallStatus;
import ai.otc.policy.tools.CodeCall;
import ai.otc.policy.tools.CodeOutcome;
import ai.otc.policy.tools.ToolBackend.Execution;
import ai.otc.proto.v1.BatchExecuteCodeRequest;
import ai.otc.proto.v1.BatchExecuteCodeResponse;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.ToolGatewayGrpc;
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
 * The code-call half of {@link GatewayToolBackend}: sends a step's programs as the gateway's {@code BatchExecuteCode}
 * RPCs (over the client's authenticated stub, counted in its {@link GatewayStats}), at most {@code codeParallelism}
 * programs in flight over all RPCs of the client, and retries refused and failed calls by {@link RetryRules}.
 *
 * <p>Thread-safe. Owns the program threads, stopped by {@link #close()} (which {@link GatewayToolBackend#close()}
 * calls).
 */
final class CodeCallRunner {
  private final ToolGatewayGrpc.ToolGatewayBlockingStub stub;
  private final GatewayClientConfig config;
  private final GatewayStats stats;
  private final ExecutorService codeThreads = Executors.newVirtualThreadPerTaskExecutor();
  private final Semaphore codeSlots;

  CodeCallRunner(ToolGatewayGrpc.ToolGatewayBlockingStub stub, GatewayClientConfig config, GatewayStats stats) {
    this.stub = stub;
    this.config = config;
    this.stats = stats;
    this.codeSlots = new Semaphore(config.codeParallelism());
  }

  /**
   * The programs of one generation step, as few {@code BatchExecuteCode} RPCs as {@code codeParallelism} allows: each
   * carries every call of up to {@code codeParallelism} distinct programs (at most {@code maxBatch} calls), and at most
   * {@code codeParallelism} programs are in flight at once over all RPCs of this client ({@link #rpcBatches}). A GRPO
   * group's members usually write the same program: its copies ride on one run at the gateway (one permit, one round
   * trip) and are answered with it. One {@code ExecuteCode} per call (until 2026-12-03) cost a round trip each, its
   * copies waited for a client slot behind the step's other programs, and the step's programs reached the gateway one
   * RPC after another (8 programs: the last started ~22 ms after the first; in one RPC all start within ~2 ms).
   */
  List<CodeOutcome> executeBatch(List<CodeCall> calls) {
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
      String failure = waitOrFail(decision, stats);
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

  /** Stops the program threads. */
  void close() {
    codeThreads.shutdownNow();
  }
}
