package ai.otc.platform.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The "test JVM" of {@link ParentWatchTest}: starts a {@link Sleeper} through {@link ChildProcess}, prints
 * its pid, and waits to be killed. Arguments: the sleeper's log, and {@code no-watch} to start it without
 * the parent-watch agent (the control case).
 */
public final class MiddleJvm {

  private MiddleJvm() {}

  public static void main(String[] args) throws Exception {
    boolean watch = args.length < 2 || !args[1].equals("no-watch");
    List<String> cmd = watch ? ChildProcess.java(List.of("-Xmx32m"))
        : new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m"));
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Sleeper.class.getName());
    ChildProcess child = ChildProcess.start("sleeper", cmd, Map.of(), Path.of(args[0]));
    child.awaitLog("sleeping", java.time.Duration.ofSeconds(60));
    System.out.println("child pid " + child.pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
