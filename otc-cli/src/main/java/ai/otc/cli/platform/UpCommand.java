package ai.otc.cli.platform;

import ai.otc.cli.OneLineUsageErrors;
import ai.otc.cli.OtcSubcommand;
import ai.otc.core.reward.RewardKind;
import ai.otc.platform.supervisor.PartSpec;
import ai.otc.platform.supervisor.Plan;
import ai.otc.platform.supervisor.PlatformState;
import ai.otc.platform.supervisor.PortTakenException;
import ai.otc.platform.supervisor.Supervisor;
import ai.otc.platform.supervisor.SupervisorDaemon;
import ai.otc.platform.supervisor.TopicSetup;
import ai.otc.world.World;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./otc up}: starts the platform on loopback, each part its own process, under a detached supervisor daemon
 * ({@code setsid}), waits until every part is ready, prints where each listens and returns. {@code ./otc down} stops it.
 */
@Command(name = "up", mixinStandardHelpOptions = true, sortOptions = false, abbreviateSynopsis = true,
    description = {"Start the platform on 127.0.0.1, each part its own process: the embedded KRaft",
        "broker (data in runs/platform/kafka; or --bootstrap), the tool gateway on the",
        "world's corpus, and for one run the reward, learner and rollout services (not",
        "with --no-run). Creates the contract's topics, waits until every part is ready,",
        "prints where each listens and returns; a detached supervisor keeps them running",
        "(state in runs/platform/state.json, logs in runs/platform/logs and runs/ID/logs)",
        "until ./otc down. Ports: 0 picks any free one.",
        PlatformExit.HELP_1, PlatformExit.HELP_2, PlatformExit.HELP_3, ""})
public final class UpCommand implements OtcSubcommand, OneLineUsageErrors {
  @Mixin PlatformOptions platform;
  @Mixin RunOptions run;

  @Option(names = "--reward", paramLabel = "R", description = "the run's reward: em, otc-grpo or otc-ppo (default ${DEFAULT-VALUE})")
  String reward = "otc-grpo";

  @Option(names = "--steps", paramLabel = "N", description = "the run's training steps; 0: until ./otc down (default ${DEFAULT-VALUE})")
  int steps = 0;

  @Option(names = "--no-run", description = "start only the broker and the gateway; runs come with ./otc train")
  boolean noRun;

  @Option(names = "--wait", paramLabel = "SECONDS", description = "how long to wait for the platform to be ready (default ${DEFAULT-VALUE})")
  int waitSeconds = 900;

  PrintStream out = System.out;
  PrintStream err = System.err;

  @Override
  public Integer call() throws Exception {
    try {
      return up();
    } catch (Refusal r) {
      err.println("otc up: " + r.getMessage());
      return r.exitCode();
    }
  }

  private int up() throws Refusal, IOException, InterruptedException {
    platform.validate();
    run.validate();
    String rewardLabel = rewardLabel(reward);
    if (steps < 0) {
      throw Refusal.usage("--steps must be >= 0 (0: until ./otc down), got " + steps);
    }
    Layout layout = platform.layout();
    Optional<PlatformState> existing = PlatformSupport.state(layout);
    if (existing.isPresent()) {
      PlatformState s = existing.get();
      if (s.supervisorAlive()) {
        throw Refusal.inTheWay("the platform is already up (supervisor pid " + s.supervisorPid() + ", state " + layout.stateFile()
            + "): stop it with ./otc down first");
      }
      PlatformSupport.stop(s, Duration.ofSeconds(20)); // leftovers of a supervisor that was killed
      Files.deleteIfExists(layout.stateFile());
    }
    Home home = Home.fromSystem();
    World world = PlatformSupport.world(platform.world);
    PlanBuilder parts = new PlanBuilder(home, platform.overrides());
    String token = PlatformSupport.newToken();
    List<PartSpec> specs = new ArrayList<>();
    Map<String, String> info = new LinkedHashMap<>();
    String bootstrap = platform.bootstrap;
    if (bootstrap == null) {
      int kafkaPort = PlanBuilder.port(platform.kafkaPort);
      bootstrap = "127.0.0.1:" + kafkaPort;
      specs.add(parts.broker(kafkaPort, layout.platform().resolve("kafka"), layout.platform().resolve("logs/kafka.log")));
    }
    PartSpec gateway = parts.gateway(PlanBuilder.port(platform.gatewayPort), platform.world, layout.platform().resolve("gateway"),
        bootstrap, token, layout.platform().resolve("logs/gateway.log"));
    specs.add(gateway);
    PlatformSupport.warnIfNoSandbox(err);
    info.put("bootstrap", bootstrap);
    info.put("gateway", gateway.endpoint());
    info.put("gateway_tenant", PlanBuilder.TENANT);
    info.put("token_file", layout.tokenFile().toAbsolutePath().toString());
    info.put("world", platform.world.toAbsolutePath().normalize().toString());
    RunConfig rc = null;
    Layout.Run runDir = null;
    if (!noRun) {
      String runId = run.runIdOr(rewardLabel);
      runDir = layout.run(runId);
      if (Files.exists(runDir.dir())) {
        throw Refusal.usage("run " + runId + " exists already (" + runDir.dir() + "): choose another --run-id or remove that folder");
      }
      checkPorts(specs); // before a warm start that may take minutes
      Path policy = PlatformSupport.initialPolicy(run, world, out);
      rc = new RunConfig(runId, rewardLabel, steps, run.seed, run.groupSize, run.questionsPerStep, run.staleness,
          platform.world.toAbsolutePath().normalize(), world.fingerprint(), policy, run.model.topK(), run.model.device(),
          run.model.threads());
      java.net.URI store = runDir.policies().toAbsolutePath().toUri();
      specs.add(parts.reward(rc, PlanBuilder.port(orDefault(platform.rewardPort, PlatformOptions.REWARD_PORT)), bootstrap,
          runDir.log("reward")));
      specs.add(parts.learner(rc, PlanBuilder.port(orDefault(platform.learnerPort, PlatformOptions.LEARNER_PORT)), bootstrap, store,
          runDir.checkpoint(), runDir.log("learner")));
      specs.add(parts.rollout(rc, PlanBuilder.port(orDefault(platform.rolloutPort, PlatformOptions.ROLLOUT_PORT)), bootstrap,
          gateway.endpoint(), token, store, runDir.log("rollout")));
      info.put("run_id", runId);
      info.put("run_dir", runDir.dir().toAbsolutePath().toString());
    }
    Plan plan = new Plan(specs, new TopicSetup(bootstrap, 1, rc == null ? List.of() : List.of(rc.rewardApplicationId())),
        layout.stateFile().toAbsolutePath(), info);
    checkPorts(specs);
    if (rc != null) {
      Map<String, Object> partsJson = new LinkedHashMap<>();
      for (PartSpec s : specs) {
        partsJson.put(s.name(), Map.of("endpoint", s.endpoint(), "log", s.log().toString()));
      }
      PlatformSupport.writeJson(runDir.config(), rc.toJson(partsJson));
    }
    PlatformSupport.writeToken(layout.tokenFile(), token);
    plan.write(layout.planFile());
    return startDaemon(layout, plan, rc);
  }

  private int startDaemon(Layout layout, Plan plan, RunConfig rc) throws Refusal, IOException, InterruptedException {
    Path log = layout.supervisorLog();
    Files.createDirectories(log.getParent());
    List<String> cmd = List.of("setsid", Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
        "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dslf4j.internal.verbosity=ERROR", "-cp", System.getProperty("java.class.path"),
        SupervisorDaemon.class.getName(), layout.planFile().toAbsolutePath().toString());
    Process daemon;
    try {
      daemon = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    } catch (IOException e) {
      throw Refusal.failed("cannot start the supervisor (" + e.getMessage() + "): is setsid (util-linux) installed?");
    }
    // Ctrl-C while waiting: the daemon is in its own session, so stop it here, or it would carry on alone.
    Thread abort = new Thread(() -> {
      daemon.destroy();
      try {
        daemon.waitFor(90, java.util.concurrent.TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "otc-up-abort");
    Runtime.getRuntime().addShutdownHook(abort);
    out.println("starting " + plan.parts().size() + " parts under a supervisor (pid " + daemon.pid() + ", log "
        + PlatformSupport.relative(log, Path.of("")) + ")...");
    long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
    while (true) {
      Optional<PlatformState> s = PlatformSupport.state(layout).filter(x -> x.supervisorPid() == daemon.pid());
      if (s.isPresent() && (PlatformState.READY.equals(s.get().status()))) {
        Runtime.getRuntime().removeShutdownHook(abort);
        printReady(layout, s.get(), rc);
        return PlatformExit.OK;
      }
      if (s.isPresent() && PlatformState.FAILED.equals(s.get().status())) {
        daemon.waitFor(90, java.util.concurrent.TimeUnit.SECONDS);
        Runtime.getRuntime().removeShutdownHook(abort);
        Files.deleteIfExists(layout.stateFile());
        err.println("otc up: " + s.get().error());
        return daemon.isAlive() ? PlatformExit.FAILED : (daemon.exitValue() == PlatformExit.REFUSED ? PlatformExit.REFUSED : PlatformExit.FAILED);
      }
      if (!daemon.isAlive()) {
        Runtime.getRuntime().removeShutdownHook(abort);
        err.println("otc up: the supervisor exited with " + daemon.exitValue() + " before the platform was ready; its log " + log
            + " ends:\n" + tail(log, 30));
        return PlatformExit.FAILED;
      }
      if (System.nanoTime() > deadline) {
        Runtime.getRuntime().removeShutdownHook(abort);
        abort.run();
        err.println("otc up: the platform was not ready within " + waitSeconds + " s (--wait); stopped it; see the logs in "
            + layout.platform().resolve("logs"));
        return PlatformExit.FAILED;
      }
      Thread.sleep(200);
    }
  }

  private void printReady(Layout layout, PlatformState s, RunConfig rc) {
    out.println("platform up (supervisor pid " + s.supervisorPid() + ", state " + PlatformSupport.relative(layout.stateFile(), Path.of(""))
        + "):");
    PlatformSupport.printParts(out, s.parts(), Path.of(""));
    out.println("kafka: " + s.info().get("bootstrap") + "; gateway: " + s.info().get("gateway") + " (tenant " + PlanBuilder.TENANT
        + ", token in " + PlatformSupport.relative(layout.tokenFile(), Path.of("")) + ")");
    if (rc != null) {
      out.println("run " + rc.runId() + ": reward " + rc.reward() + " (" + rc.algorithm() + "), "
          + (rc.steps() == 0 ? "until ./otc down" : rc.steps() + " steps") + "; metrics on otc.metrics.v1 (key " + rc.runId() + ")");
    }
    out.println("stop it with ./otc down");
  }

  /** Refuses when a port of {@code specs} is taken, naming it, its holder and the flag. */
  static void checkPorts(List<PartSpec> specs) throws Refusal {
    try {
      Supervisor.checkPorts(new Plan(specs, null, null, Map.of()));
    } catch (PortTakenException e) {
      throw PlatformSupport.portTaken(e);
    }
  }

  static String rewardLabel(String reward) throws Refusal {
    try {
      return RewardKind.parse(reward).cliName();
    } catch (IllegalArgumentException e) {
      throw Refusal.usage("--reward: " + e.getMessage());
    }
  }

  private static int orDefault(Integer port, int dflt) {
    return port == null ? dflt : port;
  }

  static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }
}
