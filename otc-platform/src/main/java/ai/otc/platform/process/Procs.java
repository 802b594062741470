package ai.otc.platform.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/** What the kernel says about a process, to check that one is gone, frozen, or still the one we started (Linux). */
public final class Procs {

  private Procs() {}

  /**
   * The state letter of {@code /proc/<pid>/stat} (R, S, T for stopped, Z for a zombie), or '-' when
   * there is no such process. A zombie has ended; only its parent has not collected its exit code.
   */
  public static char state(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      // pid (comm) state ...: comm may contain spaces and parentheses, so look after the last ')'
      return stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
    } catch (IOException noSuchProcess) {
      return '-';
    }
  }

  /** Whether the process exists and has not ended (neither gone nor a zombie). */
  public static boolean running(long pid) {
    char s = state(pid);
    return s != '-' && s != 'Z' && s != 'X';
  }

  /**
   * Whether {@code pid} is running and is the process that started at {@code startedAt} (as
   * {@link ProcessHandle.Info#startInstant()} reported it then, to the second): a recycled pid is not mistaken for it.
   * With no recorded start time, only whether it runs.
   */
  public static boolean isSame(long pid, Instant startedAt) {
    if (!running(pid)) {
      return false;
    }
    if (startedAt == null) {
      return true;
    }
    Optional<Instant> now = ProcessHandle.of(pid).flatMap(h -> h.info().startInstant());
    return now.map(t -> Math.abs(t.getEpochSecond() - startedAt.getEpochSecond()) <= 1).orElse(true);
  }

  /** The start time of a running process, when the OS reports it. */
  public static Optional<Instant> startTime(long pid) {
    return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant());
  }
}
