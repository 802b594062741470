package ai.otc.platform.process;

import java.util.Optional;

/**
 * A Java agent ({@code -javaagent:<jar>=<parent pid>}) that {@link ChildProcess} puts into every JVM it
 * starts: a daemon thread that halts the child as soon as the JVM that started it is gone, also
 * when that JVM was killed with SIGKILL and had no chance to run its shutdown hooks. So a broker or a
 * service never outlives the test run, the {@code ./otc train} command or the {@code ./otc up} supervisor that
 * started it.
 *
 * <p>It is packed into a jar of its own at run time ({@link ChildProcess#parentWatchAgent()}), so it
 * must stay one class without nested or anonymous classes.
 */
public final class ParentWatch {

  /** How often the child checks its parent; the child outlives a dead parent by at most this. */
  static final long POLL_MS = 200;

  private ParentWatch() {}

  /** Agent entry point: {@code args} is the pid of the JVM to follow. */
  public static void premain(String args) {
    long pid = Long.parseLong(args.trim());
    // ProcessHandle.of keeps the parent's start time: a recycled pid does not pass for the parent.
    Optional<ProcessHandle> parent = ProcessHandle.of(pid);
    if (parent.isEmpty()) {
      Runtime.getRuntime().halt(129);
    }
    ProcessHandle p = parent.get();
    Thread watch = new Thread(() -> {
      while (p.isAlive()) {
        try {
          Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
          return;
        }
      }
      // halt, not exit: the parent is gone, nobody waits for a graceful shutdown, and a hook could hang.
      Runtime.getRuntime().halt(129);
    }, "otc-parent-watch");
    watch.setDaemon(true);
    watch.start();
  }
}
