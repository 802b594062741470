package ai.otc.platform.kafka;

import ai.otc.platform.process.Ports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node KRaft broker on 127.0.0.1 with the settings of {@link BrokerSettings}, its data in a folder the
 * caller names: {@code logs/} (Kafka's log dirs), {@code server.properties}, and for a child JVM {@code broker.log}
 * and {@code classpath.jar}. The folder is formatted ({@code kafka-storage format}) at the first start and reused
 * after: a broker started again on the same folder has the same topics and records.
 *
 * <pre>{@code
 * EmbeddedBroker b = EmbeddedBroker.builder(Path.of("runs/platform/kafka")).port(9092).mode(Mode.CHILD_PROCESS).build();
 * b.start(); ... b.stop();
 * }</pre>
 *
 * <p>It runs in this JVM ({@link Mode#IN_JVM}) or in a child JVM ({@link Mode#CHILD_PROCESS}), which can also be
 * killed ({@link #kill()}) and frozen ({@link #pause()}), and which halts when this JVM is gone. {@link #stop()} and a
 * later {@link #start()} bring the same broker back on the same ports. The test kit's {@code KafkaBroker} is this
 * class plus JUnit life cycles, temporary folders and topics per test.
 */
public final class EmbeddedBroker implements AutoCloseable {

  /** Where the broker runs. */
  public enum Mode {
    /** A {@code KafkaRaftServer} in this JVM: starts fastest; no kill, no pause. */
    IN_JVM,
    /** {@code kafka.Kafka} in a child JVM: a real process to SIGKILL, SIGSTOP and SIGCONT. */
    CHILD_PROCESS
  }

  /** How long a start may take before it counts as failed: a cold JVM on 2 busy cores. */
  public static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final int port;
  private final int controllerPort;
  private final Mode mode;
  private final boolean autoCreateTopics;
  private final Map<String, String> overrides;
  private final List<String> childJvmOptions;
  private final List<Path> childClassPath;
  private final Duration readyTimeout;
  private final Path log;
  private BrokerRunner runner;
  private Duration lastStart;

  private EmbeddedBroker(Builder b) {
    this.dir = b.dir.toAbsolutePath();
    this.port = b.port > 0 ? b.port : Ports.free();
    this.controllerPort = b.controllerPort > 0 ? b.controllerPort : previousControllerPort(dir).orElseGet(Ports::free);
    this.mode = b.mode;
    this.autoCreateTopics = b.autoCreateTopics;
    this.overrides = Map.copyOf(b.overrides);
    this.childJvmOptions = List.copyOf(b.childJvmOptions);
    this.childClassPath = List.copyOf(b.childClassPath);
    this.readyTimeout = b.readyTimeout;
    this.log = b.log != null ? b.log.toAbsolutePath() : dir.resolve("broker.log");
  }

  /** A broker whose data lives in {@code dataDir} (created when missing). */
  public static Builder builder(Path dataDir) {
    return new Builder(dataDir);
  }

  /**
   * Starts the broker and waits until it answers a metadata request; formats the data folder first when it has never
   * been formatted.
   */
  public synchronized EmbeddedBroker start() {
    if (runner != null) {
      throw new IllegalStateException("the broker on " + bootstrap() + " is already running");
    }
    try {
      Files.createDirectories(dir);
      Properties props = BrokerSettings.of(port, controllerPort, dir.resolve("logs"), autoCreateTopics, overrides);
      writeProperties(props);
      if (!isFormatted()) {
        format();
      }
      runner = mode == Mode.IN_JVM ? new InJvmRunner(props)
          : new ChildJvmRunner(dir.resolve("server.properties"), log, childJvmOptions, childClassPath);
      long t0 = System.nanoTime();
      runner.start();
      BrokerRunner r = runner;
      awaitReady(bootstrap(), readyTimeout, r::failure);
      lastStart = Duration.ofNanos(System.nanoTime() - t0);
      return this;
    } catch (Exception e) {
      try {
        stopQuietly();
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw new IllegalStateException("starting the Kafka broker (" + mode + ", data " + dir + ") failed: " + e.getMessage(), e);
    }
  }

  /** A graceful stop that keeps the data; {@link #start()} brings it back on the same port. */
  public synchronized void stop() {
    requireRunning("stop");
    try {
      runner.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping the broker on " + bootstrap(), e);
    } finally {
      runner = null;
    }
  }

  /** SIGKILL of the broker process ({@link Mode#CHILD_PROCESS} only): a crash; {@link #start()} recovers from its data. */
  public synchronized void kill() {
    requireRunning("kill");
    try {
      runner.kill();
      runner = null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing the broker", e);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("killing the broker on " + bootstrap(), e);
    }
  }

  /** SIGSTOP of the broker process ({@link Mode#CHILD_PROCESS} only): connections stay open, nothing answers. */
  public synchronized void pause() {
    requireRunning("pause");
    runner.pause();
  }

  /** SIGCONT of a paused broker. */
  public synchronized void resume() {
    requireRunning("resume");
    runner.resume();
  }

  public synchronized boolean isRunning() {
    return runner != null;
  }

  /** The broker's process while it runs in {@link Mode#CHILD_PROCESS}; empty in this JVM or when stopped. */
  public synchronized Optional<ProcessHandle> process() {
    return runner == null ? Optional.empty() : runner.process();
  }

  /** Why the running broker failed already (a child that exited), or null. */
  public synchronized String failure() {
    return runner == null ? null : runner.failure();
  }

  public Mode mode() {
    return mode;
  }

  /** {@code 127.0.0.1:<port>}, the same across restarts. */
  public String bootstrap() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  public int controllerPort() {
    return controllerPort;
  }

  /** The folder with the broker's data ({@code logs/}), its {@code server.properties} and, for a child JVM, {@code broker.log}. */
  public Path dataDir() {
    return dir;
  }

  /** The child JVM's output ({@link Mode#CHILD_PROCESS}; default {@code broker.log} in the data folder). */
  public Path log() {
    return log;
  }

  /** How long the last {@link #start()} took, from launch to the first answer to a metadata request. */
  public Duration lastStartTime() {
    return lastStart;
  }

  /** An admin client of this broker; close it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
  }

  public void createTopic(String name, int partitions) {
    createTopics(List.of(new NewTopic(name, partitions, (short) 1)));
  }

  public void createTopics(List<NewTopic> newTopics) {
    try (Admin admin = admin()) {
      admin.createTopics(newTopics).all().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("creating topics " + newTopics.stream().map(NewTopic::name).toList() + " on " + bootstrap(), e);
    }
  }

  /** Stops the broker if it runs (gracefully; SIGKILL of a child that does not stop); the data stays. */
  @Override
  public synchronized void close() {
    stopQuietly();
  }

  /**
   * Waits until a broker at {@code bootstrap} answers a metadata request with at least one node.
   *
   * @param failure checked between attempts: a non-null answer (a broker process that exited) ends the wait at once
   * @throws IllegalStateException when it fails or the time is up, with the last error as the cause
   */
  public static void awaitReady(String bootstrap, Duration timeout, Supplier<String> failure) throws InterruptedException {
    Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    long deadline = System.nanoTime() + timeout.toNanos();
    Exception last = null;
    try (Admin admin = Admin.create(conf)) {
      while (System.nanoTime() < deadline) {
        String failed = failure.get();
        if (failed != null) {
          throw new IllegalStateException(failed);
        }
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException notYet) {
          last = notYet;
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("no answer from " + bootstrap + " within " + timeout, last);
  }

  // --- internals -----------------------------------------------------------------------------

  private boolean isFormatted() {
    return Files.isRegularFile(dir.resolve("logs").resolve("meta.properties"));
  }

  private void writeProperties(Properties props) throws IOException {
    try (OutputStream out = Files.newOutputStream(dir.resolve("server.properties"))) {
      props.store(out, "embedded broker (ai.otc.platform.kafka.BrokerSettings)");
    }
  }

  private void format() {
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    int code = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c",
        dir.resolve("server.properties").toString()}, new PrintStream(said, true, StandardCharsets.UTF_8));
    if (code != 0) {
      throw new IllegalStateException("kafka-storage format exited with " + code + ": " + said.toString(StandardCharsets.UTF_8));
    }
  }

  /** The controller port of an earlier start on this folder, when still free: the quorum keeps its address. */
  private static Optional<Integer> previousControllerPort(Path dir) {
    Path file = dir.resolve("server.properties");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      p.load(in);
      String voters = p.getProperty("controller.quorum.voters", "");
      int port = Integer.parseInt(voters.substring(voters.lastIndexOf(':') + 1).trim());
      return Ports.isFree(port) ? Optional.of(port) : Optional.empty();
    } catch (IOException | RuntimeException unreadable) {
      return Optional.empty();
    }
  }

  private void stopQuietly() {
    if (runner == null) {
      return;
    }
    BrokerRunner r = runner;
    runner = null;
    try {
      r.stop();
    } catch (Exception e) {
      IllegalStateException failed = new IllegalStateException("stopping the broker on 127.0.0.1:" + port, e);
      if (mode == Mode.CHILD_PROCESS) {
        try {
          r.kill();
        } catch (Exception killFailed) {
          failed.addSuppressed(killFailed);
        }
      }
      throw failed;
    }
  }

  private void requireRunning(String what) {
    if (runner == null) {
      throw new IllegalStateException("cannot " + what + ": the broker is not running");
    }
  }

  /** The broker's settings: data folder, ports, mode, topic auto-creation, overrides, child JVM options. */
  public static final class Builder {
    private final Path dir;
    private int port;
    private int controllerPort;
    private Mode mode = Mode.IN_JVM;
    private boolean autoCreateTopics;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final List<String> childJvmOptions = new ArrayList<>(ChildJvmRunner.JVM_OPTIONS);
    private final List<Path> childClassPath = new ArrayList<>();
    private Duration readyTimeout = READY_TIMEOUT;
    private Path log;

    private Builder(Path dir) {
      this.dir = dir;
    }

    /** The clients' port (default: a free one). */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** The KRaft controller's port (default: the one of an earlier start on this folder when free, else a free one). */
    public Builder controllerPort(int port) {
      this.controllerPort = port;
      return this;
    }

    /** In this JVM (default) or in a child JVM. */
    public Builder mode(Mode mode) {
      this.mode = mode;
      return this;
    }

    /** Whether a produce or metadata request for an unknown topic creates it (default off). */
    public Builder autoCreateTopics(boolean enabled) {
      this.autoCreateTopics = enabled;
      return this;
    }

    /** Overrides one of the {@link BrokerSettings}. */
    public Builder property(String key, String value) {
      overrides.put(key, value);
      return this;
    }

    public Builder properties(Map<String, String> props) {
      overrides.putAll(props);
      return this;
    }

    /** The child JVM's options instead of the defaults (small heap, serial GC, C1 only). */
    public Builder childJvmOptions(List<String> options) {
      childJvmOptions.clear();
      childJvmOptions.addAll(options);
      return this;
    }

    /** Jars added to the child JVM's class path after this JVM's (e.g. an slf4j binding for the broker's log). */
    public Builder childClassPath(List<Path> jars) {
      childClassPath.addAll(jars);
      return this;
    }

    /** How long {@link #start()} waits for the first answer (default {@link #READY_TIMEOUT}). */
    public Builder readyTimeout(Duration timeout) {
      this.readyTimeout = timeout;
      return this;
    }

    /** Where a child JVM's output goes (default {@code broker.log} in the data folder). */
    public Builder log(Path file) {
      this.log = file;
      return this;
    }

    public EmbeddedBroker build() {
      return new EmbeddedBroker(this);
    }
  }
}
