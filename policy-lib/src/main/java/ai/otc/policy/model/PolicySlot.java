package ai.otc.policy.model;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Holds the current version of a model (a {@link PolicyModel}, {@link ReferencePolicy}, anything closeable) and swaps
 * in new versions without closing one that a caller is still using: callers take a reference-counted lease,
 *
 * <pre>{@code
 * try (PolicySlot.Lease<PolicyModel> lease = slot.acquire()) {
 *   generator(lease.model()).generate(...);   // lease.version() says which policy produced the rollout
 * }
 * slot.swap(newModel, 8);                      // from the thread that loaded version 8
 * }</pre>
 *
 * <p>A version is closed exactly once, when it is no longer current and its last lease is released (by whichever
 * thread releases it; DJL managers may be closed from any thread). A lease taken before a swap keeps its version usable
 * until it is released. Leases are cheap (two atomic operations), so take one per batch, not one per process.
 *
 * @param <M> the model type
 */
public final class PolicySlot<M extends AutoCloseable> implements AutoCloseable {
  private final AtomicReference<Entry<M>> current;
  private final Consumer<Exception> onCloseError;
  private volatile boolean closed;

  /** A slot holding {@code initial} as version {@code version}; close errors of old versions are rethrown unchecked. */
  public PolicySlot(M initial, long version) {
    this(initial, version, e -> {
      throw new IllegalStateException("closing an old policy version failed", e);
    });
  }

  /** Same, reporting errors from closing an old version to {@code onCloseError} (e.g. a logger and a counter). */
  public PolicySlot(M initial, long version, Consumer<Exception> onCloseError) {
    this.current = new AtomicReference<>(new Entry<>(Objects.requireNonNull(initial, "initial"), version));
    this.onCloseError = Objects.requireNonNull(onCloseError, "onCloseError");
  }

  // swap and close are synchronized with each other (rare); acquire and release are lock-free (hot).

  /** Leases the current version; release it with {@link Lease#close()}. Throws once the slot is closed. */
  public Lease<M> acquire() {
    while (true) {
      if (closed) {
        throw new IllegalStateException("policy slot is closed");
      }
      Entry<M> e = current.get();
      if (e.retain()) {
        return new Lease<>(e, this);
      }
      // e was swapped out and fully released between get() and retain(): read the new current one.
    }
  }

  /** The current version number. */
  public long version() {
    return current.get().version;
  }

  /**
   * Makes {@code next} the current version; the previous one is closed as soon as no lease holds it (now, if none).
   * Versions must increase, so that a stale loader cannot roll the slot back.
   */
  public synchronized void swap(M next, long version) {
    Objects.requireNonNull(next, "next");
    if (closed) {
      throw new IllegalStateException("policy slot is closed");
    }
    Entry<M> old = current.get();
    if (version <= old.version) {
      throw new IllegalArgumentException("version " + version + " is not newer than current " + old.version);
    }
    current.set(new Entry<>(next, version));
    release(old);
  }

  /** Closes the current version once its leases are released; later {@link #acquire()} calls fail. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      release(current.get());
    }
  }

  private void release(Entry<M> e) {
    if (e.refs.decrementAndGet() == 0) {
      try {
        e.model.close();
      } catch (Exception ex) {
        onCloseError.accept(ex);
      }
    }
  }

  /** One version and its reference count; the slot's own reference counts as one while the version is current. */
  private static final class Entry<M> {
    final M model;
    final long version;
    final AtomicInteger refs = new AtomicInteger(1);

    Entry(M model, long version) {
      this.model = model;
      this.version = version;
    }

    /** Adds a reference unless the count already dropped to 0 (then the model is closed or closing). */
    boolean retain() {
      int n;
      do {
        n = refs.get();
        if (n <= 0) {
          return false;
        }
      } while (!refs.compareAndSet(n, n + 1));
      return true;
    }
  }

  /**
   * A caller's hold on one version. Not thread-safe: one lease per using thread; closing twice releases once.
   *
   * @param <M> the model type
   */
  public static final class Lease<M extends AutoCloseable> implements AutoCloseable {
    private final Entry<M> entry;
    private final PolicySlot<M> slot;
    private boolean released;

    private Lease(Entry<M> entry, PolicySlot<M> slot) {
      this.entry = entry;
      this.slot = slot;
    }

    /** The leased model; do not use it after {@link #close()}. */
    public M model() {
      if (released) {
        throw new IllegalStateException("lease already released");
      }
      return entry.model;
    }

    /** The leased model's version. */
    public long version() {
      return entry.version;
    }

    @Override
    public void close() {
      if (!released) {
        released = true;
        slot.release(entry);
      }
    }
  }
}
