package ai.otc.gateway.cache;

import ai.otc.proto.v1.ExecuteCodeResponse;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Idempotency of the {@code ExecuteCode} RPC: the first call with a given {@code (tenant, call_id)}
 * claims the key and runs; a retry (also one that arrives while the first still runs) gets the first
 * call's result, marked {@code replayed}, without running or metering again. A claim whose call did not
 * complete (refused, cancelled, failed) is released so a retry runs for real.
 */
public final class IdempotencyStore {
  private final Cache<String, CompletableFuture<ExecuteCodeResponse>> calls;

  public IdempotencyStore(long maxEntries, Duration ttl) {
    this.calls = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl).build();
  }

  /**
   * Claims {@code (tenant, callId)}: returns null when this caller now owns the key (it must {@link
   * #complete} or {@link #release} it), or the earlier call's future to replay.
   */
  public CompletableFuture<ExecuteCodeResponse> claim(String tenant, String callId, CompletableFuture<ExecuteCodeResponse> mine) {
    return calls.asMap().putIfAbsent(key(tenant, callId), mine);
  }

  /** Records the owner's result; waiting retries receive it. */
  public void complete(CompletableFuture<ExecuteCodeResponse> mine, ExecuteCodeResponse r) {
    mine.complete(r);
  }

  /** Gives the key up (the call did not complete); waiting retries get {@code failure} and may retry. */
  public void release(String tenant, String callId, CompletableFuture<ExecuteCodeResponse> mine, Throwable failure) {
    calls.asMap().remove(key(tenant, callId), mine);
    mine.completeExceptionally(failure);
  }

  private static String key(String tenant, String callId) {
    return tenant + '\u0000' + callId;
  }
}
