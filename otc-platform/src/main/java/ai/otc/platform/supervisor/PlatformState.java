package ai.otc.platform.supervisor;

import ai.otc.platform.process.Procs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a supervisor has running, as its state file says ({@code runs/platform/state.json} for {@code ./otc up}): the
 * supervisor's own pid and start time, its status, and every part with its pid, start time, port and log. Written
 * atomically (temporary file, rename) at every change, so a reader never sees half a file.
 *
 * @param supervisorPid     the supervising process ({@code ./otc up}'s daemon, or {@code ./otc train})
 * @param supervisorStarted its start time (ISO-8601), to tell it from a process that got its pid later
 * @param status            {@code starting}, {@code ready}, {@code degraded} (a part exited after it was ready),
 *                          {@code failed} (the start failed; {@code error} says why), {@code stopping}, {@code stopped}
 * @param error             the failure, one sentence and the log's tail; null when none
 * @param parts             the parts started so far, in start order
 * @param info              the plan's facts (run id, bootstrap, gateway, token file, …)
 * @param updated           when this was written (ISO-8601)
 */
public record PlatformState(long supervisorPid, String supervisorStarted, String status, String error, List<Part> parts,
    Map<String, String> info, String updated) {

  public static final String STARTING = "starting";
  public static final String READY = "ready";
  public static final String DEGRADED = "degraded";
  public static final String FAILED = "failed";
  public static final String STOPPING = "stopping";
  public static final String STOPPED = "stopped";

  public PlatformState {
    parts = parts == null ? List.of() : List.copyOf(parts);
    info = info == null ? Map.of() : Map.copyOf(info);
  }

  /**
   * One started process.
   *
   * @param name     the part's name
   * @param kind     {@code BROKER} or {@code QUARKUS}
   * @param pid      its pid
   * @param started  its start time (ISO-8601), to tell it from a later process with the same pid
   * @param endpoint {@code 127.0.0.1:<port>}
   * @param log      its log file
   * @param ready    whether it was ready
   * @param readySeconds how long it took to be ready (0 until then)
   * @param exitCode its exit code once it ended, else null
   */
  public record Part(String name, String kind, long pid, String started, String endpoint, String log, boolean ready,
      double readySeconds, Integer exitCode) {

    /** Whether this process (same pid and start time) still runs (asked now, not recorded). */
    public boolean stillRunning() {
      return Procs.isSame(pid, started == null ? null : Instant.parse(started));
    }
  }

  /** Whether the supervisor (same pid and start time) still runs. */
  public boolean supervisorAlive() {
    return Procs.isSame(supervisorPid, supervisorStarted == null ? null : Instant.parse(supervisorStarted));
  }

  /** The part named {@code name}. */
  public Optional<Part> part(String name) {
    return parts.stream().filter(p -> p.name().equals(name)).findFirst();
  }

  /** The state file's content, if there is one. @throws IOException when it is there but unreadable */
  public static Optional<PlatformState> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(Json.read(file, PlatformState.class));
  }

  /** Writes it atomically. */
  public void write(Path file) throws IOException {
    Json.write(file, this);
  }

  PlatformState with(String newStatus, String newError, List<Part> newParts) {
    return new PlatformState(supervisorPid, supervisorStarted, newStatus, newError, newParts, info, Instant.now().toString());
  }
}
