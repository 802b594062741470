package ai.otc.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.gateway.domain.Admission;
import ai.otc.gateway.domain.Refusal;
import ai.otc.gateway.domain.Tool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Fairness between tenants: each tenant's share of a tool's concurrency, alone and inside {@link LimitService}. */
class TenantSharesTest {

  @Test
  void theCapIsTheFloorOfShareTimesCapacityAndAtLeastOne() {
    // expected values worked by hand: floor(share × capacity), at least 1
    assertThat(TenantShares.cap(0.5, 16)).isEqualTo(8);
    assertThat(TenantShares.cap(0.5, 15)).isEqualTo(7);
    assertThat(TenantShares.cap(0.29, 100)).as("0.29 × 100 is 28.999…96 in binary").isEqualTo(29);
    assertThat(TenantShares.cap(0.1, 5)).isEqualTo(1);
    assertThat(TenantShares.cap(1.0, 16)).isEqualTo(16);
    assertThat(TenantShares.cap(0.5, 1)).isEqualTo(1);
    for (double bad : new double[] {0, -0.1, 1.01, Double.NaN}) {
      assertThatThrownBy(() -> TenantShares.cap(bad, 16)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share");
    }
    assertThatThrownBy(() -> TenantShares.cap(0.5, 0)).hasMessageContaining("capacity");
  }

  @Test
  void aTenantIsHeldToItsCapWhileAnotherStillGetsIn() {
    TenantShares s = new TenantShares(Map.of(Tool.SEARCH, 3, Tool.CODE, 2));
    assertThat(s.tryAcquire("greedy", Tool.CODE)).isTrue();
    assertThat(s.tryAcquire("greedy", Tool.CODE)).isTrue();
    assertThat(s.tryAcquire("greedy", Tool.CODE)).isFalse();
    assertThat(s.inFlight("greedy", Tool.CODE)).as("a refused attempt takes nothing").isEqualTo(2);
    assertThat(s.tryAcquire("greedy", Tool.SEARCH)).as("caps are per tool").isTrue();
    assertThat(s.tryAcquire("polite", Tool.CODE)).isTrue();
    s.release("greedy", Tool.CODE);
    assertThat(s.tryAcquire("greedy", Tool.CODE)).isTrue();
    assertThat(s.inFlight("polite", Tool.CODE)).isEqualTo(1);
  }

  @Test
  void manyThreadsOfOneTenantNeverHoldMoreThanTheCap() throws Exception {
    TenantShares s = new TenantShares(Map.of(Tool.SEARCH, 4, Tool.CODE, 4));
    AtomicInteger held = new AtomicInteger();
    AtomicInteger maxHeld = new AtomicInteger();
    AtomicInteger granted = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      threads.add(Thread.ofPlatform().start(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int k = 0; k < 20_000; k++) {
          if (s.tryAcquire("t", Tool.CODE)) {
            granted.incrementAndGet();
            maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
            held.decrementAndGet();
            s.release("t", Tool.CODE);
          }
        }
      }));
    }
    go.countDown();
    for (Thread t : threads) {
      t.join();
    }
    assertThat(maxHeld.get()).isBetween(1, 4);
    assertThat(granted.get()).isPositive();
    assertThat(s.inFlight("t", Tool.CODE)).isZero();
  }

  private static LimitService service(int globalCap, int tenantCap) {
    Map<Tool, LimitPolicy.BucketSpec> b = new EnumMap<>(Tool.class);
    Map<Tool, Integer> global = new EnumMap<>(Tool.class);
    Map<Tool, Integer> perTenant = new EnumMap<>(Tool.class);
    Map<Tool, Double> cost = new EnumMap<>(Tool.class);
    for (Tool t : Tool.values()) {
      b.put(t, new LimitPolicy.BucketSpec(1000, Duration.ofSeconds(1), 1000));
      global.put(t, globalCap);
      perTenant.put(t, tenantCap);
      cost.put(t, 1.0);
    }
    LimitPolicy p = new LimitPolicy(false, b, Map.of(), global, cost, 1e6, Map.of(), Duration.ofHours(1),
        Duration.ofMillis(50), perTenant);
    return new LimitService(p, new LimitServiceTest.ManualClock());
  }

  @Test
  void theGreedyTenantIsRefusedAtItsShareAndThePoliteOneStillFindsPermits() {
    // 4 permits, share 0.5: 2 per tenant
    LimitService s = service(4, TenantShares.cap(0.5, 4));
    List<Admission> greedy = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      greedy.add(s.admit("greedy", Tool.CODE));
    }
    assertThat(greedy.stream().filter(Admission::allowed).count()).isEqualTo(2);
    Admission refused = greedy.get(9);
    assertThat(refused.refusal()).isEqualTo(Refusal.TENANT_SHARE);
    assertThat(refused.retryAfterNanos()).isEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(s.availableTokens("greedy", Tool.CODE)).as("refused calls are not charged").isEqualTo(1000 - 2);
    assertThat(s.budgetRemaining("greedy")).isEqualTo(1e6 - 2);
    assertThat(s.concurrencyInUse(Tool.CODE)).as("the refusals took no global permit").isEqualTo(2);

    Admission p1 = s.admit("polite", Tool.CODE);
    Admission p2 = s.admit("polite", Tool.CODE);
    assertThat(p1.allowed() && p2.allowed()).isTrue();
    assertThat(s.tenantInFlight("polite", Tool.CODE)).isEqualTo(2);

    // releasing frees both the tenant's place and the global permit, once
    greedy.get(0).release();
    greedy.get(0).release();
    assertThat(s.tenantInFlight("greedy", Tool.CODE)).isEqualTo(1);
    assertThat(s.concurrencyInUse(Tool.CODE)).isEqualTo(3);
    assertThat(s.admit("greedy", Tool.CODE).allowed()).isTrue();
    greedy.forEach(Admission::release);
    p1.release();
    p2.release();
  }

  @Test
  void aTenantShareRefusalInShadowModeIsLetThroughAndCounted() {
    Map<Tool, LimitPolicy.BucketSpec> b = new EnumMap<>(Tool.class);
    Map<Tool, Integer> one = new EnumMap<>(Tool.class);
    Map<Tool, Integer> many = new EnumMap<>(Tool.class);
    Map<Tool, Double> cost = new EnumMap<>(Tool.class);
    for (Tool t : Tool.values()) {
      b.put(t, new LimitPolicy.BucketSpec(1000, Duration.ofSeconds(1), 1000));
      many.put(t, 10);
      one.put(t, 1);
      cost.put(t, 1.0);
    }
    LimitService s = new LimitService(new LimitPolicy(true, b, Map.of(), many, cost, 1e6, Map.of(), Duration.ofHours(1),
        Duration.ofMillis(50), one), new LimitServiceTest.ManualClock());
    Admission first = s.admit("t", Tool.SEARCH);
    Admission second = s.admit("t", Tool.SEARCH);
    assertThat(first.shadowRefused()).isFalse();
    assertThat(second.allowed()).isTrue();
    assertThat(second.shadowRefused()).isTrue();
    assertThat(second.refusal()).isEqualTo(Refusal.TENANT_SHARE);
    assertThat(s.shadowRefusals(Tool.SEARCH)).isEqualTo(1);
    second.release();
    first.release();
    assertThat(s.tenantInFlight("t", Tool.SEARCH)).isZero();
  }
}
