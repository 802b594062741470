package ai.otc.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.gateway.domain.Admission;
import ai.otc.gateway.domain.Refusal;
import ai.otc.gateway.domain.Tool;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Limits with a clock the test moves by hand: exact token counts, bounds under threads, fairness, shadow mode. */
class LimitServiceTest {

  /** Bucket4j's clock, moved only by the test. */
  static final class ManualClock implements TimeMeter {
    final AtomicLong nanos = new AtomicLong();

    @Override
    public long currentTimeNanos() {
      return nanos.get();
    }

    @Override
    public boolean isWallClockBased() {
      return false;
    }

    void advance(Duration d) {
      nanos.addAndGet(d.toNanos());
    }
  }

  static LimitPolicy policy(boolean shadow, long rate, Duration period, long burst, int maxConc, double budget) {
    Map<Tool, LimitPolicy.BucketSpec> b = new EnumMap<>(Tool.class);
    Map<Tool, Integer> c = new EnumMap<>(Tool.class);
    Map<Tool, Double> cost = new EnumMap<>(Tool.class);
    for (Tool t : Tool.values()) {
      b.put(t, new LimitPolicy.BucketSpec(rate, period, burst));
      c.put(t, maxConc);
      cost.put(t, 1.0);
    }
    // no share below the global cap here (share 1): these tests are about the other limits
    return new LimitPolicy(shadow, b, Map.of(), c, cost, budget, Map.of(), Duration.ofHours(1), Duration.ofMillis(50), c);
  }

  static int admitAll(LimitService s, String tenant, int n) {
    int ok = 0;
    for (int i = 0; i < n; i++) {
      Admission a = s.admit(tenant, Tool.SEARCH);
      if (a.allowed() && !a.shadowRefused()) {
        ok++;
      }
      a.release();
    }
    return ok;
  }

  @Test
  void exactTokenCountsAtStartAfterOneRefillPeriodAndAfterAFullWindow() {
    ManualClock clock = new ManualClock();
    // 5 tokens per second, burst 10
    LimitService s = new LimitService(policy(false, 5, Duration.ofSeconds(1), 10, 100, 1e9), clock);
    assertThat(s.availableTokens("a", Tool.SEARCH)).isEqualTo(10);
    assertThat(admitAll(s, "a", 12)).isEqualTo(10);
    assertThat(s.availableTokens("a", Tool.SEARCH)).isZero();

    Admission refused = s.admit("a", Tool.SEARCH);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.refusal()).isEqualTo(Refusal.RATE);
    assertThat(refused.retryAfterNanos()).isEqualTo(Duration.ofMillis(200).toNanos());

    clock.advance(Duration.ofSeconds(1));
    assertThat(s.availableTokens("a", Tool.SEARCH)).isEqualTo(5);
    assertThat(admitAll(s, "a", 6)).isEqualTo(5);

    clock.advance(Duration.ofSeconds(2));
    assertThat(s.availableTokens("a", Tool.SEARCH)).as("refilled to the burst, not beyond").isEqualTo(10);
    clock.advance(Duration.ofSeconds(10));
    assertThat(s.availableTokens("a", Tool.SEARCH)).isEqualTo(10);
  }

  @Test
  void budgetRefusesOverTheWindowAndReturnsAfterIt() {
    ManualClock clock = new ManualClock();
    LimitService s = new LimitService(policy(false, 1000, Duration.ofSeconds(1), 1000, 100, 3.0), clock);
    assertThat(admitAll(s, "a", 5)).isEqualTo(3);
    Admission a = s.admit("a", Tool.SEARCH);
    assertThat(a.refusal()).isEqualTo(Refusal.BUDGET);
    assertThat(a.retryAfterNanos()).isEqualTo(Duration.ofHours(1).toNanos());
    // a refused call returned its rate token
    assertThat(s.availableTokens("a", Tool.SEARCH)).isEqualTo(997);
    assertThat(s.budgetRemaining("a")).isZero();
    clock.advance(Duration.ofMinutes(59));
    assertThat(admitAll(s, "a", 1)).isZero();
    clock.advance(Duration.ofMinutes(1));
    assertThat(s.budgetRemaining("a")).isEqualTo(3.0);
    assertThat(admitAll(s, "a", 5)).isEqualTo(3);
  }

  @Test
  void aChargeOnlyAdmissionTakesTokenAndBudgetButNoPermit() {
    // cap 1, burst 3, budget 3 units: the one permit is held by a run, and the calls riding on it still pass
    LimitService s = new LimitService(policy(false, 1, Duration.ofHours(1), 3, 1, 3), new ManualClock());
    Admission run = s.admit("a", Tool.CODE);
    assertThat(run.allowed()).isTrue();
    assertThat(s.admit("a", Tool.CODE).refusal()).as("no permit left for another run").isEqualTo(Refusal.TENANT_SHARE);
    Admission ride = s.admitCharge("a", Tool.CODE);
    assertThat(ride.allowed()).isTrue();
    assertThat(ride.refusal()).isNull();
    assertThat(s.concurrencyInUse(Tool.CODE)).isEqualTo(1);
    assertThat(s.tenantInFlight("a", Tool.CODE)).isEqualTo(1);
    assertThat(s.availableTokens("a", Tool.CODE)).as("charged one token each").isEqualTo(1);
    assertThat(s.budgetRemaining("a")).isEqualTo(1.0);
    ride.release(); // a no-op: it holds nothing
    assertThat(s.concurrencyInUse(Tool.CODE)).isEqualTo(1);
    assertThat(s.admitCharge("a", Tool.CODE).allowed()).isTrue();
    Admission over = s.admitCharge("a", Tool.CODE);
    assertThat(over.allowed()).isFalse();
    assertThat(over.refusal()).isEqualTo(Refusal.RATE);
    assertThat(over.retryAfterNanos()).isPositive();
    run.release();
    assertThat(s.concurrencyInUse(Tool.CODE)).isZero();
  }

  @Test
  void aChargeOnlyAdmissionIsRefusedByTheBudgetAndReturnsItsToken() {
    LimitService s = new LimitService(policy(false, 100, Duration.ofSeconds(1), 100, 4, 1), new ManualClock());
    assertThat(s.admitCharge("a", Tool.CODE).allowed()).isTrue();
    Admission broke = s.admitCharge("a", Tool.CODE);
    assertThat(broke.refusal()).isEqualTo(Refusal.BUDGET);
    assertThat(s.availableTokens("a", Tool.CODE)).as("refused: token returned").isEqualTo(99);
  }

  @Test
  void concurrencyCapRefusesWhileSlotsAreHeldAndFreesThemOnRelease() {
    LimitService s = new LimitService(policy(false, 1000, Duration.ofSeconds(1), 1000, 2, 1e9), new ManualClock());
    Admission a = s.admit("a", Tool.CODE);
    Admission b = s.admit("b", Tool.CODE);
    Admission c = s.admit("c", Tool.CODE);
    assertThat(c.allowed()).isFalse();
    assertThat(c.refusal()).isEqualTo(Refusal.CONCURRENCY);
    assertThat(s.concurrencyInUse(Tool.CODE)).isEqualTo(2);
    assertThat(s.availableTokens("c", Tool.CODE)).as("refused: token returned").isEqualTo(1000);
    a.release();
    a.release(); // idempotent: must not free a second slot
    assertThat(s.concurrencyInUse(Tool.CODE)).isEqualTo(1);
    assertThat(s.admit("c", Tool.CODE).allowed()).isTrue();
    assertThat(s.admit("d", Tool.CODE).allowed()).isFalse();
    b.release();
  }

  @Test
  void manyThreadsNeverGetMoreThanRateTimesTPlusBurst() throws Exception {
    ManualClock clock = new ManualClock();
    long rate = 100;
    long burst = 50;
    LimitService s = new LimitService(policy(false, rate, Duration.ofSeconds(1), burst, 10_000, 1e9), clock);
    int threads = 8;
    AtomicLong allowed = new AtomicLong();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      ts.add(Thread.ofPlatform().start(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        try {
          // hammer until the simulated 10 s are over
          while (clock.currentTimeNanos() < Duration.ofSeconds(10).toNanos()) {
            Admission a = s.admit("hot", Tool.SEARCH);
            if (a.allowed()) {
              allowed.incrementAndGet();
            }
            a.release();
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      }));
    }
    // The clock moves 10 s in 1 ms steps while the threads hammer the bucket.
    go.countDown();
    for (int ms = 0; ms < 10_000; ms++) {
      clock.advance(Duration.ofMillis(1));
      java.util.concurrent.locks.LockSupport.parkNanos(20_000);
    }
    for (Thread t : ts) {
      t.join();
    }
    assertThat(failure.get()).isNull();
    double elapsedS = clock.currentTimeNanos() / 1e9;
    assertThat(allowed.get()).isLessThanOrEqualTo((long) (rate * elapsedS) + burst);
    assertThat(allowed.get()).isGreaterThanOrEqualTo(burst);
  }

  @Test
  void aNoisyTenantAtTenTimesItsLimitDoesNotStarveAnother() {
    ManualClock clock = new ManualClock();
    LimitService s = new LimitService(policy(false, 10, Duration.ofSeconds(1), 10, 5, 1e9), clock);
    int quietAllowed = 0;
    int quietSent = 0;
    int noisyAllowed = 0;
    // 10 simulated seconds in 10 ms ticks: noisy sends 100/s, quiet 10/s (exactly its rate).
    for (int tick = 0; tick < 1000; tick++) {
      clock.advance(Duration.ofMillis(10));
      Admission n = s.admit("noisy", Tool.SEARCH);
      if (n.allowed()) {
        noisyAllowed++;
      }
      n.release();
      if (tick % 10 == 0) {
        quietSent++;
        Admission q = s.admit("quiet", Tool.SEARCH);
        if (q.allowed()) {
          quietAllowed++;
        }
        q.release();
      }
    }
    assertThat(quietAllowed).isEqualTo(quietSent);
    assertThat(noisyAllowed).isLessThanOrEqualTo(10 * 10 + 10);
  }

  @Test
  void shadowModeCountsExactlyWhatEnforceModeRefuses() {
    ManualClock c1 = new ManualClock();
    ManualClock c2 = new ManualClock();
    LimitService enforce = new LimitService(policy(false, 7, Duration.ofSeconds(1), 5, 1000, 40), c1);
    LimitService shadow = new LimitService(policy(true, 7, Duration.ofSeconds(1), 5, 1000, 40), c2);
    Random rnd = new Random(1234);
    int refused = 0;
    int shadowAllowedAll = 0;
    for (int i = 0; i < 2000; i++) {
      Duration step = Duration.ofMillis(rnd.nextInt(60));
      c1.advance(step);
      c2.advance(step);
      String tenant = "t" + rnd.nextInt(3);
      Admission e = enforce.admit(tenant, Tool.SEARCH);
      Admission s = shadow.admit(tenant, Tool.SEARCH);
      assertThat(s.allowed()).isTrue();
      assertThat(s.shadowRefused()).isEqualTo(!e.allowed());
      assertThat(s.refusal()).isEqualTo(e.refusal());
      if (!e.allowed()) {
        refused++;
      }
      if (s.allowed()) {
        shadowAllowedAll++;
      }
      e.release();
      s.release();
    }
    assertThat(refused).isPositive();
    assertThat(shadowAllowedAll).isEqualTo(2000);
    assertThat(shadow.shadowRefusals(Tool.SEARCH)).isEqualTo(refused);
  }

  @Test
  void impossibleRatesFailAtStartNamingTheKey() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> policy(false, 1, Duration.ofSeconds(1), 1, 1, 1e15))
        .hasMessageContaining("otc.gateway.limits.budget.units");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LimitPolicy.BucketSpec(0, Duration.ofSeconds(1), 1))
        .hasMessageContaining("rate >= 1");
  }

  @Test
  void standingReportsWithoutConsuming() {
    ManualClock clock = new ManualClock();
    LimitService s = new LimitService(policy(false, 5, Duration.ofSeconds(1), 10, 3, 100), clock);
    admitAll(s, "a", 4);
    LimitService.Standing st = s.standing("a", Tool.SEARCH, 6);
    assertThat(st.remaining()).isEqualTo(6);
    assertThat(st.ok()).isTrue();
    assertThat(s.standing("a", Tool.SEARCH, 7).ok()).isFalse();
    assertThat(st.untilFullMillis()).isEqualTo(800);
    assertThat(st.budgetRemaining()).isEqualTo(96.0);
    assertThat(s.availableTokens("a", Tool.SEARCH)).isEqualTo(6);
  }
}
