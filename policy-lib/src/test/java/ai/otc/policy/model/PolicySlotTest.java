package ai.otc.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PolicySlotTest {
  /** Counts its closes. */
  static final class Probe implements AutoCloseable {
    final AtomicInteger closes = new AtomicInteger();

    @Override
    public void close() {
      closes.incrementAndGet();
    }
  }

  @Test
  void swappingClosesTheOldModelOnceItsLastLeaseIsReleased() {
    List<int[]> rows = Tiny.rows(12, 6, 4);
    PolicyModel v0 = Tiny.sharpModel();
    PolicyModel v1 = new PolicyModel(Tiny.config());
    try (PolicySlot<PolicyModel> slot = new PolicySlot<>(v0, 0)) {
      PolicySlot.Lease<PolicyModel> held = slot.acquire();
      float[] before = SequenceScorer.logProbs(held.model(), rows, 1f)[0];
      slot.swap(v1, 1);
      assertThat(slot.version()).isEqualTo(1);
      assertThat(v0.manager().isOpen()).as("a lease from before the swap keeps v0 alive").isTrue();
      assertThat(held.version()).isZero();
      assertThat(SequenceScorer.logProbs(held.model(), rows, 1f)[0]).as("and usable").isEqualTo(before);
      try (PolicySlot.Lease<PolicyModel> fresh = slot.acquire()) {
        assertThat(fresh.version()).isEqualTo(1);
        assertThat(fresh.model()).isSameAs(v1);
      }
      held.close();
      assertThat(v0.manager().isOpen()).as("closed on the last release").isFalse();
      held.close(); // idempotent
      assertThatThrownBy(held::model).hasMessageContaining("released");
      assertThat(v1.manager().isOpen()).isTrue();
    }
    assertThat(v1.manager().isOpen()).as("closing the slot closes the current version").isFalse();
  }

  @Test
  void swapWithoutLeasesClosesAtOnceAndVersionsMustIncrease() {
    Probe a = new Probe();
    Probe b = new Probe();
    PolicySlot<Probe> slot = new PolicySlot<>(a, 3);
    assertThatThrownBy(() -> slot.swap(b, 3)).hasMessageContaining("not newer");
    slot.swap(b, 4);
    assertThat(a.closes).hasValue(1);
    PolicySlot.Lease<Probe> l = slot.acquire();
    slot.close();
    assertThat(b.closes).as("still leased").hasValue(0);
    assertThatThrownBy(slot::acquire).hasMessageContaining("closed");
    assertThatThrownBy(() -> slot.swap(new Probe(), 5)).hasMessageContaining("closed");
    l.close();
    assertThat(b.closes).hasValue(1);
    slot.close();
    assertThat(b.closes).hasValue(1);
  }

  @Test
  void concurrentLeasesAndSwapsCloseEveryVersionExactlyOnceAndNeverWhileLeased() throws Exception {
    int versions = 200;
    Probe[] probes = new Probe[versions + 1];
    for (int i = 0; i <= versions; i++) {
      probes[i] = new Probe();
    }
    PolicySlot<Probe> slot = new PolicySlot<>(probes[0], 0);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    CountDownLatch done = new CountDownLatch(1);
    AtomicInteger usedClosed = new AtomicInteger();
    try {
      Future<?>[] readers = new Future<?>[2];
      for (int r = 0; r < 2; r++) {
        readers[r] = pool.submit(() -> {
          while (done.getCount() > 0) {
            try (PolicySlot.Lease<Probe> l = slot.acquire()) {
              if (l.model().closes.get() != 0) {
                usedClosed.incrementAndGet();
              }
              Thread.onSpinWait();
              if (l.model().closes.get() != 0) {
                usedClosed.incrementAndGet();
              }
            }
          }
          return null;
        });
      }
      for (int v = 1; v <= versions; v++) {
        slot.swap(probes[v], v);
      }
      done.countDown();
      for (Future<?> f : readers) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    slot.close();
    assertThat(usedClosed).as("a leased version was never closed").hasValue(0);
    for (Probe p : probes) {
      assertThat(p.closes).as("each version closed exactly once").hasValue(1);
    }
  }
}
