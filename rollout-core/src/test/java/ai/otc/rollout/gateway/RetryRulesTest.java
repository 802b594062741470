package ai.otc.rollout.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.rollout.gateway.RetryRules.Decision;
import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryRulesTest {
  private static RetryPolicy policy(int attempts, double jitter, long maxRateWaitMs) {
    return new RetryPolicy(attempts, Duration.ofMillis(100), Duration.ofMillis(1000), 2.0, jitter,
        Duration.ofMillis(maxRateWaitMs), Duration.ofMillis(50));
  }

  @Test
  void transientFailuresBackOffExponentiallyCappedThenGiveUp() {
    RetryRules r = new RetryRules(policy(7, 0.0, 0), () -> 0.5);
    long[] want = {100, 200, 400, 800, 1000, 1000};
    for (long w : want) {
      assertThat(r.onFailure(Status.Code.UNAVAILABLE, -1)).isEqualTo(new Decision.Retry(w, false));
    }
    Decision last = r.onFailure(Status.Code.DEADLINE_EXCEEDED, -1);
    assertThat(last).isInstanceOfSatisfying(Decision.GiveUp.class, g -> {
      assertThat(g.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(g.reason()).contains("after 7 attempt(s)");
    });
    assertThat(r.failedAttempts()).isEqualTo(7);
  }

  @Test
  void aCancelledRetryAfterADeadlineGivesUpAsTheDeadline() {
    RetryRules r = new RetryRules(policy(2, 0.0, 0), () -> 0.5);
    assertThat(r.onFailure(Status.Code.DEADLINE_EXCEEDED, -1)).isEqualTo(new Decision.Retry(100, false));
    assertThat(r.onFailure(Status.Code.CANCELLED, -1)).isInstanceOfSatisfying(Decision.GiveUp.class,
        g -> assertThat(g.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    RetryRules u = new RetryRules(policy(2, 0.0, 0), () -> 0.5);
    u.onFailure(Status.Code.CANCELLED, -1);
    assertThat(u.onFailure(Status.Code.UNAVAILABLE, -1)).isInstanceOfSatisfying(Decision.GiveUp.class,
        g -> assertThat(g.code()).isEqualTo(Status.Code.UNAVAILABLE));
  }

  @Test
  void jitterDrawsFromTheLowerShareOfTheBackoff() {
    // full jitter: uniform in [0, d]; half jitter: [d/2, d]
    assertThat(new RetryRules(policy(5, 1.0, 0), () -> 0.0).onFailure(Status.Code.UNAVAILABLE, -1))
        .isEqualTo(new Decision.Retry(0, false));
    assertThat(new RetryRules(policy(5, 1.0, 0), () -> 0.999999).onFailure(Status.Code.UNAVAILABLE, -1))
        .isEqualTo(new Decision.Retry(100, false));
    RetryRules half = new RetryRules(policy(5, 0.5, 0), () -> 0.0);
    half.onFailure(Status.Code.UNAVAILABLE, -1);
    assertThat(half.onFailure(Status.Code.UNAVAILABLE, -1)).isEqualTo(new Decision.Retry(100, false));
  }

  @Test
  void refusalsWaitAsTheGatewaySaysWithinTheBudgetAndDoNotUseAttempts() {
    RetryRules r = new RetryRules(policy(1, 0.0, 1000), () -> 0.5);
    assertThat(r.onFailure(Status.Code.RESOURCE_EXHAUSTED, 300)).isEqualTo(new Decision.Retry(300, true));
    assertThat(r.onFailure(Status.Code.RESOURCE_EXHAUSTED, -1)).as("no trailer: the default")
        .isEqualTo(new Decision.Retry(50, true));
    assertThat(r.onFailure(Status.Code.RESOURCE_EXHAUSTED, 650)).isEqualTo(new Decision.Retry(650, true));
    assertThat(r.rateLimitWaitedMs()).isEqualTo(1000);
    assertThat(r.onFailure(Status.Code.RESOURCE_EXHAUSTED, 1)).isInstanceOfSatisfying(Decision.GiveUp.class, g -> {
      assertThat(g.code()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(g.reason()).contains("max-rate-limit-wait 1000 ms");
    });
    // an hour-long retry-after gives up at once instead of stalling the batch
    assertThat(new RetryRules(policy(5, 0, 60_000), () -> 0).onFailure(Status.Code.RESOURCE_EXHAUSTED, 3_600_000))
        .isInstanceOf(Decision.GiveUp.class);
    // max-attempts 1 still allows waiting on limits: attempts count only transient failures
    RetryRules one = new RetryRules(policy(1, 0, 1000), () -> 0);
    assertThat(one.onFailure(Status.Code.RESOURCE_EXHAUSTED, 10)).isInstanceOf(Decision.Retry.class);
    assertThat(one.onFailure(Status.Code.UNAVAILABLE, -1)).isInstanceOf(Decision.GiveUp.class);
  }

  @Test
  void otherCodesAreNotRetried() {
    for (Status.Code c : new Status.Code[] {Status.Code.INVALID_ARGUMENT, Status.Code.UNAUTHENTICATED, Status.Code.UNKNOWN,
        Status.Code.FAILED_PRECONDITION, Status.Code.PERMISSION_DENIED, Status.Code.INTERNAL}) {
      assertThat(new RetryRules(policy(5, 0, 1000), () -> 0).onFailure(c, 10))
          .isEqualTo(new Decision.GiveUp(c, c + " is not retried"));
    }
  }

  @Test
  void badPoliciesAreNamed() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, 1, 0, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("max-attempts");
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1), 1, 0, Duration.ZERO,
        Duration.ZERO)).hasMessageContaining("max-backoff");
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 0.5, 0, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("multiplier");
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ZERO, Duration.ZERO, 1, 1.5, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("jitter");
    assertThat(RetryPolicy.defaults().maxAttempts()).isEqualTo(5);
  }
}
