package ai.otc.rollout.gateway;

import io.grpc.Status;
import java.util.function.DoubleSupplier;

/**
 * The pure retry decision of the gateway client ({@link RetryPolicy} says what the rules are): given the outcome of
 * an attempt, whether to try again and after how long. Keeps per-call state (attempts made, time waited on limits);
 * one instance per call, not thread-safe. The random source is injected so tests are exact.
 */
public final class RetryRules {
  /** What to do after a failed attempt. */
  public sealed interface Decision {
    /** Wait {@code delayMs}, then try again. */
    record Retry(long delayMs, boolean rateLimited) implements Decision {}

    /** Stop: the call failed for good; {@code code} is the last failure's. */
    record GiveUp(Status.Code code, String reason) implements Decision {}
  }

  private final RetryPolicy policy;
  private final DoubleSupplier random;
  private int transientFailures;
  private int attempts;
  private long rateLimitWaitedMs;
  private boolean sawDeadline;

  /**
   * @param random uniform draws in [0, 1) for the jitter
   */
  public RetryRules(RetryPolicy policy, DoubleSupplier random) {
    this.policy = policy;
    this.random = random;
  }

  /**
   * Decides after a failed attempt. {@code CANCELLED} counts as transient: the gateway answers it to a retried
   * program that joined (by its {@code call_id}) an earlier attempt that our deadline cancelled; the claim is then
   * released and the next retry runs the program for real. A call that gives up after any attempt ran past its
   * deadline gives up as {@code DEADLINE_EXCEEDED}.
   *
   * @param code         the attempt's gRPC status code
   * @param retryAfterMs the {@code retry-after-ms} trailer, or a negative value when absent
   */
  public Decision onFailure(Status.Code code, long retryAfterMs) {
    attempts++;
    switch (code) {
      case RESOURCE_EXHAUSTED -> {
        long wait = retryAfterMs >= 0 ? retryAfterMs : policy.defaultRetryAfter().toMillis();
        if (rateLimitWaitedMs + wait > policy.maxRateLimitWait().toMillis()) {
          return new Decision.GiveUp(code, "rate limited: retry-after " + wait + " ms would exceed max-rate-limit-wait "
              + policy.maxRateLimitWait().toMillis() + " ms (waited " + rateLimitWaitedMs + " ms)");
        }
        rateLimitWaitedMs += wait;
        return new Decision.Retry(wait, true);
      }
      case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED -> {
        transientFailures++;
        sawDeadline |= code == Status.Code.DEADLINE_EXCEEDED;
        if (transientFailures >= policy.maxAttempts()) {
          // a retry that joined an attempt cancelled by its deadline is answered CANCELLED: the cause is the deadline
          Status.Code cause = sawDeadline ? Status.Code.DEADLINE_EXCEEDED : code;
          return new Decision.GiveUp(cause, code + " after " + transientFailures + " attempt(s)");
        }
        return new Decision.Retry(backoffMs(transientFailures), false);
      }
      default -> {
        return new Decision.GiveUp(code, code + " is not retried");
      }
    }
  }

  /**
   * Back-off before attempt {@code n + 1} after {@code n} transient failures: {@code d = min(max, initial ·
   * multiplier^(n-1))}, drawn from {@code [(1 - jitter)·d, d]}.
   */
  long backoffMs(int n) {
    double d = policy.initialBackoff().toMillis() * Math.pow(policy.multiplier(), n - 1);
    d = Math.min(d, policy.maxBackoff().toMillis());
    double lo = (1 - policy.jitter()) * d;
    return Math.round(lo + (d - lo) * random.getAsDouble());
  }

  /** Attempts that failed so far. */
  public int failedAttempts() {
    return attempts;
  }

  /** Milliseconds waited on rate limits so far. */
  public long rateLimitWaitedMs() {
    return rateLimitWaitedMs;
  }
}
