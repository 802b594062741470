package ai.otc.reward.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged reward-service ({@code target/quarkus-app/quarkus-run.jar}) running in its own JVM,
 * so a test can kill it for real (SIGKILL) and start it again, or run two instances side by side.
 */
public final class ServiceProcess implements AutoCloseable {

  private final Process process;
  private final int port;
  private final Path log;

  private ServiceProcess(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  /**
   * Starts an instance for a test and waits until it is ready (/q/health/ready UP): a lean JVM (a
   * small heap and C1 only start faster on 2 cores) and 100 ms transactions, so outputs show up soon.
   *
   * @param props extra -D system properties (topic names, reward...), over the test defaults
   */
  public static ServiceProcess start(String name, String bootstrap, int port, Map<String, String> props) throws Exception {
    Map<String, String> withDefaults = new java.util.LinkedHashMap<>();
    withDefaults.put("otc.reward.commit-interval", "PT0.1S");
    withDefaults.putAll(props);
    return start(name, bootstrap, port, withDefaults, List.of("-Xmx384m", "-XX:TieredStopAtLevel=1"));
  }

  /**
   * Starts an instance with the given JVM options (heap, JIT) and the service's own defaults
   * otherwise (the benchmark), and waits until it is ready.
   *
   * @param jvmOptions options placed before {@code -jar}, e.g. {@code -Xmx1g} for the benchmark
   */
  public static ServiceProcess start(String name, String bootstrap, int port, Map<String, String> props,
      List<String> jvmOptions) throws Exception {
    Path appDir = Path.of(System.getProperty("reward.app.dir", "target/quarkus-app"));
    Path jar = appDir.resolve("quarkus-run.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run the ITs through `mvn verify` (package comes first)");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.addAll(jvmOptions);
    cmd.add("-Djava.util.logging.manager=org.jboss.logmanager.LogManager");
    cmd.add("-Dkafka.bootstrap.servers=" + bootstrap);
    cmd.add("-Dquarkus.http.port=" + port);
    cmd.add("-Dquarkus.http.host=127.0.0.1");
    for (Map.Entry<String, String> e : props.entrySet()) {
      cmd.add("-D" + e.getKey() + "=" + e.getValue());
    }
    cmd.add("-jar");
    cmd.add(jar.toString());
    // Next to the packaged app: reward-service/target/it-logs, wherever the JVM was started from.
    Path log = Files.createDirectories(appDir.toAbsolutePath().getParent().resolve("it-logs")).resolve(name + "-" + port + "-" + System.nanoTime() + ".log");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    ServiceProcess sp = new ServiceProcess(p, port, log);
    sp.awaitReady(Duration.ofSeconds(90));
    return sp;
  }

  /** CPU time the service's JVM has used so far (all threads), when the OS reports it. */
  public java.util.Optional<Duration> cpu() {
    return process.toHandle().info().totalCpuDuration();
  }

  public int port() {
    return port;
  }

  public String endpoint() {
    return "127.0.0.1:" + port;
  }

  public Path log() {
    return log;
  }

  /** GET a path on the instance's HTTP port; returns status and body. */
  public HttpResponse<String> get(String path) throws IOException, InterruptedException {
    try (HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      return c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    }
  }

  void awaitReady(Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("service exited with " + process.exitValue() + "; log " + log + ":\n" + tail());
      }
      try {
        HttpResponse<String> r = get("/q/health/ready");
        last = r.body();
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        last = e.toString(); // not listening yet
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("service on " + port + " not ready after " + max + ": " + last + "\n" + tail());
  }

  /** Freezes the JVM (SIGSTOP): a zombie in the making, alive but silent, its session left to expire. */
  public void pause() throws Exception {
    signal("-STOP");
  }

  /** Thaws a paused JVM (SIGCONT): it resumes where it stopped, unaware of what happened meanwhile. */
  public void resume() throws Exception {
    signal("-CONT");
  }

  private void signal(String sig) throws Exception {
    Process kill = new ProcessBuilder("kill", sig, Long.toString(process.pid())).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill " + sig + " " + process.pid() + " failed");
    }
  }

  /** A real crash: SIGKILL, no shutdown hooks, no final commit. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }
}
