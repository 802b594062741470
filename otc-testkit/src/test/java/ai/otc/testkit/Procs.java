package ai.otc.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the kernel says about a process, for tests that check a process is gone or frozen (Linux). */
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
}
