package ai.otc.testkit.kafka;

import ai.otc.testkit.Ports;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft broker on 127.0.0.1 for tests, with the settings of {@link BrokerSettings}.
 *
 * <p>As a JUnit 5 extension, one broker per test class or per test method:
 * <pre>{@code
 * @RegisterExtension static final KafkaBroker broker = KafkaBroker.perClass().withTopic("otc.rollouts.v1", 4);
 * @RegisterExtension final KafkaBroker broker = KafkaBroker.perMethod();
 * }</pre>
 * or owned by the code that starts it: {@code try (KafkaBroker b = KafkaBroker.create().start()) {...}}. In a
 * {@code @QuarkusTest}: {@link KafkaBrokerResource}.
 *
 * <p>It runs in the test JVM ({@link Mode#IN_JVM}, the default) or in a child JVM
 * ({@link Mode#CHILD_PROCESS}), which can also be killed ({@link #kill()}) and frozen ({@link #pause()}).
 * Either way {@link #stop()} and a later {@link #start()} bring the same broker back, on the same port with
 * the same data, so clients reconnect by themselves; {@link #close()} stops it and deletes its data.
 */
public final class KafkaBroker implements AutoCloseable, BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback {

  /** Where the broker runs. */
  public enum Mode {
    /** A {@code KafkaRaftServer} in the test JVM: starts fastest; no kill, no pause. */
    IN_JVM,
    /** {@code kafka.Kafka} in a child JVM: a real process to SIGKILL, SIGSTOP and SIGCONT. */
    CHILD_PROCESS
  }

  private enum Lifecycle { MANUAL, PER_CLASS, PER_METHOD }

  /** How long a start may take before it counts as failed: a cold JVM on 2 busy cores. */
  static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Lifecycle lifecycle;
  private Mode mode = Mode.IN_JVM;
  private boolean autoCreateTopics;
  private final Map<String, Integer> topics = new LinkedHashMap<>();
  private final Map<String, String> overrides = new LinkedHashMap<>();

  private Path dir;
  private int port;
  private int controllerPort;
  private BrokerRunner runner;
  private Duration lastStart;
  private String startedBy;

  private KafkaBroker(Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  /** A broker for a test class: started before its first test, closed after its last ({@code static} field). */
  public static KafkaBroker perClass() {
    return new KafkaBroker(Lifecycle.PER_CLASS);
  }

  /** A fresh broker for every test method, closed after it. */
  public static KafkaBroker perMethod() {
    return new KafkaBroker(Lifecycle.PER_METHOD);
  }

  /** A broker whose lifetime the caller owns: {@link #start()} and {@link #close()}. */
  public static KafkaBroker create() {
    return new KafkaBroker(Lifecycle.MANUAL);
  }

  /** In this JVM (default) or in a child JVM. */
  public KafkaBroker mode(Mode mode) {
    requireNotStarted("mode");
    this.mode = mode;
    return this;
  }

  /**
   * Whether a produce or a metadata request for an unknown topic creates it (with 1 partition).
   * Default off: topics exist because a test or a service created them with the partitions it needs.
   */
  public KafkaBroker autoCreateTopics(boolean enabled) {
    requireNotStarted("autoCreateTopics");
    this.autoCreateTopics = enabled;
    return this;
  }

  /** A topic created after each fresh start (not after a restart, which keeps what was there). */
  public KafkaBroker withTopic(String name, int partitions) {
    topics.put(name, partitions);
    return this;
  }

  /** Overrides one of the broker settings (see the module's README); for tests of broker behaviour. */
  public KafkaBroker property(String key, String value) {
    requireNotStarted("property");
    overrides.put(key, value);
    return this;
  }

  /**
   * Starts the broker and waits until it answers: the first time on new free ports with a freshly
   * formatted data directory and the {@link #withTopic topics}; after {@link #stop()} or {@link #kill()},
   * the same broker again (same ports, same data).
   */
  public synchronized KafkaBroker start() {
    if (runner != null) {
      throw new IllegalStateException("the broker on " + bootstrap() + " is already running");
    }
    boolean fresh = dir == null;
    try {
      if (fresh) {
        format();
      }
      Properties props = BrokerSettings.of(port, controllerPort, dir.resolve("logs"), autoCreateTopics, overrides);
      runner = mode == Mode.IN_JVM ? new InJvmRunner(props) : new ChildJvmRunner(dir.resolve("server.properties"), dir.resolve("broker.log"));
      long t0 = System.nanoTime();
      runner.start();
      awaitReady();
      lastStart = Duration.ofNanos(System.nanoTime() - t0);
      if (fresh) {
        for (Map.Entry<String, Integer> t : topics.entrySet()) {
          createTopic(t.getKey(), t.getValue());
        }
      }
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

  /** {@link #stop()} then {@link #start()}. */
  public KafkaBroker restart() {
    stop();
    return start();
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
  public synchronized java.util.Optional<ProcessHandle> process() {
    return runner == null ? java.util.Optional.empty() : runner.process();
  }

  public Mode mode() {
    return mode;
  }

  /** {@code 127.0.0.1:<port>}, the same across restarts. */
  public String bootstrap() {
    if (dir == null) {
      throw new IllegalStateException("the broker was never started");
    }
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** The folder with the broker's data ({@code logs/}), its {@code server.properties} and, for a child JVM, {@code broker.log}. */
  public Path dataDir() {
    return dir;
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

  /** Stops the broker if it runs and deletes its data; a later {@link #start()} starts a new, empty broker. */
  @Override
  public synchronized void close() {
    stopQuietly();
    if (dir != null) {
      deleteRecursively(dir);
      dir = null;
    }
  }

  // --- JUnit 5 -------------------------------------------------------------------------------

  @Override
  public void beforeAll(ExtensionContext context) {
    if (lifecycle == Lifecycle.PER_CLASS && startedBy == null) {
      start();
      startedBy = context.getUniqueId();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (lifecycle == Lifecycle.PER_CLASS && context.getUniqueId().equals(startedBy)) {
      startedBy = null;
      close();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (lifecycle == Lifecycle.PER_METHOD) {
      start();
    } else if (lifecycle == Lifecycle.PER_CLASS && startedBy == null) {
      throw new IllegalStateException("KafkaBroker.perClass() must be registered on a static field (@RegisterExtension static)");
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (lifecycle == Lifecycle.PER_METHOD) {
      close();
    }
  }

  // --- internals -----------------------------------------------------------------------------

  private void format() throws IOException {
    port = Ports.free();
    controllerPort = Ports.free();
    dir = Files.createTempDirectory("otc-kafka-");
    Path propsFile = dir.resolve("server.properties");
    Properties props = BrokerSettings.of(port, controllerPort, dir.resolve("logs"), autoCreateTopics, overrides);
    try (OutputStream out = Files.newOutputStream(propsFile)) {
      props.store(out, "otc-testkit broker (ai.otc.testkit.kafka.BrokerSettings)");
    }
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    int code = StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(), "-c", propsFile.toString()},
        new PrintStream(said, true, StandardCharsets.UTF_8));
    if (code != 0) {
      throw new IllegalStateException("kafka-storage format exited with " + code + ": " + said.toString(StandardCharsets.UTF_8));
    }
  }

  private void awaitReady() throws Exception {
    Map<String, Object> conf = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000,
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 200);
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    Exception last = null;
    try (Admin admin = Admin.create(conf)) {
      while (System.nanoTime() < deadline) {
        String failure = runner.failure();
        if (failure != null) {
          throw new IllegalStateException(failure);
        }
        try {
          if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
            return;
          }
        } catch (Exception notYet) {
          last = notYet;
        }
        Thread.sleep(50);
      }
    }
    throw new IllegalStateException("no answer from " + bootstrap() + " within " + READY_TIMEOUT, last);
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

  private void requireNotStarted(String what) {
    if (dir != null) {
      throw new IllegalStateException(what + " must be set before the broker's first start");
    }
  }

  private void requireRunning(String what) {
    if (runner == null) {
      throw new IllegalStateException("cannot " + what + ": the broker is not running");
    }
  }

  private static void deleteRecursively(Path root) {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("deleting the broker's data " + root, e);
    }
  }
}
