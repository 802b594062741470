package ai.otc.gateway.cache;

import ai.otc.proto.v1.ExecuteCodeResponse;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * Idempotency of the {@code ExecuteCode} RPC: the first call with a given {@code (tenant, call_id)}
 * claims the key and runs; a retry (also one that arrives while the first still runs) gets the first
 * call's result, marked {@code replayed}, without running or metering again. A claim whose call did not
 * complete (refused, cancelled, failed) is released so a retry runs for real.
 *
 * <p>Keys are per tenant: another tenant sending the same {@code call_id} (for instance one copied from
 * a trajectory it saw) makes its own call, runs and is charged for it, and never receives the first
 * tenant's result. The store is bounded by the estimated bytes of the results it holds ({@link
 * EntryWeight}; a claim still running counts its key and overhead), evicting as {@link ResultCache}
 * does; a result evicted before its TTL only means that a late retry runs again.
 */
public final class IdempotencyStore {
  private final Cache<String, CompletableFuture<ExecuteCodeResponse>> calls;

  /** @param maxBytes estimated bytes of all remembered results together (0: nothing remembered) */
  public IdempotencyStore(long maxBytes, Duration ttl) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must be >= 0, was " + maxBytes);
    }
    this.calls = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .<String, CompletableFuture<ExecuteCodeResponse>>weigher((k, f) -> EntryWeight.of(k, f.state() == Future.State.SUCCESS ? f.resultNow() : null))
        .expireAfterWrite(ttl)
        .executor(Runnable::run)
        .build();
  }

  /**
   * Claims {@code (tenant, callId)}: returns null when this caller now owns the key (it must {@link
   * #complete} or {@link #release} it), or the earlier call's future to replay.
   */
  public CompletableFuture<ExecuteCodeResponse> claim(String tenant, String callId, CompletableFuture<ExecuteCodeResponse> mine) {
    return calls.asMap().putIfAbsent(key(tenant, callId), mine);
  }

  /** Records the owner's result; waiting retries receive it, and the entry is weighed again with it. */
  public void complete(String tenant, String callId, CompletableFuture<ExecuteCodeResponse> mine, ExecuteCodeResponse r) {
    mine.complete(r);
    // Re-put (only if still ours) so the cache weighs the entry with its result, not as the empty claim it was.
    calls.asMap().replace(key(tenant, callId), mine, mine);
  }

  /** Gives the key up (the call did not complete); waiting retries get {@code failure} and may retry. */
  public void release(String tenant, String callId, CompletableFuture<ExecuteCodeResponse> mine, Throwable failure) {
    calls.asMap().remove(key(tenant, callId), mine);
    mine.completeExceptionally(failure);
  }

  /** Estimated bytes held (after pending evictions). */
  public long bytes() {
    calls.cleanUp();
    return calls.policy().eviction().orElseThrow().weightedSize().orElseThrow();
  }

  private static String key(String tenant, String callId) {
    // Length-prefixed: no tenant name or call_id can make one tenant's key equal another's.
    return tenant.length() + ":" + tenant + "\u0000" + callId;
  }
}
