package ai.otc.platform.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A child process with its output in a log file that never outlives the JVM that started it (a test JVM, the
 * {@code ./otc train} command, the {@code ./otc up} supervisor daemon): it is closed by {@link #close()}, killed by a
 * shutdown hook of this JVM if still running then (after the graceful stops registered with
 * {@link #beforeShutdownKill}), and a JVM started with {@link #java} also halts itself within
 * {@value ParentWatch#POLL_MS} ms once this JVM is gone, even after a SIGKILL of this JVM (the {@link ParentWatch}
 * agent).
 *
 * <p>Signals: {@link #terminate} (SIGTERM, a graceful stop), {@link #kill} (SIGKILL, a crash),
 * {@link #pause} (SIGSTOP: alive but frozen, its sessions left to expire) and {@link #resume} (SIGCONT).
 */
public final class ChildProcess implements AutoCloseable {

  private static final Set<ChildProcess> LIVE = ConcurrentHashMap.newKeySet();
  private static final List<Runnable> GRACEFUL = new java.util.concurrent.CopyOnWriteArrayList<>();
  private static volatile Path agentJar;

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ChildProcess::onShutdown, "otc-kill-children"));
  }

  private final String name;
  private final Process process;
  private final Path log;
  private volatile boolean paused;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /**
   * The start of a command line for a JVM of the running JDK ({@code java.home}) that halts when this
   * JVM is gone, followed by {@code jvmOptions}; append a main class or {@code -jar} and arguments.
   */
  public static List<String> java(List<String> jvmOptions) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-javaagent:" + parentWatchAgent() + "=" + ProcessHandle.current().pid());
    cmd.addAll(jvmOptions);
    return cmd;
  }

  /**
   * Starts {@code command} with {@code env} added to this JVM's environment, stdout and stderr appended
   * to {@code log} (its folder is created).
   */
  public static ChildProcess start(String name, List<String> command, Map<String, String> env, Path log) {
    try {
      Files.createDirectories(log.toAbsolutePath().getParent());
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      pb.environment().putAll(env);
      ChildProcess child = new ChildProcess(name, pb.start(), log);
      LIVE.add(child);
      return child;
    } catch (IOException e) {
      throw new UncheckedIOException("starting " + name + ": " + String.join(" ", command), e);
    }
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  public ProcessHandle handle() {
    return process.toHandle();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Whether the last signal was SIGSTOP (and no SIGCONT since). */
  public boolean isPaused() {
    return paused && process.isAlive();
  }

  public Path log() {
    return log;
  }

  /** Everything the process wrote so far (stdout and stderr). */
  public String logText() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no log at " + log + ": " + e + ")";
    }
  }

  /** The last {@code lines} lines of the log, for failure messages. */
  public String tail(int lines) {
    String[] all = logText().split("\n", -1);
    int from = Math.max(0, all.length - lines);
    return String.join("\n", java.util.Arrays.asList(all).subList(from, all.length));
  }

  /** Waits until the log contains {@code text}; fails with the log's tail if it does not in time or the process ends. */
  public void awaitLog(String text, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (!logText().contains(text)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " before logging \"" + text + "\"; log "
            + log + ":\n" + tail(60));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " did not log \"" + text + "\" within " + max + "; log " + log + ":\n" + tail(60));
      }
      Thread.sleep(100);
    }
  }

  /** Waits for the process to end by itself and returns its exit code; fails if it still runs after {@code max}. */
  public int awaitExit(Duration max) throws InterruptedException {
    if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(name + " still running after " + max + "; log " + log + ":\n" + tail(60));
    }
    LIVE.remove(this);
    return process.exitValue();
  }

  /** Exit code once ended, else empty. */
  public Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  /** CPU time the process has used so far, where the OS reports it. */
  public Optional<Duration> cpu() {
    return process.toHandle().info().totalCpuDuration();
  }

  /** SIGSTOP: the process is frozen (alive, silent, its sockets open) until {@link #resume()}. */
  public void pause() {
    signal("STOP");
    paused = true;
    awaitStopped(Duration.ofSeconds(10));
  }

  /**
   * SIGSTOP reaches the threads of a JVM asynchronously: right after {@code kill -STOP} returns, {@code /proc} may
   * still show the process running, and a test that checks "frozen" at once would be flaky. So {@link #pause} returns
   * only once the kernel reports the process stopped (state {@code T}); on a system without {@code /proc} it does not
   * wait.
   */
  private void awaitStopped(Duration max) {
    if (!Files.exists(Path.of("/proc/" + process.pid() + "/stat"))) {
      return;
    }
    long deadline = System.nanoTime() + max.toNanos();
    while (true) {
      char state = Procs.state(process.pid());
      if (state == '-') {
        throw new IllegalStateException(name + " ended while being paused");
      }
      if (state == 'T' || state == 't') {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(name + " (pid " + process.pid() + ") not stopped " + max.toMillis()
            + " ms after SIGSTOP (state " + state + ")");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while pausing " + name, e);
      }
    }
  }

  /** SIGCONT: a paused process carries on where it stopped, unaware of the time that passed. */
  public void resume() {
    signal("CONT");
    paused = false;
  }

  /**
   * SIGTERM, a graceful stop (shutdown hooks run), then SIGKILL if it has not ended within {@code grace}.
   * A paused process is resumed first, since a stopped process does not act on SIGTERM.
   *
   * @return the exit code
   */
  public int terminate(Duration grace) throws InterruptedException {
    List<ProcessHandle> descendants = process.descendants().toList();
    if (process.isAlive()) {
      if (paused) {
        resume();
      }
      process.destroy();
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
      }
    }
    descendants.forEach(ProcessHandle::destroyForcibly);
    LIVE.remove(this);
    return process.exitValue();
  }

  /** SIGKILL: a crash, nothing runs on the way out; returns once the process is gone. Works on a paused process too. */
  public void kill() throws InterruptedException {
    List<ProcessHandle> descendants = process.descendants().toList();
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " (pid " + pid() + ") survived SIGKILL for 30 s");
    }
    descendants.forEach(ProcessHandle::destroyForcibly);
    paused = false;
    LIVE.remove(this);
  }

  /** Ends the process if it still runs: SIGKILL when paused (a frozen process cannot shut down), else SIGTERM with 20 s grace. */
  @Override
  public void close() throws InterruptedException {
    if (paused) {
      kill();
    } else {
      terminate(Duration.ofSeconds(20));
    }
  }

  private void signal(String sig) {
    if (!process.isAlive()) {
      throw new IllegalStateException(name + " is not running (exit " + process.exitValue() + "); cannot send SIG" + sig);
    }
    try {
      Process kill = new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).redirectErrorStream(true).start();
      String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + sig + " " + process.pid() + " failed: " + out);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("kill -" + sig + " " + process.pid(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + sig, e);
    }
  }

  /**
   * Runs {@code stop} in this JVM's shutdown hook before the hook SIGKILLs the children still running: a supervisor
   * registers its graceful, ordered stop here (JVM shutdown hooks run concurrently, so a hook of its own would race
   * the kill). Stops run in reverse order of registration; one that throws does not keep the others from running.
   */
  public static void beforeShutdownKill(Runnable stop) {
    GRACEFUL.add(stop);
  }

  /** Removes a stop registered with {@link #beforeShutdownKill} (it ran already, or its owner closed). */
  public static void removeShutdownStop(Runnable stop) {
    GRACEFUL.remove(stop);
  }

  private static void onShutdown() {
    List<Runnable> stops = new ArrayList<>(GRACEFUL);
    java.util.Collections.reverse(stops);
    for (Runnable stop : stops) {
      try {
        stop.run();
      } catch (RuntimeException e) {
        System.err.println("otc: a graceful stop failed at shutdown: " + e);
      }
    }
    killAll();
  }

  private static void killAll() {
    for (ChildProcess c : LIVE) {
      c.process.descendants().forEach(ProcessHandle::destroyForcibly);
      c.process.destroyForcibly();
    }
  }

  /** The {@link ParentWatch} agent as a jar, written once per JVM into a temporary file. */
  public static synchronized Path parentWatchAgent() {
    if (agentJar != null) {
      return agentJar;
    }
    String entry = ParentWatch.class.getName().replace('.', '/') + ".class";
    try (InputStream in = ParentWatch.class.getClassLoader().getResourceAsStream(entry)) {
      if (in == null) {
        throw new IllegalStateException(entry + " not found on the class path");
      }
      byte[] bytes = in.readAllBytes();
      Path jar = Files.createTempFile("otc-parent-watch-", ".jar");
      jar.toFile().deleteOnExit();
      Manifest mf = new Manifest();
      mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
      mf.getMainAttributes().put(new Attributes.Name("Premain-Class"), ParentWatch.class.getName());
      try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os, mf)) {
        jos.putNextEntry(new JarEntry(entry));
        jos.write(bytes);
        jos.closeEntry();
      }
      agentJar = jar;
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException("writing the parent-watch agent jar", e);
    }
  }
}
