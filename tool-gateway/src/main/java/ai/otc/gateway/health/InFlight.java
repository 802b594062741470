package ai.otc.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts {@code ToolGateway} RPCs in flight and holds the draining flag: once draining, new calls are
 * refused with {@code UNAVAILABLE}, gRPC health answers NOT_SERVING, and shutdown waits for the count to
 * reach zero (see {@link DrainController}).
 */
@ApplicationScoped
public class InFlight {
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Object lock = new Object();

  /** Registers a new call; false when draining (the call must be refused). */
  public boolean enter() {
    calls.incrementAndGet();
    if (draining.get()) {
      exit();
      return false;
    }
    return true;
  }

  /** Unregisters a call that {@link #enter()} admitted. */
  public void exit() {
    if (calls.decrementAndGet() == 0) {
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  public int count() {
    return calls.get();
  }

  public boolean draining() {
    return draining.get();
  }

  void startDraining() {
    draining.set(true);
  }

  void stopDraining() {
    draining.set(false);
  }

  /** Waits until no call is in flight or {@code timeout} passed; true when none is left. */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (calls.get() > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
    }
    return true;
  }
}
