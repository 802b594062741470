package ai.otc.platform.supervisor;

import ai.otc.platform.process.Procs;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The detached supervisor behind {@code ./otc up}: {@code java … ai.otc.platform.supervisor.SupervisorDaemon
 * <plan.json>}, started by {@code up} with {@code setsid} (its own session: a Ctrl-C in the terminal does not reach it)
 * and its output in a log file. It starts the plan's parts as its children (each halts when the daemon is gone), keeps
 * the state file current ({@code starting} → {@code ready}, or {@code failed} with the reason, then exits 1), watches
 * the parts, and on SIGTERM ({@code ./otc down}) stops them in reverse order, writes {@code stopped} and exits.
 */
public final class SupervisorDaemon {

  private final Plan plan;
  private final Path stateFile;
  private volatile PlatformState state;
  private Supervisor supervisor;

  private SupervisorDaemon(Plan plan) {
    this.plan = plan;
    this.stateFile = plan.stateFile();
    ProcessHandle self = ProcessHandle.current();
    this.state = new PlatformState(self.pid(), Procs.startTime(self.pid()).map(Instant::toString).orElse(null),
        PlatformState.STARTING, null, List.of(), plan.info(), Instant.now().toString());
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: SupervisorDaemon <plan.json>");
      System.exit(2);
    }
    SupervisorDaemon d = new SupervisorDaemon(Plan.read(Path.of(args[0])));
    System.exit(d.run());
  }

  private int run() throws InterruptedException {
    log("supervisor pid " + state.supervisorPid() + ": starting " + plan.parts().size() + " parts");
    supervisor = new Supervisor(plan, new Supervisor.Listener() {
      @Override
      public void starting(PartSpec part) {
        log("starting " + part.name() + " on " + part.endpoint() + " (log " + part.log() + ")");
        publish(state.status(), null);
      }

      @Override
      public void ready(PartSpec part, Duration took) {
        log(part.name() + " ready in " + took.toMillis() / 1000.0 + " s");
        publish(state.status(), null);
      }

      @Override
      public void topicsCreated(List<String> created) {
        log("topics created: " + (created.isEmpty() ? "none missing" : String.join(", ", created)));
      }

      @Override
      public void stopped(PartSpec part, Integer exitCode) {
        log(part.name() + " stopped" + (exitCode == null ? "" : " (exit " + exitCode + ")"));
      }
    });
    // SIGTERM / SIGINT: the ordered stop runs in ChildProcess's shutdown hook (before it kills what is left), with the
    // state file saying so; registered after the supervisor's own, so it runs first (and that one finds nothing to do).
    ai.otc.platform.process.ChildProcess.beforeShutdownKill(() -> {
      boolean failed = PlatformState.FAILED.equals(state.status());
      if (!failed) {
        publish(PlatformState.STOPPING, null);
      }
      supervisor.stop();
      if (!failed) {
        publish(PlatformState.STOPPED, null);
        log("stopped");
      }
    });
    try {
      supervisor.start();
    } catch (PortTakenException e) {
      fail(e.getMessage(), "");
      return 3;
    } catch (PartFailedException e) {
      fail(e.getMessage(), e.logTail());
      return 1;
    } catch (RuntimeException e) {
      fail("starting failed: " + e, "");
      return 1;
    }
    publish(PlatformState.READY, null);
    log("ready");
    while (true) {
      Thread.sleep(1000);
      if (PlatformState.READY.equals(state.status())) {
        supervisor.exited().ifPresent(why -> {
          log("a part ended: " + why);
          publish(PlatformState.DEGRADED, why);
        });
      }
    }
  }

  private void fail(String message, String tail) {
    log("failed: " + message + (tail.isEmpty() ? "" : "\n" + tail));
    publish(PlatformState.FAILED, tail.isEmpty() ? message : message + "\n" + tail);
  }

  private synchronized void publish(String status, String error) {
    state = state.with(status, error != null ? error : state.error(), supervisor == null ? List.of() : supervisor.snapshot());
    if (stateFile == null) {
      return;
    }
    try {
      state.write(stateFile);
    } catch (IOException e) {
      log("cannot write the state file " + stateFile + ": " + e);
    }
  }

  private static void log(String line) {
    System.out.println(Instant.now() + " " + line);
    System.out.flush();
  }
}
