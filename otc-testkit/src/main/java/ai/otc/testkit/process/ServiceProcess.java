package ai.otc.testkit.process;

import ai.otc.platform.process.ChildProcess;
import ai.otc.platform.process.QuarkusApp;
import ai.otc.testkit.Ports;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A packaged Quarkus service ({@code target/quarkus-app/quarkus-run.jar}) running as a child process of
 * the test JVM on 127.0.0.1, so a test can crash it for real (SIGKILL), freeze it (SIGSTOP), stop it
 * gracefully (SIGTERM) and start it again, or run several instances side by side. Configuration goes in
 * as {@code -D} system properties; its output goes to a log file under {@code target/it-logs/}.
 *
 * <p>The command line and the readiness check are the platform's ({@link QuarkusApp}), the process a
 * {@link ChildProcess} that never outlives the test JVM.
 *
 * <pre>{@code
 * try (ServiceProcess svc = ServiceProcess.builder()
 *     .name("kill-first").property("kafka.bootstrap.servers", broker.bootstrap()).startAndAwaitReady()) {
 *   ... svc.kill(); ...
 * }
 * }</pre>
 */
public final class ServiceProcess implements AutoCloseable {

  /** How long {@link Builder#startAndAwaitReady()} waits for readiness: a cold JVM on 2 busy cores. */
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(90);

  private final ChildProcess child;
  private final int port;

  private ServiceProcess(ChildProcess child, int port) {
    this.child = child;
    this.port = port;
  }

  /** A launcher for the module's own packaged app, {@code target/quarkus-app/quarkus-run.jar}. */
  public static Builder builder() {
    return new Builder(defaultJar());
  }

  /** A launcher for the given {@code quarkus-run.jar} (or any runnable jar with a Quarkus-style HTTP port). */
  public static Builder builder(Path jar) {
    return new Builder(jar);
  }

  /**
   * {@code target/quarkus-app/quarkus-run.jar} of the module under test: below the system property
   * {@code otc.app.dir} when set (an absolute path from the pom), else below the working directory
   * (surefire and failsafe run in the module's folder).
   */
  public static Path defaultJar() {
    String dir = System.getProperty("otc.app.dir", "target/quarkus-app");
    return Path.of(dir).resolve("quarkus-run.jar").toAbsolutePath();
  }

  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:<port>}: HTTP, health, metrics and (with Quarkus' single server) gRPC. */
  public String endpoint() {
    return "127.0.0.1:" + port;
  }

  public long pid() {
    return child.pid();
  }

  public boolean isAlive() {
    return child.isAlive();
  }

  /** The underlying process: its log, signals and exit code. */
  public ChildProcess process() {
    return child;
  }

  public Path log() {
    return child.log();
  }

  public String logText() {
    return child.logText();
  }

  /** The last {@code lines} lines of its output. */
  public String tail(int lines) {
    return child.tail(lines);
  }

  /** CPU time the service's JVM has used so far (all threads), where the OS reports it. */
  public Optional<Duration> cpu() {
    return child.cpu();
  }

  /** GET a path on the instance's HTTP port (answered within {@link QuarkusApp#GET_TIMEOUT} or failed). */
  public QuarkusApp.Answer get(String path) throws IOException {
    return QuarkusApp.get(port, path);
  }

  /** GET a path on the instance's HTTP port, answered within {@code timeout} or failed with a timeout. */
  public QuarkusApp.Answer get(String path, Duration timeout) throws IOException {
    return QuarkusApp.get(port, path, timeout);
  }

  /**
   * Waits until {@code /q/health/ready} answers 200; fails with the log's tail when the process exits
   * first (a configuration error) or the time is up.
   */
  public ServiceProcess awaitReady(Duration max) throws InterruptedException {
    QuarkusApp.awaitReady(child, port, max);
    return this;
  }

  /** Waits for the service to end by itself (e.g. a refused configuration) and returns its exit code. */
  public int awaitExit(Duration max) throws InterruptedException {
    return child.awaitExit(max);
  }

  /** SIGKILL: a crash; no shutdown hook, no final commit. */
  public void kill() throws InterruptedException {
    child.kill();
  }

  /** SIGTERM: a graceful shutdown (drain, final commit), SIGKILL after 60 s. Returns the exit code. */
  public int terminate() throws InterruptedException {
    return child.terminate(Duration.ofSeconds(60));
  }

  /** SIGSTOP: frozen, alive but silent, its sessions left to expire (a zombie in the making). */
  public void pause() {
    child.pause();
  }

  /** SIGCONT: thaws a paused service; it resumes where it stopped, unaware of what happened meanwhile. */
  public void resume() {
    child.resume();
  }

  /** Ends the service if it still runs (SIGTERM with grace; SIGKILL when paused). */
  @Override
  public void close() throws InterruptedException {
    child.close();
  }

  /** What to start: the jar, port, {@code -D} properties, environment and JVM options. */
  public static final class Builder {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("HHmmss-SSS");
    private final Path jar;
    private String name = "service";
    private int port;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmOptions = new ArrayList<>();
    private Path logDir;

    private Builder(Path jar) {
      this.jar = jar.toAbsolutePath();
    }

    /** Names the instance in its log file's name and in failure messages. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** The HTTP port ({@code quarkus.http.port}); a free one when not set. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** A {@code -D} system property (Quarkus reads config from system properties first). */
    public Builder property(String key, String value) {
      properties.put(key, value);
      return this;
    }

    public Builder properties(Map<String, String> props) {
      properties.putAll(props);
      return this;
    }

    /** An environment variable added to this JVM's environment. */
    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    /** JVM options placed before {@code -jar} (heap, JIT, {@code --add-modules}). */
    public Builder jvmOptions(List<String> options) {
      jvmOptions.addAll(options);
      return this;
    }

    public Builder jvmOptions(String... options) {
      return jvmOptions(List.of(options));
    }

    /** Where the log goes; default {@code it-logs/} beside the app's folder (the module's {@code target/}). */
    public Builder logDir(Path dir) {
      this.logDir = dir;
      return this;
    }

    /** Starts the process without waiting for it to serve (to watch it fail, for instance). */
    public ServiceProcess start() {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException(jar + " is missing: package the module first (`mvn verify` packages before the ITs run)");
      }
      int p = port > 0 ? port : Ports.free();
      List<String> cmd = QuarkusApp.command(jar, p, jvmOptions, properties);
      Path dir = logDir != null ? logDir : jar.getParent().getParent().resolve("it-logs");
      Path log = dir.resolve(name + "-" + p + "-" + LocalTime.now().format(STAMP) + ".log");
      return new ServiceProcess(ChildProcess.start(name, cmd, env, log), p);
    }

    /** Starts the process and waits until {@code /q/health/ready} is UP (at most {@link #DEFAULT_READY_TIMEOUT}). */
    public ServiceProcess startAndAwaitReady() throws InterruptedException {
      ServiceProcess svc = start();
      try {
        return svc.awaitReady(DEFAULT_READY_TIMEOUT);
      } catch (RuntimeException | InterruptedException e) {
        svc.close();
        throw e;
      }
    }
  }
}
