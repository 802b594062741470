package ai.otc.testkit.kafka;

import ai.otc.platform.kafka.EmbeddedBroker;
import ai.otc.platform.process.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real single-node KRaft broker on 127.0.0.1 for tests: the platform's {@link EmbeddedBroker} (main code, module
 * {@code otc-platform}, with its {@code BrokerSettings}) in a temporary folder on free ports, with JUnit life cycles
 * and topics per test.
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

  private EmbeddedBroker broker;
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
    boolean fresh = broker == null;
    if (fresh) {
      Path dir;
      try {
        dir = Files.createTempDirectory("otc-kafka-");
      } catch (IOException e) {
        throw new UncheckedIOException("creating a folder for the broker's data", e);
      }
      broker = EmbeddedBroker.builder(dir).port(Ports.free()).controllerPort(Ports.free())
          .mode(mode == Mode.IN_JVM ? EmbeddedBroker.Mode.IN_JVM : EmbeddedBroker.Mode.CHILD_PROCESS)
          .autoCreateTopics(autoCreateTopics).properties(overrides).readyTimeout(READY_TIMEOUT).build();
    }
    broker.start();
    if (fresh) {
      for (Map.Entry<String, Integer> t : topics.entrySet()) {
        createTopic(t.getKey(), t.getValue());
      }
    }
    return this;
  }

  /** A graceful stop that keeps the data; {@link #start()} brings it back on the same port. */
  public synchronized void stop() {
    requireRunning("stop");
    broker.stop();
  }

  /** {@link #stop()} then {@link #start()}. */
  public KafkaBroker restart() {
    stop();
    return start();
  }

  /** SIGKILL of the broker process ({@link Mode#CHILD_PROCESS} only): a crash; {@link #start()} recovers from its data. */
  public synchronized void kill() {
    requireRunning("kill");
    broker.kill();
  }

  /** SIGSTOP of the broker process ({@link Mode#CHILD_PROCESS} only): connections stay open, nothing answers. */
  public synchronized void pause() {
    requireRunning("pause");
    broker.pause();
  }

  /** SIGCONT of a paused broker. */
  public synchronized void resume() {
    requireRunning("resume");
    broker.resume();
  }

  public synchronized boolean isRunning() {
    return broker != null && broker.isRunning();
  }

  /** The broker's process while it runs in {@link Mode#CHILD_PROCESS}; empty in this JVM or when stopped. */
  public synchronized java.util.Optional<ProcessHandle> process() {
    return broker == null ? java.util.Optional.empty() : broker.process();
  }

  public Mode mode() {
    return mode;
  }

  /** {@code 127.0.0.1:<port>}, the same across restarts. */
  public String bootstrap() {
    if (broker == null) {
      throw new IllegalStateException("the broker was never started");
    }
    return broker.bootstrap();
  }

  public int port() {
    return broker == null ? 0 : broker.port();
  }

  /** The folder with the broker's data ({@code logs/}), its {@code server.properties} and, for a child JVM, {@code broker.log}. */
  public Path dataDir() {
    return broker == null ? null : broker.dataDir();
  }

  /** How long the last {@link #start()} took, from launch to the first answer to a metadata request. */
  public Duration lastStartTime() {
    return broker == null ? null : broker.lastStartTime();
  }

  /** An admin client of this broker; close it. */
  public Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()));
  }

  public void createTopic(String name, int partitions) {
    createTopics(List.of(new NewTopic(name, partitions, (short) 1)));
  }

  public void createTopics(List<NewTopic> newTopics) {
    if (broker == null) {
      throw new IllegalStateException("the broker was never started");
    }
    broker.createTopics(newTopics);
  }

  /** Stops the broker if it runs and deletes its data; a later {@link #start()} starts a new, empty broker. */
  @Override
  public synchronized void close() {
    if (broker == null) {
      return;
    }
    EmbeddedBroker b = broker;
    broker = null;
    try {
      b.close();
    } finally {
      deleteRecursively(b.dataDir());
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

  private void requireNotStarted(String what) {
    if (broker != null) {
      throw new IllegalStateException(what + " must be set before the broker's first start");
    }
  }

  private void requireRunning(String what) {
    if (broker == null || !broker.isRunning()) {
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
