package ai.otc.platform.supervisor;

import ai.otc.contract.TopicSpec;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.TopicProvisioner;
import ai.otc.platform.kafka.EmbeddedBroker;
import ai.otc.platform.process.ChildProcess;
import ai.otc.platform.process.Ports;
import ai.otc.platform.process.QuarkusApp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Runs the parts of a {@link Plan} as child processes of this JVM: checks every port first (nothing starts when one is
 * taken), starts stage by stage (the parts of a stage together, the next stage once all of them are ready), creates the
 * contract's topics when the plan says, and stops in reverse order: the last stage first, each part with SIGTERM and,
 * after the grace period, SIGKILL (with whatever it started). Children never outlive this JVM: a JVM shutdown (Ctrl-C,
 * SIGTERM) runs {@link #stop()} before the kill-everything hook of {@link ChildProcess}, and every child JVM carries
 * the {@code ParentWatch} agent, which halts it when this JVM is gone even after a SIGKILL.
 */
public final class Supervisor implements AutoCloseable {

  /** What happens, for progress lines and the state file. Called from the supervisor's threads. */
  public interface Listener {
    /** A part is being launched. */
    default void starting(PartSpec part) {}

    /** A part is ready. */
    default void ready(PartSpec part, Duration took) {}

    /** The contract's topics that were missing were created. */
    default void topicsCreated(List<String> created) {}

    /** A part has been stopped (exit code, or null when unknown). */
    default void stopped(PartSpec part, Integer exitCode) {}
  }

  /** How long a part may take to be ready: cold JVMs on 2 busy cores, a service loading a model. */
  public static final Duration DEFAULT_READY_TIMEOUT = Duration.ofSeconds(180);
  /** How long a part may take to stop after SIGTERM before it gets SIGKILL. */
  public static final Duration DEFAULT_STOP_GRACE = Duration.ofSeconds(30);

  private final Plan plan;
  private final Listener listener;
  private final Duration readyTimeout;
  private final Duration stopGrace;
  private final List<Started> started = new CopyOnWriteArrayList<>();
  private final ExecutorService launcher = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "otc-supervisor-start");
    t.setDaemon(true);
    return t;
  });
  private final Runnable shutdownStop = this::stopQuietly;
  private volatile boolean stopped;

  public Supervisor(Plan plan, Listener listener, Duration readyTimeout, Duration stopGrace) {
    this.plan = plan;
    this.listener = listener == null ? new Listener() {} : listener;
    this.readyTimeout = readyTimeout;
    this.stopGrace = stopGrace;
    ChildProcess.beforeShutdownKill(shutdownStop);
  }

  public Supervisor(Plan plan, Listener listener) {
    this(plan, listener, DEFAULT_READY_TIMEOUT, DEFAULT_STOP_GRACE);
  }

  public Plan plan() {
    return plan;
  }

  /** Refuses when a part's port is taken, naming the first such port and, when known, the process holding it. */
  public void checkPorts() throws PortTakenException {
    checkPorts(plan);
  }

  /** {@link #checkPorts()} of a plan, before any supervisor exists (a command that hands the plan to a daemon). */
  public static void checkPorts(Plan plan) throws PortTakenException {
    for (PartSpec p : plan.parts()) {
      if (!Ports.isFree(p.port())) {
        throw new PortTakenException(p.name(), p.port(), Ports.holder(p.port()).orElse(null));
      }
    }
  }

  /**
   * Checks the ports, then starts every stage and waits until all parts are ready. On a failure it stops what it
   * started before it throws.
   */
  public void start() throws PortTakenException, PartFailedException, InterruptedException {
    checkPorts();
    try {
      for (int stage = 0; stage < plan.stages(); stage++) {
        if (plan.topics() != null && plan.topics().beforeStage() == stage) {
          createTopics();
        }
        startStage(stage);
      }
      if (plan.topics() != null && plan.topics().beforeStage() >= plan.stages()) {
        createTopics();
      }
    } catch (PartFailedException | InterruptedException | RuntimeException e) {
      stopQuietly();
      throw e;
    }
  }

  private void startStage(int stage) throws PartFailedException, InterruptedException {
    List<PartSpec> parts = plan.parts().stream().filter(p -> p.stage() == stage).toList();
    List<Future<?>> launches = new ArrayList<>();
    for (PartSpec p : parts) {
      if (stopped) {
        throw new InterruptedException("stopped while starting");
      }
      listener.starting(p);
      Started s = p.kind() == PartSpec.Kind.BROKER ? new BrokerPart(p) : new ServicePart(p);
      started.add(s);
      launches.add(launcher.submit(() -> {
        long t0 = System.nanoTime();
        s.startAndAwaitReady(readyTimeout);
        s.readyAfter = Duration.ofNanos(System.nanoTime() - t0);
        listener.ready(p, s.readyAfter);
        return null;
      }));
    }
    PartFailedException first = null;
    for (int i = 0; i < launches.size(); i++) {
      try {
        launches.get(i).get();
      } catch (ExecutionException e) {
        PartSpec p = parts.get(i);
        Throwable cause = e.getCause();
        PartFailedException f = new PartFailedException(p.name(), p.name() + " did not start: " + firstLine(cause.getMessage()),
            started.stream().filter(s -> s.spec == p).findFirst().map(s -> s.tail(30)).orElse(""), cause);
        if (first == null) {
          first = f;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  private void createTopics() throws PartFailedException, InterruptedException {
    TopicSetup t = plan.topics();
    boolean ownBroker = plan.parts().stream().anyMatch(p -> p.kind() == PartSpec.Kind.BROKER);
    if (!ownBroker) {
      try {
        EmbeddedBroker.awaitReady(t.bootstrap(), Duration.ofSeconds(30), () -> null);
      } catch (IllegalStateException e) {
        throw new PartFailedException("kafka", "no Kafka answers at " + t.bootstrap(), "", e);
      }
    }
    List<TopicSpec> specs = new ArrayList<>();
    for (TopicSpec s : TopicTable.all()) {
      if (!s.internal()) {
        specs.add(s);
      }
    }
    int rolloutPartitions = TopicTable.get(Topics.ROLLOUTS).partitions();
    for (String app : t.rewardApplicationIds()) {
      specs.add(TopicTable.rewardGroups(app, rolloutPartitions));
      specs.add(TopicTable.rewardOptimalCalls(app));
    }
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, t.bootstrap()))) {
      listener.topicsCreated(TopicProvisioner.createMissing(admin, specs, (short) 1, Duration.ofSeconds(60)));
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new PartFailedException("topics", "creating the topics on " + t.bootstrap() + " failed: " + firstLine(e.getMessage()), "", e);
    }
  }

  /** The parts started so far, as the state file records them. */
  public List<PlatformState.Part> snapshot() {
    return started.stream().map(Started::state).toList();
  }

  /** The first part that has ended although it was ready, described with its exit code and log; empty while all run. */
  public Optional<String> exited() {
    for (Started s : started) {
      if (s.readyAfter != null && !s.isAlive()) {
        return Optional.of(s.spec.name() + " (pid " + s.pid() + ") exited with " + s.exitCode().map(String::valueOf).orElse("?")
            + "; its log " + s.spec.log() + " ends:\n" + s.tail(30));
      }
    }
    return Optional.empty();
  }

  /**
   * Stops every part started, the last stage first (the parts of a stage together), each with SIGTERM and after the
   * grace period SIGKILL, and waits until they are gone. Idempotent.
   */
  public void stop() {
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
    }
    launcher.shutdownNow();
    try {
      launcher.awaitTermination(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    List<Integer> stages = started.stream().map(s -> s.spec.stage()).distinct().sorted(Comparator.reverseOrder()).toList();
    for (int stage : stages) {
      List<Thread> stoppers = new ArrayList<>();
      for (Started s : started) {
        if (s.spec.stage() == stage) {
          Thread t = new Thread(() -> {
            Integer code = s.stop(stopGrace);
            listener.stopped(s.spec, code);
          }, "otc-supervisor-stop-" + s.spec.name());
          t.start();
          stoppers.add(t);
        }
      }
      for (Thread t : stoppers) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    ChildProcess.removeShutdownStop(shutdownStop);
  }

  private void stopQuietly() {
    try {
      stop();
    } catch (RuntimeException e) {
      System.err.println("otc supervisor: stopping failed: " + e);
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "(no message)";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** A part this supervisor launched. */
  private abstract static class Started {
    final PartSpec spec;
    volatile Duration readyAfter;

    Started(PartSpec spec) {
      this.spec = spec;
    }

    abstract void startAndAwaitReady(Duration timeout) throws Exception;

    abstract long pid();

    abstract Optional<Instant> startInstant();

    abstract boolean isAlive();

    abstract Optional<Integer> exitCode();

    abstract String tail(int lines);

    /** SIGTERM, SIGKILL after {@code grace}; the exit code, or null when unknown. */
    abstract Integer stop(Duration grace);

    PlatformState.Part state() {
      return new PlatformState.Part(spec.name(), spec.kind().name(), pid(), startInstant().map(Instant::toString).orElse(null),
          spec.endpoint(), spec.log().toString(), readyAfter != null,
          readyAfter == null ? 0 : readyAfter.toMillis() / 1000.0, isAlive() ? null : exitCode().orElse(null));
    }
  }

  /** A packaged Quarkus service. */
  private static final class ServicePart extends Started {
    private volatile ChildProcess child;

    ServicePart(PartSpec spec) {
      super(spec);
    }

    @Override
    void startAndAwaitReady(Duration timeout) throws Exception {
      if (!java.nio.file.Files.isRegularFile(spec.jar())) {
        throw new IllegalStateException(spec.jar() + " is missing");
      }
      child = ChildProcess.start(spec.name(), QuarkusApp.command(spec.jar(), spec.port(), spec.jvmOptions(), spec.properties()),
          spec.env(), spec.log());
      QuarkusApp.awaitReady(child, spec.port(), timeout);
    }

    @Override
    long pid() {
      return child == null ? -1 : child.pid();
    }

    @Override
    Optional<Instant> startInstant() {
      return child == null ? Optional.empty() : child.handle().info().startInstant();
    }

    @Override
    boolean isAlive() {
      return child != null && child.isAlive();
    }

    @Override
    Optional<Integer> exitCode() {
      return child == null ? Optional.empty() : child.exitCode();
    }

    @Override
    String tail(int lines) {
      return child == null ? "" : child.tail(lines);
    }

    @Override
    Integer stop(Duration grace) {
      if (child == null) {
        return null;
      }
      try {
        return child.terminate(grace);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        try {
          child.kill();
        } catch (InterruptedException again) {
          Thread.currentThread().interrupt();
        }
        return null;
      }
    }
  }

  /** The embedded broker in a child JVM. */
  private static final class BrokerPart extends Started {
    private final EmbeddedBroker broker;
    private volatile ProcessHandle handle;

    BrokerPart(PartSpec spec) {
      super(spec);
      this.broker = EmbeddedBroker.builder(spec.dataDir()).port(spec.port()).mode(EmbeddedBroker.Mode.CHILD_PROCESS)
          .properties(spec.properties()).childJvmOptions(spec.jvmOptions().isEmpty() ? defaultOptions() : spec.jvmOptions())
          .childClassPath(spec.classPath()).log(spec.log()).build();
    }

    private static List<String> defaultOptions() {
      return List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");
    }

    @Override
    void startAndAwaitReady(Duration timeout) {
      broker.start();
      handle = broker.process().orElse(null);
    }

    @Override
    long pid() {
      ProcessHandle h = handle != null ? handle : broker.process().orElse(null);
      return h == null ? -1 : h.pid();
    }

    @Override
    Optional<Instant> startInstant() {
      ProcessHandle h = handle != null ? handle : broker.process().orElse(null);
      return h == null ? Optional.empty() : h.info().startInstant();
    }

    @Override
    boolean isAlive() {
      return handle != null && handle.isAlive();
    }

    @Override
    Optional<Integer> exitCode() {
      return Optional.empty();
    }

    @Override
    String tail(int lines) {
      try {
        List<String> all = java.nio.file.Files.readAllLines(spec.log());
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
      } catch (java.io.IOException | RuntimeException e) {
        return "";
      }
    }

    @Override
    Integer stop(Duration grace) {
      try {
        broker.close();
      } catch (RuntimeException e) {
        if (handle != null) {
          handle.destroyForcibly();
        }
      }
      return null;
    }
  }
}
