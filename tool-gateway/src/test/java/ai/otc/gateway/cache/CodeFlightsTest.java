package ai.otc.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link CodeFlights}: one run per key in the air, tenant-scoped keys, cache hand-over, cancel by the last caller. */
class CodeFlightsTest {
  private final Map<String, String> cache = new ConcurrentHashMap<>();
  private final CodeFlights<String> flights = new CodeFlights<>(() -> true);

  private CodeFlights.Seat<String> board(String key) {
    return flights.board(key, () -> cache.get(key));
  }

  @Test
  void concurrentIdenticalCallsShareOneRunAndEachGetsTheResponse() throws Exception {
    String key = ResultCache.codeKey("alpha", "print(1)", 5000);
    int n = 16;
    AtomicInteger runs = new AtomicInteger();
    CountDownLatch boarded = new CountDownLatch(n);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<CodeFlights.Seat<String>>> seats = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        seats.add(pool.submit(() -> {
          go.await();
          CodeFlights.Seat<String> s = board(key);
          if (s.leader()) {
            runs.incrementAndGet();
          }
          boarded.countDown();
          return s;
        }));
      }
      go.countDown();
      assertThat(boarded.await(10, TimeUnit.SECONDS)).isTrue();
      List<CodeFlights.Seat<String>> all = new ArrayList<>();
      for (var f : seats) {
        all.add(f.get());
      }
      assertThat(runs.get()).isEqualTo(1);
      CodeFlights.Seat<String> leader = all.stream().filter(CodeFlights.Seat::leader).findFirst().orElseThrow();
      assertThat(all).allSatisfy(s -> assertThat(s.flight()).isSameAs(leader.flight()));
      assertThat(leader.flight().passengers()).isEqualTo(n);
      cache.put(key, "1\n");
      flights.land(key, leader.flight(), "1\n", null);
      assertThat(all).allSatisfy(s -> assertThat(s.flight().result().getNow(null)).isEqualTo("1\n"));
      assertThat(flights.inFlight()).isZero();
      // after landing: the cache answers, no new run
      assertThat(board(key).hit()).isEqualTo("1\n");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void anotherTenantsIdenticalProgramIsAnotherRun() {
    CodeFlights.Seat<String> a = board(ResultCache.codeKey("alpha", "print(1)", 5000));
    CodeFlights.Seat<String> b = board(ResultCache.codeKey("beta", "print(1)", 5000));
    CodeFlights.Seat<String> otherLimit = board(ResultCache.codeKey("alpha", "print(1)", 6000));
    assertThat(a.leader()).isTrue();
    assertThat(b.leader()).isTrue();
    assertThat(otherLimit.leader()).isTrue();
    assertThat(a.flight()).isNotSameAs(b.flight());
    assertThat(flights.inFlight()).isEqualTo(3);
  }

  @Test
  void theRunIsCancelledOnlyWhenTheLastCallerLeaves() {
    String key = "k";
    CodeFlights.Seat<String> lead = board(key);
    CodeFlights.Seat<String> follower = board(key);
    AtomicInteger cancels = new AtomicInteger();
    lead.flight().bind(cancels::incrementAndGet);
    lead.flight().detach(); // the leader's client gave up
    assertThat(cancels.get()).isZero();
    assertThat(lead.flight().cancelled()).isFalse();
    follower.flight().detach();
    assertThat(cancels.get()).isEqualTo(1);
    assertThat(lead.flight().cancelled()).isTrue();
    // a cancelled flight takes no passenger: the next caller leads a fresh run
    CodeFlights.Seat<String> next = board(key);
    assertThat(next.leader()).isTrue();
    assertThat(next.flight()).isNotSameAs(lead.flight());
    // the old flight landing does not remove the new one
    flights.land(key, lead.flight(), "killed", null);
    assertThat(board(key).flight()).isSameAs(next.flight());
  }

  @Test
  void everyoneLeavingBeforeTheRunStartsCancelsItAtBind() {
    CodeFlights.Seat<String> lead = board("k");
    lead.flight().detach();
    AtomicInteger cancels = new AtomicInteger();
    lead.flight().bind(cancels::incrementAndGet);
    assertThat(cancels.get()).isEqualTo(1);
  }

  @Test
  void aFailedRunFailsEveryCallerAndTheNextCallRunsAgain() {
    CodeFlights.Seat<String> lead = board("k");
    CodeFlights.Seat<String> follower = board("k");
    flights.land("k", lead.flight(), null, new IllegalStateException("sandbox broke"));
    assertThat(follower.flight().result()).isCompletedExceptionally();
    assertThat(board("k").leader()).isTrue();
  }

  @Test
  void aLeaderRefusedAtTheGateLeavesNoFlightAndFollowersAndHitsNeverAskTheGate() {
    CodeFlights<String> f = new CodeFlights<>(() -> true);
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    CodeFlights.Seat<String> refused = f.board("k", () -> null, () -> {
      asked.incrementAndGet();
      return false;
    });
    assertThat(refused.refused()).isTrue();
    assertThat(refused.leader()).isFalse();
    assertThat(refused.flight()).isNull();
    assertThat(f.inFlight()).isZero();
    CodeFlights.Seat<String> lead = f.board("k", () -> null, () -> {
      asked.incrementAndGet();
      return true;
    });
    assertThat(lead.leader()).isTrue();
    CodeFlights.Seat<String> follower = f.board("k", () -> null, () -> {
      asked.incrementAndGet();
      return false;
    });
    assertThat(follower.refused()).isFalse();
    assertThat(follower.flight()).isSameAs(lead.flight());
    f.land("k", lead.flight(), "out", null);
    CodeFlights.Seat<String> hit = f.board("k", () -> "out", () -> {
      asked.incrementAndGet();
      return false;
    });
    assertThat(hit.cached()).isTrue();
    assertThat(asked.get()).as("asked only by the two that would lead").isEqualTo(2);
    // single flight off: the gate is asked by every caller the cache does not answer
    CodeFlights<String> off = new CodeFlights<>(() -> false);
    assertThat(off.board("k", () -> null, () -> false).refused()).isTrue();
    assertThat(off.board("k", () -> "out", () -> false).cached()).isTrue();
  }

  @Test
  void offEveryCallerLeadsItsOwnRunButTheCacheStillAnswers() {
    CodeFlights<String> off = new CodeFlights<>(() -> false);
    assertThat(off.board("k", () -> null).leader()).isTrue();
    assertThat(off.board("k", () -> null).leader()).isTrue();
    assertThat(off.inFlight()).isZero();
    assertThat(off.board("k", () -> "cached").hit()).isEqualTo("cached");
  }
}
