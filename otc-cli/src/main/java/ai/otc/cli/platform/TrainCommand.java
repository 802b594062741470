package ai.otc.cli.platform;

import ai.otc.cli.OneLineUsageErrors;
import ai.otc.cli.OtcSubcommand;
import ai.otc.platform.process.ChildProcess;
import ai.otc.platform.supervisor.PartFailedException;
import ai.otc.platform.supervisor.PartSpec;
import ai.otc.platform.supervisor.Plan;
import ai.otc.platform.supervisor.PlatformState;
import ai.otc.platform.supervisor.PortTakenException;
import ai.otc.platform.supervisor.Supervisor;
import ai.otc.platform.supervisor.TopicSetup;
import ai.otc.world.World;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./otc train}: one training run on the platform. Uses the broker and gateway {@code ./otc up} left running
 * (its state file), starts what is not running (the broker, the gateway, and the run's reward, learner and rollout
 * services) as its own children, follows the run's metrics with a progress line per step, writes {@code runs/ID/}, and
 * stops everything it started at the end, on Ctrl-C and on SIGTERM.
 */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
    description = {"Run one training run from the world's warm start (the cached artifact for the",
        "model flags, or the warm start run first). Uses the broker and gateway that",
        "./otc up left running and starts what is not running, each its own process;",
        "prints one line per step (EM, TC, TP, mean reward, KL, s/step, ETA) and writes",
        "runs/ID: config.json, logs/, metrics.jsonl (one StepMetrics per line, proto",
        "field names) and policy.zip (the final version, for ./otc eval --policy).",
        "At the end, on Ctrl-C or SIGTERM it stops everything it started.",
        PlatformExit.HELP_1, PlatformExit.HELP_2, PlatformExit.HELP_3, ""})
public final class TrainCommand implements OtcSubcommand, OneLineUsageErrors {
  @Option(names = "--reward", required = true, paramLabel = "R", description = "em (Search-R1 baseline), otc-grpo or otc-ppo")
  String reward;

  @Option(names = "--steps", paramLabel = "N", description = "training steps (default ${DEFAULT-VALUE})")
  int steps = 100;

  @Mixin PlatformOptions platform;
  @Mixin RunOptions run;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  PrintStream out = System.out;
  PrintStream err = System.err;

  private volatile boolean interrupted;

  @Override
  public Integer call() throws Exception {
    try {
      return train();
    } catch (Refusal r) {
      err.println("otc train: " + r.getMessage());
      return r.exitCode();
    }
  }

  private int train() throws Refusal, IOException, InterruptedException {
    platform.validate();
    run.validate();
    String label = UpCommand.rewardLabel(reward);
    if (steps < 1) {
      throw Refusal.usage("--steps must be at least 1, got " + steps);
    }
    System.setProperty("slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "ERROR"));
    Layout layout = platform.layout();
    String runId = run.runIdOr(label);
    Layout.Run dir = layout.run(runId);
    World world = PlatformSupport.world(platform.world);
    Home home = Home.fromSystem();
    PlanBuilder parts = new PlanBuilder(home, platform.overrides());

    // What ./otc up left running, if anything.
    Reuse reuse = Reuse.decide(PlatformSupport.state(layout), runId, platform.bootstrap);
    boolean attach = reuse.attach();
    if (Files.exists(dir.dir()) && !attach) {
      throw Refusal.usage("run " + runId + " exists already (" + dir.dir() + "): choose another --run-id or remove that folder");
    }
    if (attach) {
      steps = attachedSteps(dir);
    }
    List<PartSpec> specs = new ArrayList<>();
    Map<String, String> reused = new LinkedHashMap<>();
    String bootstrap = reuse.bootstrap();
    if (bootstrap != null && platform.bootstrap == null) {
      reused.put("kafka", bootstrap);
    }
    if (bootstrap == null) {
      int port = PlanBuilder.port(platform.kafkaPort);
      bootstrap = "127.0.0.1:" + port;
      specs.add(parts.broker(port, dir.kafka(), dir.log("kafka")));
    }
    String gateway;
    String token;
    if (reuse.gateway() != null) {
      gateway = reuse.gateway();
      token = Files.readString(reuse.tokenFile()).trim();
      reused.put("gateway", gateway);
    } else {
      token = PlatformSupport.newToken();
      PartSpec g = parts.gateway(PlanBuilder.port(platform.gatewayPort), platform.world, dir.gateway(), bootstrap, token, dir.log("gateway"));
      specs.add(g);
      gateway = g.endpoint();
      PlatformSupport.warnIfNoSandbox(err);
    }
    UpCommand.checkPorts(specs); // before a warm start that may take minutes

    RunConfig rc = null;
    if (!attach) {
      Path policy = PlatformSupport.initialPolicy(run, world, out);
      rc = new RunConfig(runId, label, steps, run.seed, run.groupSize, run.questionsPerStep, run.staleness,
          platform.world.toAbsolutePath().normalize(), world.fingerprint(), policy, run.model.topK(), run.model.device(),
          run.model.threads());
      URI store = dir.policies().toAbsolutePath().toUri();
      specs.add(parts.reward(rc, PlanBuilder.port(orFree(platform.rewardPort)), bootstrap, dir.log("reward")));
      specs.add(parts.learner(rc, PlanBuilder.port(orFree(platform.learnerPort)), bootstrap, store, dir.checkpoint(), dir.log("learner")));
      specs.add(parts.rollout(rc, PlanBuilder.port(orFree(platform.rolloutPort)), bootstrap, gateway, token, store, dir.log("rollout")));
      UpCommand.checkPorts(specs);
      Map<String, Object> partsJson = new LinkedHashMap<>();
      reused.forEach((name, address) -> partsJson.put(name, Map.of("endpoint", address, "started_by", "./otc up")));
      for (PartSpec s : specs) {
        partsJson.put(s.name(), Map.of("endpoint", s.endpoint(), "log", s.log().toString()));
      }
      PlatformSupport.writeJson(dir.config(), rc.toJson(partsJson));
      out.printf(Locale.ROOT, "run %s: %s (%s), %d steps of %d questions x %d, staleness %d, seed %d; files in %s%n", runId, label,
          rc.algorithm(), steps, run.questionsPerStep, run.groupSize, run.staleness, run.seed, dir.dir());
    } else {
      out.println("run " + runId + " is running on the platform of ./otc up: following its " + steps + " steps");
    }
    reused.forEach((name, address) -> out.println("using " + name + " at " + address + " (./otc up)"));

    Plan plan = new Plan(specs, specs.isEmpty() ? null
        : new TopicSetup(bootstrap, specs.stream().anyMatch(s -> s.stage() == 1) ? 1 : 9, rc == null ? List.of() : List.of(rc.rewardApplicationId())),
        null, Map.of("run_id", runId));
    Supervisor sup = new Supervisor(plan, listener(), Duration.ofSeconds(platform.readyTimeout), Supervisor.DEFAULT_STOP_GRACE);
    // Runs first in the JVM's shutdown (Ctrl-C, SIGTERM), before the supervisor's own ordered stop.
    Runnable onSignal = () -> {
      if (!interrupted) {
        interrupted = true;
        err.println("otc train: interrupted; stopping the " + sup.snapshot().size() + " processes it started");
      }
    };
    ChildProcess.beforeShutdownKill(onSignal);
    try {
      if (rc != null && specs.stream().noneMatch(s -> s.kind() == PartSpec.Kind.BROKER)) {
        // a shared broker holds earlier runs' trajectories: this run's reward service starts after them
        long skipped = RunStartOffsets.pinToEnd(bootstrap, rc.rewardApplicationId());
        if (skipped > 0) {
          out.println("the reward service starts after the " + skipped + " trajectories already on " + ai.otc.contract.Topics.ROLLOUTS);
        }
      }
      try {
        sup.start();
      } catch (PortTakenException e) {
        throw PlatformSupport.portTaken(e);
      } catch (PartFailedException e) {
        if (interrupted) {
          return PlatformExit.INTERRUPTED;
        }
        throw Refusal.failed(e.getMessage() + (e.logTail().isEmpty() ? "" : "; its log " + logOf(specs, e.part()) + " ends:\n" + e.logTail()));
      }
      writeProcesses(dir, sup);
      java.util.function.Supplier<Optional<String>> ended = attach ? () -> upRunEnded(layout) : sup::exited;
      return new RunWatch(out, runId, steps, dir, platform.world, () -> interrupted).follow(bootstrap, ended);
    } finally {
      ChildProcess.removeShutdownStop(onSignal);
      sup.stop();
    }
  }

  private Supervisor.Listener listener() {
    return new Supervisor.Listener() {
      @Override
      public void starting(PartSpec part) {
        out.println("starting " + part.name() + " on " + part.endpoint() + " (log " + PlatformSupport.relative(part.log(), Path.of("")) + ")");
      }

      @Override
      public void ready(PartSpec part, Duration took) {
        out.printf(Locale.ROOT, "%s ready in %.1f s%n", part.name(), took.toMillis() / 1000.0);
      }

      @Override
      public void stopped(PartSpec part, Integer exitCode) {
        out.println("stopped " + part.name() + (exitCode == null ? "" : " (exit " + exitCode + ")"));
      }
    };
  }

  static void writeProcesses(Layout.Run dir, Supervisor sup) throws IOException {
    List<Map<String, Object>> ps = new ArrayList<>();
    for (PlatformState.Part p : sup.snapshot()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", p.name());
      m.put("pid", p.pid());
      m.put("started", p.started());
      m.put("endpoint", p.endpoint());
      m.put("log", p.log());
      ps.add(m);
    }
    Map<String, Object> j = new LinkedHashMap<>();
    j.put("train_pid", ProcessHandle.current().pid());
    j.put("processes", ps);
    PlatformSupport.writeJson(dir.processes(), j);
  }

  /** A service of the run {@code ./otc up} runs that has ended, if any (re-read from its state file). */
  private static Optional<String> upRunEnded(Layout layout) {
    try {
      Optional<PlatformState> s = PlatformState.read(layout.stateFile());
      if (s.isEmpty() || !s.get().supervisorAlive()) {
        return Optional.of("the platform of ./otc up is gone");
      }
      return s.get().parts().stream().filter(p -> List.of("reward", "learner", "rollout").contains(p.name()) && !p.stillRunning())
          .findFirst().map(p -> p.name() + " (pid " + p.pid() + ") of ./otc up ended; its log " + p.log());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The steps to follow of a run that {@code ./otc up} runs: {@code --steps} when given (at most the run's), else the
   * run's own number (its {@code config.json}); a run without an end needs {@code --steps}.
   */
  private int attachedSteps(Layout.Run dir) throws Refusal, IOException {
    int runSteps = PlatformSupport.JSON.readTree(dir.config().toFile()).path("steps").asInt(0);
    boolean given = spec.commandLine().getParseResult().hasMatchedOption("--steps");
    if (!given && runSteps == 0) {
      throw Refusal.usage("run " + dir.dir().getFileName() + " (./otc up) trains until ./otc down: pass --steps N to follow N steps");
    }
    if (given && runSteps > 0 && steps > runSteps) {
      throw Refusal.usage("run " + dir.dir().getFileName() + " (./otc up) trains " + runSteps + " steps: pass --steps " + runSteps
          + " or fewer");
    }
    return given ? steps : runSteps;
  }

  private static String logOf(List<PartSpec> specs, String part) {
    return specs.stream().filter(s -> s.name().equals(part)).findFirst().map(s -> PlatformSupport.relative(s.log(), Path.of("")))
        .orElse(part);
  }

  private static int orFree(Integer port) {
    return port == null ? 0 : port;
  }
}
