package ai.otc.rollout.gateway;

import java.time.Duration;

/**
 * Settings of the gateway client.
 *
 * @param token         bearer token of the rollout's tenant (sent as {@code authorization: Bearer <token>})
 * @param deadline      deadline of one attempt of one RPC (a {@code BatchSearch} is one RPC)
 * @param codeTimeoutMs wall-clock limit asked for each program (0 = the gateway's default)
 * @param retry         retry and back-pressure rules
 * @param codeParallelism programs in flight at most at a time, and the most one {@code BatchExecuteCode} carries (the
 *     gateway caps runs too)
 * @param maxBatch      searches per {@code BatchSearch} RPC (a step with more is split; the gateway's
 *                      {@code max-batch})
 */
public record GatewayClientConfig(String token, Duration deadline, int codeTimeoutMs, RetryPolicy retry,
    int codeParallelism, int maxBatch) {
  public GatewayClientConfig {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("gateway token must not be empty");
    }
    if (deadline == null || deadline.isNegative() || deadline.isZero()) {
      throw new IllegalArgumentException("gateway deadline must be > 0, got " + deadline);
    }
    if (codeTimeoutMs < 0) {
      throw new IllegalArgumentException("gateway code timeout must be >= 0 ms, got " + codeTimeoutMs);
    }
    if (retry == null) {
      throw new IllegalArgumentException("gateway retry policy must not be null");
    }
    if (codeParallelism < 1) {
      throw new IllegalArgumentException("gateway code parallelism must be >= 1, got " + codeParallelism);
    }
    if (maxBatch < 1) {
      throw new IllegalArgumentException("gateway max-batch must be >= 1, got " + maxBatch);
    }
  }

  /**
   * Deadline 30 s, server-default program timeout, default retries, 8 programs at a time (the gateway gives one tenant
   * at most {@code max-tenant-share} 0.5 of its 16 sandbox slots; more would be refused and retried), 256 searches per
   * RPC.
   */
  public static GatewayClientConfig of(String token) {
    return new GatewayClientConfig(token, Duration.ofSeconds(30), 0, RetryPolicy.defaults(), 8, 256);
  }

  public GatewayClientConfig withDeadline(Duration d) {
    return new GatewayClientConfig(token, d, codeTimeoutMs, retry, codeParallelism, maxBatch);
  }

  public GatewayClientConfig withRetry(RetryPolicy r) {
    return new GatewayClientConfig(token, deadline, codeTimeoutMs, r, codeParallelism, maxBatch);
  }
}
