package ai.otc.rollout.gateway;

import java.time.Duration;

/**
 * How the gateway client retries a call.
 *
 * <ul>
 *   <li>{@code UNAVAILABLE} / {@code DEADLINE_EXCEEDED} (the gateway is down, restarting, draining, or slow), and
 *       {@code CANCELLED} (a retried program that joined an attempt our deadline cancelled): retried
 *       with capped exponential back-off and full jitter, {@code initialBackoff · multiplier^(n-1)} capped at
 *       {@code maxBackoff}, the wait drawn uniformly from {@code [(1-jitter)·d, d]}; at most {@code maxAttempts}
 *       attempts in all.</li>
 *   <li>{@code RESOURCE_EXHAUSTED} (a limit; back-pressure): waits what the {@code retry-after-ms} trailer says
 *       ({@code defaultRetryAfter} when it is missing) and retries, however many times, while the total time spent
 *       waiting on limits stays within {@code maxRateLimitWait}; a wait that would exceed it gives up at once.</li>
 *   <li>anything else ({@code INVALID_ARGUMENT}, {@code UNAUTHENTICATED}, {@code FAILED_PRECONDITION}, ...): no
 *       retry.</li>
 * </ul>
 *
 * @param maxAttempts       attempts for transient failures, first one included (≥ 1)
 * @param initialBackoff    back-off before the second attempt
 * @param maxBackoff        cap of one back-off
 * @param multiplier        growth per attempt (≥ 1)
 * @param jitter            share of the back-off drawn at random, 0..1 (1 = full jitter)
 * @param maxRateLimitWait  total time one call may wait on {@code RESOURCE_EXHAUSTED}
 * @param defaultRetryAfter wait when a refusal carries no {@code retry-after-ms}
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double multiplier,
    double jitter, Duration maxRateLimitWait, Duration defaultRetryAfter) {

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("retry max-attempts must be >= 1, got " + maxAttempts);
    }
    if (initialBackoff == null || initialBackoff.isNegative()) {
      throw new IllegalArgumentException("retry initial-backoff must be >= 0, got " + initialBackoff);
    }
    if (maxBackoff == null || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("retry max-backoff must be >= initial-backoff, got " + maxBackoff);
    }
    if (!(multiplier >= 1)) {
      throw new IllegalArgumentException("retry multiplier must be >= 1, got " + multiplier);
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new IllegalArgumentException("retry jitter must be in 0..1, got " + jitter);
    }
    if (maxRateLimitWait == null || maxRateLimitWait.isNegative()) {
      throw new IllegalArgumentException("retry max-rate-limit-wait must be >= 0, got " + maxRateLimitWait);
    }
    if (defaultRetryAfter == null || defaultRetryAfter.isNegative()) {
      throw new IllegalArgumentException("retry default-retry-after must be >= 0, got " + defaultRetryAfter);
    }
  }

  /** 5 attempts, 100 ms doubling to 2 s, full jitter; up to 60 s waiting on limits; 100 ms without a trailer. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(2), 2.0, 1.0, Duration.ofSeconds(60),
        Duration.ofMillis(100));
  }

  /** One attempt, no waiting. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1.0, 0.0, Duration.ZERO, Duration.ZERO);
  }
}
