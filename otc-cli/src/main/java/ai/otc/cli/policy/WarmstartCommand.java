package ai.otc.cli.policy;

import ai.otc.cli.OtcSubcommand;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.eval.Acceptance;
import ai.otc.policy.eval.Evaluator;
import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.warmstart.WarmStartRunner;
import ai.otc.world.Split;
import ai.otc.world.World;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./otc warmstart}: supervised warm start of the policy, cached by (world, config), then the acceptance checks. */
@Command(name = "warmstart", mixinStandardHelpOptions = true,
    description = {"Warm-start the policy on the world (protocol, parametric facts, over-using behaviour), or reuse the",
        "cached artifact for the same world and config; then measure the acceptance targets on the test split."})
public final class WarmstartCommand implements OtcSubcommand {
  @Mixin WorldOptions world;
  @Mixin ModelOptions model;
  @Mixin WarmStartSteps warmSteps;

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "artifact cache (default ${DEFAULT-VALUE})")
  Path cacheDir = Path.of(".otc/policies");

  @Option(names = "--force", description = "retrain even if a cached artifact exists")
  boolean force;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "also copy the artifact here")
  Path out;

  @Option(names = "--no-check", description = "skip the acceptance measurements")
  boolean noCheck;

  @Option(names = "--samples", description = "temperature-1 samples per directly answerable test question (default ${DEFAULT-VALUE})")
  int samples = 4;

  @Override
  public Integer call() {
    try {
      model.applyThreads();
      World w = world.world();
      WarmStartRunner.Outcome o = WarmStartRunner.obtain(w, model.model(), model.warm(warmSteps.steps(), w), cacheDir, force, System.out);
      if (out != null) {
        if (out.getParent() != null) {
          Files.createDirectories(out.getParent());
        }
        Files.copy(o.artifact(), out, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("warmstart: copied to " + out);
      }
      System.out.println("artifact: " + o.artifact());
      if (noCheck) {
        return 0;
      }
      PolicyArtifact art = PolicyArtifact.load(o.artifact());
      try (PolicyModel m = art.newModel(model.device)) {
        TaskFormat f = new TaskFormat(art.tokenizer(), new InProcessTools(w.corpus()), model.topK);
        Evaluator ev = new Evaluator(m, f, 4, 3, 256);
        long t0 = System.nanoTime();
        Acceptance.Result r = Acceptance.measure(ev, w.split(Split.TEST), samples, 1);
        PolicyRun.printAcceptance(r);
        System.out.printf("acceptance measured in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        Path json = Path.of(o.artifact().toString().replaceAll("\\.zip$", "") + ".acceptance.json");
        PolicyRun.writeJson(json, r.toJson());
        System.out.println("wrote " + json);
      }
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("otc warmstart: " + e.getMessage());
      return 2;
    } catch (java.io.IOException e) {
      System.err.println("otc warmstart: " + e.getMessage());
      return 1;
    }
  }
}
