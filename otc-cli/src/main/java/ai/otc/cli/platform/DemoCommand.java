package ai.otc.cli.platform;

import ai.otc.cli.OneLineUsageErrors;
import ai.otc.cli.OtcSubcommand;
import ai.otc.platform.process.ChildProcess;
import ai.otc.platform.supervisor.PartSpec;
import ai.otc.platform.supervisor.Plan;
import ai.otc.platform.supervisor.Supervisor;
import ai.otc.platform.supervisor.TopicSetup;
import ai.otc.world.Question;
import ai.otc.world.Split;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import ai.otc.world.WorldIo;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./otc demo}: the main job. Builds what is missing, writes the default world when there is none, obtains the
 * warm start (cached), starts one broker and one gateway, evaluates the warm start, then for each seed and reward
 * trains a run on the platform (its own reward, learner and rollout services) and evaluates its final policy through
 * the gateway, and writes the report from the topics. Everything it starts is stopped at the end, on Ctrl-C and on
 * SIGTERM.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
    description = {"The main job: trains the same warm start with the Search-R1 baseline",
        "reward (em), OTC-GRPO and OTC-PPO on the platform (embedded Kafka, tool",
        "gateway, reward, learner and rollout services), evaluates each final policy",
        "on the test split through the gateway, and writes runs/ID/report.html,",
        "summary.json and plots/ from the topics (./otc report --run ID rebuilds",
        "them). Builds the services, writes the default world and trains the warm",
        "start first when they are missing. One progress line per step, with the",
        "demo's ETA; each phase's time at the end.",
        "Demo defaults of the run flags below: --run-id demo-<date>-<time>, --seed 1,",
        "16 questions x 8 per step (--quick: 8 x 4), any free ports, --ready-timeout",
        "600, --threads 1 per service when runs share the machine, and (not --quick)",
        "--set learner:otc.learner.lr=1.5e-4.",
        PlatformExit.HELP_1, PlatformExit.HELP_2, PlatformExit.HELP_3, ""})
public final class DemoCommand implements OtcSubcommand, OneLineUsageErrors {
  @Option(names = "--quick", description = "fewer steps and smaller batches (a few minutes with a cached warm start)")
  boolean quick;

  @Option(names = "--rewards", paramLabel = "R,R", split = ",", description = "the runs, in order (default: em,otc-grpo,otc-ppo)")
  List<String> rewards = List.of("em", "otc-grpo", "otc-ppo");

  @Option(names = "--seeds", paramLabel = "N", description = "runs per reward, seeds --seed .. --seed+N-1 (default ${DEFAULT-VALUE})")
  int seeds = 1;

  @Option(names = "--steps", paramLabel = "N", description = "training steps per run (default: " + DemoSettings.STEPS + ", --quick "
      + DemoSettings.QUICK_STEPS + ")")
  Integer steps;

  @Option(names = "--eval-split", paramLabel = "SPLIT", description = "the split each final policy is evaluated on (default ${DEFAULT-VALUE})")
  String evalSplit = "test";

  @Mixin PlatformOptions platform;
  @Mixin RunOptions run;

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  PrintStream out = System.out;
  PrintStream err = System.err;

  private volatile boolean interrupted;

  @Override
  public Integer call() throws Exception {
    try {
      return demo();
    } catch (Refusal r) {
      if (interrupted) {
        return PlatformExit.INTERRUPTED; // a part that failed because Ctrl-C stopped it is not the error to report
      }
      err.println("otc demo: " + r.getMessage());
      return r.exitCode();
    }
  }

  private int demo() throws Refusal, IOException, InterruptedException {
    run.validate();
    Map<String, Map<String, String>> overrides = platform.overrides();
    DemoSettings settings = DemoSettings.resolve(this, spec.commandLine().getParseResult(), overrides);
    for (String flag : List.of("--bootstrap", "--reward-port", "--rollout-port", "--learner-port")) {
      if (given(flag)) {
        throw Refusal.usage(flag + " is not used by ./otc demo: it starts its own broker (its topics stay in runs/ID/kafka) and"
            + " each run's services on free ports");
      }
    }
    DemoClock clock = new DemoClock();
    World[] world = new World[1];
    clock.begin("world");
    // a fresh clone has no world: the default one is written first (a given --world must exist)
    boolean wroteWorld = writeDefaultWorldIfMissing();
    platform.validate();
    if (!given("--ready-timeout")) {
      // every run's services start at once: on two busy cores, cold JVMs loading PyTorch take minutes
      platform.readyTimeout = DemoSettings.READY_TIMEOUT_SECONDS;
    }
    System.setProperty("slf4j.internal.verbosity", System.getProperty("slf4j.internal.verbosity", "ERROR"));
    Home home = Home.fromSystem();
    Layout layout = platform.layout();
    String demoId = run.runIdOr("demo");
    Path demoDir = layout.runs().resolve(demoId);
    if (Files.exists(demoDir)) {
      throw Refusal.usage("run " + demoId + " exists already (" + demoDir + "): choose another --run-id or remove that folder");
    }
    settings.plan(clock, demoId);
    world[0] = PlatformSupport.world(platform.world);
    double worldSeconds = clock.end();
    Files.createDirectories(demoDir.resolve("logs"));
    out.printf(Locale.ROOT, "demo %s: %s x %d seed%s, %d steps of %d questions x %d each; files in %s%n", demoId,
        String.join(", ", settings.rewards()), settings.seeds().size(), settings.seeds().size() == 1 ? "" : "s", settings.steps(),
        settings.questionsPerStep(), settings.groupSize(), demoDir);
    out.printf(Locale.ROOT, "%sworld: %s %s (%s)%n", clock.prefix(), wroteWorld ? "wrote the default world to" : "read", platform.world,
        Progress.duration(Math.round(worldSeconds)));

    phase(clock, "build", () -> {
      var why = ServiceBuild.needed(home.root());
      if (why.isPresent()) {
        out.println(clock.prefix() + "building the services (" + why.get() + "); log " + demoDir.resolve("logs/build.log"));
        ServiceBuild.build(home.root(), demoDir.resolve("logs/build.log"));
      }
    });
    Path[] initial = new Path[1];
    phase(clock, "warm start", () -> initial[0] = PlatformSupport.initialPolicy(run, world[0], out));
    List<Question> evalQuestions = world[0].split(Split.fromLabel(evalSplit));

    String token = PlatformSupport.newToken();
    PlanBuilder parts = new PlanBuilder(home, settings.withDemoDefaults(overrides));
    int kafkaPort = PlanBuilder.port(given("--kafka-port") ? platform.kafkaPort : 0);
    String bootstrap = "127.0.0.1:" + kafkaPort;
    PartSpec brokerSpec = parts.broker(kafkaPort, demoDir.resolve("kafka"), demoDir.resolve("logs/kafka.log"));
    PartSpec gatewaySpec = parts.gateway(PlanBuilder.port(given("--gateway-port") ? platform.gatewayPort : 0), platform.world,
        demoDir.resolve("gateway"), bootstrap, token, demoDir.resolve("logs/gateway.log"));
    PlatformSupport.warnIfNoSandbox(err);
    Supervisor base = new Supervisor(new Plan(List.of(brokerSpec, gatewaySpec), new TopicSetup(bootstrap, 1, List.of()), null,
        Map.of("run_id", demoId)), quietListener(clock), Duration.ofSeconds(platform.readyTimeout), Supervisor.DEFAULT_STOP_GRACE);
    List<Supervisor> running = new ArrayList<>(List.of(base));
    Runnable onSignal = () -> {
      if (!interrupted) {
        interrupted = true;
        err.println("otc demo: interrupted; stopping everything it started");
      }
    };
    ChildProcess.beforeShutdownKill(onSignal);
    String initialRun = demoId + ".initial";
    DemoRecord record = new DemoRecord(demoDir.resolve("demo.json"), demoId, quick, platform.world, world[0].fingerprint(), initial[0],
        settings.toJson(run), settings.rewards(), settings.seeds(), initialRun, demoDir.resolve("kafka"));
    try {
      phase(clock, "platform", () -> {
        PlatformSupport.start(base);
        TrainCommand.writeProcesses(new Layout.Run(demoDir), base);
      });
      String gateway = gatewaySpec.endpoint();
      phase(clock, "evaluate initial", () -> evaluate(clock, initial[0], 0, evalQuestions, initialRun, gateway, token, bootstrap));
      for (long seed : settings.seeds()) {
        if (interrupted) {
          return PlatformExit.INTERRUPTED;
        }
        List<RunConfig> runs = new ArrayList<>();
        for (String reward : settings.rewards()) {
          runs.add(new RunConfig(DemoSettings.runId(demoId, reward, seed), reward, settings.steps(), seed, settings.groupSize(),
              settings.questionsPerStep(), settings.staleness(), platform.world.toAbsolutePath().normalize(), world[0].fingerprint(),
              initial[0], run.model.topK(), run.model.device(), settings.threads()));
        }
        int[] exit = new int[1];
        double[] wall = new double[1];
        phase(clock, "train seed " + seed, () -> {
          long t0 = System.nanoTime();
          exit[0] = new DemoTraining(out, platform, parts, clock, () -> interrupted).train(runs, demoDir, bootstrap, gateway, token, running);
          wall[0] = (System.nanoTime() - t0) / 1e9;
        });
        if (exit[0] != PlatformExit.OK) {
          return exit[0];
        }
        for (RunConfig rc : runs) {
          record.run(rc.runId(), rc.reward(), seed, settings.steps(), wall[0], settings.steps());
          Path policy = new Layout(demoDir).run(rc.runId()).policy();
          phase(clock, "evaluate " + rc.runId(),
              () -> evaluate(clock, policy, settings.steps(), evalQuestions, rc.runId(), gateway, token, bootstrap));
          record.phases(clock.phases());
        }
      }
      // demo.json is final before the report reads it, so ./otc report --run rebuilds the same bytes from it later
      record.phases(clock.phases());
      record.finished(clock.elapsedSeconds());
      phase(clock, "report", () -> DemoReporting.write(bootstrap, demoDir, out, clock));
      out.println();
      out.println("phase times:");
      for (DemoClock.Phase p : clock.phases()) {
        out.printf(Locale.ROOT, "  %-40s %s%n", p.name(), Progress.duration(Math.round(p.seconds())));
      }
      out.printf(Locale.ROOT, "demo %s done in %s; report %s%n", demoId, Progress.duration(Math.round(clock.elapsedSeconds())),
          demoDir.resolve("report.html"));
      return PlatformExit.OK;
    } finally {
      if (!record.isFinished()) {
        record.phases(clock.phases());
      }
      ChildProcess.removeShutdownStop(onSignal);
      for (int i = running.size() - 1; i >= 0; i--) {
        running.get(i).stop();
      }
    }
  }

  private void evaluate(DemoClock clock, Path policy, long version, List<Question> qs, String runId, String gateway, String token,
      String bootstrap) throws Refusal {
    out.println(clock.prefix() + "evaluating " + runId + " (policy version " + version + ") on " + qs.size() + " " + evalSplit
        + " questions through the gateway");
    DemoEvaluation.Outcome o = DemoEvaluation.run(policy, version, qs, runId, gateway, token, bootstrap, run.model.topK(),
        run.model.device(), n -> out.printf(Locale.ROOT, "%sevaluated %d/%d%n", clock.prefix(), n, qs.size()));
    out.printf(Locale.ROOT, "%s%s: EM %.3f  TC %.2f on %d %s questions%n", clock.prefix(), runId, o.em(), o.tc(), o.questions(), evalSplit);
  }

  /** Writes the default world to the default folder when there is none there; a given {@code --world} is never written. */
  private boolean writeDefaultWorldIfMissing() throws IOException {
    Path dir = platform.world;
    if (given("--world") || Files.exists(dir.resolve("world.json"))) {
      return false;
    }
    out.println("writing the default world to " + dir);
    WorldIo.write(WorldGenerator.generate(WorldConfig.defaults()), dir);
    return true;
  }

  boolean given(String option) {
    return spec.commandLine().getParseResult().hasMatchedOption(option);
  }

  private Supervisor.Listener quietListener(DemoClock clock) {
    return new Supervisor.Listener() {
      @Override
      public void starting(PartSpec part) {}

      @Override
      public void ready(PartSpec part, Duration took) {
        out.printf(Locale.ROOT, "%s%s ready on %s in %.1f s%n", clock.prefix(), part.name(), part.endpoint(), took.toMillis() / 1000.0);
      }

      @Override
      public void stopped(PartSpec part, Integer exitCode) {}
    };
  }

  /** A phase's body. */
  @FunctionalInterface
  private interface Body {
    void run() throws Refusal, IOException, InterruptedException;
  }

  private void phase(DemoClock clock, String name, Body body) throws Refusal, IOException, InterruptedException {
    clock.begin(name);
    body.run();
    double s = clock.end();
    if (s >= 1) {
      out.printf(Locale.ROOT, "%s%s: %s%n", clock.prefix(), name, Progress.duration(Math.round(s)));
    }
  }
}
