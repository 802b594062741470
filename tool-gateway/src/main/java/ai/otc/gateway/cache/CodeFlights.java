package ai.otc.gateway.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Single flight for the {@code ExecuteCode} RPC: concurrent identical programs of one tenant run once.
 * The G members of a GRPO group often send the same program at the same moment; without this they all
 * miss the {@link ResultCache} together and each starts its own sandbox.
 *
 * <p>A caller {@link #board boards} under the program's code-cache key (tenant, SHA-256 of the program,
 * time limit: {@link ResultCache#codeKey}), so a flight is never shared across tenants. It either joins
 * the flight already running for that key, or gets the cached result, or becomes the leader of a new
 * flight: the leader starts the run, {@link Flight#bind binds} its cancel action and, once the run has
 * ended (and its result is in the cache when cacheable), {@link #land lands} the flight with the
 * response every boarded caller then receives. The three outcomes are decided atomically per key with
 * the landing (which happens after the cache write), so a caller arriving while a flight lands either
 * joins it or finds its result in the cache, never starts a second run.
 *
 * <p>Every boarded caller is still a call of its own, admitted, metered and answered on its own; what it
 * shares is only the run. Only a leader takes a run's concurrency permit (the {@code lead} gate of {@link
 * #board}, asked atomically with the decision, so a refused leader creates no flight anyone could join);
 * a follower or a cache hit is charged (token, budget) after boarding and holds no permit.
 * A caller that goes away (cancel, deadline) {@link Flight#detach detaches}; the run is cancelled only
 * when every caller has detached, so one impatient member never kills the others' program. A flight
 * whose run was cancelled takes no new passengers: a later caller starts a fresh run.
 *
 * @param <R> the response type (the gateway's {@code ExecuteCodeResponse}; generic for the unit test)
 */
public final class CodeFlights<R> {
  private final ConcurrentHashMap<String, Flight<R>> flights = new ConcurrentHashMap<>();
  private final BooleanSupplier enabled;

  /**
   * @param enabled asked at every boarding; false: every caller leads its own run (no sharing; the cache
   *     is still consulted)
   */
  public CodeFlights(BooleanSupplier enabled) {
    this.enabled = enabled;
  }

  /**
   * How a caller boarded: as the {@code leader} (must start and land the run), as a follower, a cache {@code hit}, or
   * {@code refused} (it would have led a run and the {@code lead} gate said no: no flight, nothing to detach).
   */
  public record Seat<R>(Flight<R> flight, boolean leader, R hit, boolean refused) {
    /** True when the cache answered: no flight, nothing to detach. */
    public boolean cached() {
      return hit != null;
    }
  }

  /** {@link #board(String, Supplier, BooleanSupplier)} with a gate that always lets the leader run. */
  public Seat<R> board(String key, Supplier<R> cached) {
    return board(key, cached, () -> true);
  }

  /**
   * Boards the flight of {@code key}. {@code cached} is the cache lookup, consulted when no flight can be
   * joined (atomically with the landing of the previous flight of the key). {@code lead} is asked, once and
   * atomically with the decision, only when this caller would lead a new run (it takes the run's permit, and
   * must not block); false makes the seat {@code refused}.
   */
  public Seat<R> board(String key, Supplier<R> cached, BooleanSupplier lead) {
    if (!enabled.getAsBoolean()) {
      R hit = cached.get();
      if (hit != null) {
        return new Seat<>(null, false, hit, false);
      }
      return lead.getAsBoolean() ? new Seat<>(new Flight<>(), true, null, false) : new Seat<>(null, false, null, true);
    }
    Object[] out = new Object[1];
    flights.compute(key, (k, running) -> {
      if (running != null && running.attach()) {
        out[0] = new Seat<>(running, false, null, false);
        return running;
      }
      R hit = cached.get();
      if (hit != null) {
        out[0] = new Seat<>(null, false, hit, false);
        return running; // a cancelled flight still landing stays until it lands (its land removes it)
      }
      if (!lead.getAsBoolean()) {
        out[0] = new Seat<>(null, false, null, true);
        return running;
      }
      Flight<R> f = new Flight<>();
      out[0] = new Seat<>(f, true, null, false);
      return f;
    });
    @SuppressWarnings("unchecked")
    Seat<R> seat = (Seat<R>) out[0];
    return seat;
  }

  /**
   * Ends {@code flight} (the leader calls this once, after writing a cacheable result to the cache):
   * removes it from {@code key} (unless a newer flight replaced it) and hands every caller the response,
   * or {@code failure} when the run failed.
   */
  public void land(String key, Flight<R> flight, R response, Throwable failure) {
    flights.remove(key, flight);
    if (failure != null) {
      flight.result.completeExceptionally(failure);
    } else {
      flight.result.complete(response);
    }
  }

  /** Flights in the air (tests). */
  public int inFlight() {
    return flights.size();
  }

  /** One run shared by the callers boarded on it; counts them so the run is cancelled only when all are gone. */
  public static final class Flight<R> {
    private final CompletableFuture<R> result = new CompletableFuture<>();
    private int attached = 1; // the leader
    private boolean cancelled;
    private Runnable cancel;

    /** The response of the run, for every boarded caller. */
    public CompletableFuture<R> result() {
      return result;
    }

    /** Whether every caller detached before the run ended, so it was (or will be) cancelled. */
    public synchronized boolean cancelled() {
      return cancelled;
    }

    /** Callers boarded so far (tests). */
    public synchronized int passengers() {
      return attached;
    }

    private synchronized boolean attach() {
      if (cancelled || result.isDone()) {
        return false;
      }
      attached++;
      return true;
    }

    /** The leader's cancel action of the run; runs at once when every caller already left. */
    public void bind(Runnable canceller) {
      boolean now;
      synchronized (this) {
        cancel = canceller;
        now = cancelled;
      }
      if (now) {
        canceller.run();
      }
    }

    /** A caller went away (cancel, deadline); the last one to go cancels the run. Call at most once per caller. */
    public void detach() {
      Runnable c = null;
      synchronized (this) {
        attached--;
        if (attached == 0 && !result.isDone() && !cancelled) {
          cancelled = true;
          c = cancel;
        }
      }
      if (c != null) {
        c.run();
      }
    }
  }
}
