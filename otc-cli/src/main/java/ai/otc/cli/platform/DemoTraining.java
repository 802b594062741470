package ai.otc.cli.platform;

import ai.otc.platform.supervisor.PartSpec;
import ai.otc.platform.supervisor.Plan;
import ai.otc.platform.supervisor.Supervisor;
import ai.otc.platform.supervisor.TopicSetup;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * The training runs of one demo seed, side by side: every run's reward, learner and rollout services start together
 * (one wait for cold JVMs instead of one per run), each run is followed by its own {@link RunWatch} (progress lines,
 * {@code metrics.jsonl}, the verified final {@code policy.zip}), and all of them are stopped when the last run ends,
 * when one fails, or on Ctrl-C.
 */
final class DemoTraining {
  private final PrintStream out;
  private final PlatformOptions platform;
  private final PlanBuilder parts;
  private final DemoClock clock;
  private final BooleanSupplier interrupted;

  DemoTraining(PrintStream out, PlatformOptions platform, PlanBuilder parts, DemoClock clock, BooleanSupplier interrupted) {
    this.out = out;
    this.platform = platform;
    this.parts = parts;
    this.clock = clock;
    this.interrupted = interrupted;
  }

  /** Trains {@code runs} to their last step; returns the exit code (the first failing run's refusal is thrown). */
  int train(List<RunConfig> runs, Path demoDir, String bootstrap, String gateway, String token, List<Supervisor> running)
      throws Refusal, IOException, InterruptedException {
    List<PartSpec> specs = new ArrayList<>();
    List<String> appIds = new ArrayList<>();
    for (RunConfig rc : runs) {
      Layout.Run dir = new Layout(demoDir).run(rc.runId());
      Files.createDirectories(dir.dir());
      URI store = dir.policies().toAbsolutePath().toUri();
      List<PartSpec> own = List.of(
          named(parts.reward(rc, PlanBuilder.port(0), bootstrap, dir.log("reward")), rc),
          named(parts.learner(rc, PlanBuilder.port(0), bootstrap, store, dir.checkpoint(), dir.log("learner")), rc),
          named(parts.rollout(rc, PlanBuilder.port(0), bootstrap, gateway, token, store, dir.log("rollout")), rc));
      Map<String, Object> partsJson = new LinkedHashMap<>();
      for (PartSpec s : own) {
        partsJson.put(s.name(), Map.of("endpoint", s.endpoint(), "log", s.log().toString()));
      }
      PlatformSupport.writeJson(dir.config(), rc.toJson(partsJson));
      specs.addAll(own);
      appIds.add(rc.rewardApplicationId());
    }
    Supervisor sup = new Supervisor(new Plan(specs, new TopicSetup(bootstrap, 1, appIds), null, Map.of("run_id", runs.get(0).runId())),
        new Supervisor.Listener() {}, Duration.ofSeconds(platform.readyTimeout), Supervisor.DEFAULT_STOP_GRACE);
    running.add(sup);
    ExecutorService pool = Executors.newFixedThreadPool(runs.size(), r -> {
      Thread t = new Thread(r, "otc-demo-follow");
      t.setDaemon(true);
      return t;
    });
    try {
      for (String app : appIds) {
        RunStartOffsets.pinToEnd(bootstrap, app);
      }
      out.println(clock.prefix() + "starting " + specs.size() + " services for " + runs.size() + " runs: "
          + String.join(", ", runs.stream().map(RunConfig::runId).toList()));
      long t0 = System.nanoTime();
      PlatformSupport.start(sup);
      out.printf(Locale.ROOT, "%sthe runs' services are ready in %.1f s%n", clock.prefix(), (System.nanoTime() - t0) / 1e9);
      // the phase's time left: the slowest run's steps left at its own pace since the services were ready
      long ready = System.nanoTime();
      java.util.concurrent.ConcurrentHashMap<String, Long> done = new java.util.concurrent.ConcurrentHashMap<>();
      clock.currentLeft(() -> {
        double left = Double.NaN;
        for (RunConfig rc : runs) {
          long d = done.getOrDefault(rc.runId(), 0L);
          if (d == 0) {
            return Double.NaN;
          }
          double perStep = (System.nanoTime() - ready) / 1e9 / d;
          double l = perStep * (rc.steps() - d);
          left = Double.isNaN(left) ? l : Math.max(left, l);
        }
        return left;
      });
      List<Future<Integer>> follows = new ArrayList<>();
      for (RunConfig rc : runs) {
        Layout.Run dir = new Layout(demoDir).run(rc.runId());
        TrainCommand.writeProcesses(dir, sup);
        String label = String.format(Locale.ROOT, "%s s%d ", rc.reward(), rc.seed());
        RunWatch watch = new RunWatch(out, rc.runId(), rc.steps(), dir, platform.world, interrupted, () -> clock.prefix() + label)
            .onStep(step -> done.put(rc.runId(), step));
        follows.add(pool.submit(() -> watch.follow(bootstrap, sup::exited)));
      }
      int exit = PlatformExit.OK;
      for (Future<Integer> f : follows) {
        int e = await(f);
        exit = exit == PlatformExit.OK ? e : exit;
      }
      return exit;
    } finally {
      pool.shutdownNow();
      sup.stop();
      running.remove(sup);
    }
  }

  private static int await(Future<Integer> f) throws Refusal, IOException, InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      if (c instanceof Refusal r) {
        throw r;
      }
      if (c instanceof IOException io) {
        throw io;
      }
      if (c instanceof InterruptedException ie) {
        throw ie;
      }
      throw new IllegalStateException("following a run failed: " + c, c);
    }
  }

  /** The part named after its run ({@code rollout-otc-grpo}), so the supervisor's messages say which run's it is. */
  private static PartSpec named(PartSpec p, RunConfig rc) {
    return new PartSpec(p.name() + "-" + rc.reward(), p.kind(), p.port(), p.stage(), p.jar(), p.jvmOptions(), p.properties(), p.env(),
        p.log(), p.dataDir(), p.classPath());
  }
}
