package ai.otc.tools.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Measures the whole process tree of one sandboxed run from {@code /proc}: resident memory and CPU time of all its
 * processes together, so the sandbox can cap the tree and not only each process (RLIMIT_AS and RLIMIT_CPU are per
 * process; a run of N processes could otherwise take N times either).
 *
 * <p>The tree is walked from the run's root (bwrap) through {@code /proc/PID/task/TID/children}, parents before
 * children. Memory is the sum of the processes' RSS (shared pages counted once per process: an over-estimate, so the
 * cap errs on the safe side). CPU time is the larger of two lower bounds, kept monotone: the live processes' own plus
 * reaped children's time ({@code utime+stime+cutime+cstime}: exact for children that were waited for), and the last
 * seen own time of every process ever seen (covers children whose parent ignored {@code SIGCHLD}, whose time the
 * kernel adds to nobody). What a sample cannot see is a process that lived less than one interval and was reaped by a
 * parent ignoring {@code SIGCHLD}; the run's wall-clock limit bounds that too.
 *
 * <p>Not thread-safe: one watch per run, sampled by one thread.
 */
final class TreeWatch {
  /** USER_HZ: the unit of /proc's CPU times; 100 on every Linux ABI this sandbox supports (x86_64, aarch64). */
  static final int CLOCK_TICKS_PER_SECOND = 100;
  static final long PAGE_SIZE = pageSize();

  private final long root;
  private final Map<String, Long> ownTicksSeen = new HashMap<>();
  private long cpuTicks;
  private long peakRssBytes;
  private int peakProcesses;

  /** One reading of the tree: processes alive, their RSS together, CPU time so far of the run (monotone). */
  record Sample(int processes, long rssBytes, long cpuTicks) {
    double cpuSeconds() {
      return cpuTicks / (double) CLOCK_TICKS_PER_SECOND;
    }
  }

  TreeWatch(long rootPid) {
    this.root = rootPid;
  }

  /** Reads the tree now. */
  Sample sample() {
    long live = 0;
    long rss = 0;
    int n = 0;
    Deque<Long> todo = new ArrayDeque<>();
    Set<Long> visited = new HashSet<>();
    todo.add(root);
    while (!todo.isEmpty()) {
      long pid = todo.poll();
      if (!visited.add(pid)) {
        continue;
      }
      String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
      if (stat == null) {
        continue; // gone since its parent was read: its time is now in the parent's cutime, or nowhere
      }
      int close = stat.lastIndexOf(')');
      String[] f = stat.substring(close + 2).split(" ");
      // fields after "pid (comm) ": [0] state (field 3) … [11] utime (14), [12] stime, [13] cutime, [14] cstime,
      // [19] starttime (22), [21] rss in pages (24)
      long own = Long.parseLong(f[11]) + Long.parseLong(f[12]);
      live += own + Long.parseLong(f[13]) + Long.parseLong(f[14]);
      ownTicksSeen.merge(pid + "@" + f[19], own, Math::max);
      rss += Long.parseLong(f[21]) * PAGE_SIZE;
      n++;
      children(pid, todo);
    }
    long seen = 0;
    for (long t : ownTicksSeen.values()) {
      seen += t;
    }
    cpuTicks = Math.max(cpuTicks, Math.max(live, seen));
    peakRssBytes = Math.max(peakRssBytes, rss);
    peakProcesses = Math.max(peakProcesses, n);
    return new Sample(n, rss, cpuTicks);
  }

  long peakRssBytes() {
    return peakRssBytes;
  }

  int peakProcesses() {
    return peakProcesses;
  }

  private static void children(long pid, Deque<Long> todo) {
    Path tasks = Path.of("/proc", Long.toString(pid), "task");
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
      for (Path task : ds) {
        String kids = read(task.resolve("children"));
        if (kids != null && !kids.isBlank()) {
          for (String k : kids.trim().split(" ")) {
            todo.add(Long.parseLong(k));
          }
        }
      }
    } catch (IOException gone) {
      // the process exited while we walked it: nothing of it to count any more
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException gone) {
      return null;
    }
  }

  private static long pageSize() {
    try {
      Process p = new ProcessBuilder("getconf", "PAGESIZE").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      p.waitFor();
      return Long.parseLong(out);
    } catch (IOException | NumberFormatException e) {
      java.util.logging.Logger.getLogger(TreeWatch.class.getName())
          .warning("getconf PAGESIZE failed, assuming 4096-byte pages for the memory cap: " + e);
      return 4096;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 4096;
    }
  }

  /** True when this kernel lists a process's children in /proc (CONFIG_PROC_CHILDREN), which the walk needs. */
  static boolean supported() {
    long self = ProcessHandle.current().pid();
    return Files.exists(Path.of("/proc", Long.toString(self), "task", Long.toString(self), "children"));
  }
}
