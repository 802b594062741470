package ai.otc.platform.supervisor;

import ai.otc.contract.TopicSpec;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.TopicProvisioner;
import ai.otc.platform.kafka.EmbeddedBroker;
import ai.otc.platform.process.ChildProcess;
import ai.otc.platform.process.Ports;
import java.time.Duration;
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
  private final List<StartedPart> started = new CopyOnWriteArrayList<>();
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
      StartedPart s = p.kind() == PartSpec.Kind.BROKER ? new StartedPart.Broker(p) : new StartedPart.Service(p);
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
    return started.stream().map(StartedPart::state).toList();
  }

  /** The first part that has ended although it was ready, described with its exit code and log; empty while all run. */
  public Optional<String> exited() {
    for (StartedPart s : started) {
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
      for (StartedPart s : started) {
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
}
