package ai.otc.policy.warmstart;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.warmstart.WarmStartCache;
import ai.otc.world.World;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Produces the warm-started policy for (world, model config, warm-start config): reuses the cached artifact when one
 * exists, otherwise trains, saves it under the cache key and returns it.
 */
public final class WarmStartRunner {
  private WarmStartRunner() {}

  /** What {@link #obtain} did. */
  public record Outcome(Path artifact, boolean cached, WarmStart.Result training) {}

  /**
   * @param modelTemplate sizes and device; the vocabulary size is set from the world tokenizer
   * @param force         retrain even when a cached artifact exists
   */
  public static Outcome obtain(World world, ModelConfig modelTemplate, WarmStartConfig warm, Path cacheDir, boolean force,
      PrintStream log) {
    WordTokenizer tk = WorldTasks.tokenizer(warm.observationTag());
    ModelConfig mc = new ModelConfig(tk.size(), modelTemplate.dModel(), modelTemplate.layers(), modelTemplate.heads(),
        modelTemplate.ffDim(), modelTemplate.context(), modelTemplate.valueHead(), modelTemplate.device(), modelTemplate.seed());
    Path file = new WarmStartCache(cacheDir).path(world, mc, warm);
    if (log != null) {
      log.println("warmstart: " + seeds(world, mc, warm));
    }
    if (!force && Files.isRegularFile(file)) {
      PolicyArtifact cached = PolicyArtifact.load(file); // verifies the checksum before we report a cache hit
      if (log != null) {
        Map<String, Object> p = cached.provenance();
        log.println("warmstart: reusing cached policy " + file + (p.containsKey("cpu_vector_extensions")
            ? " (trained with " + p.get("engine_threads") + " engine threads on " + p.get("cpu_model") + ")" : ""));
        String note = machineDifference(p, MachineFacts.current());
        if (note != null) {
          log.println("warmstart: note: " + note);
        }
      }
      return new Outcome(file, true, null);
    }
    TaskFormat format = new TaskFormat(tk, new InProcessTools(world.corpus()), warm.topK());
    try (PolicyModel model = new PolicyModel(mc)) {
      String loadBefore = loadAverage();
      if (log != null) {
        log.printf(Locale.ROOT, "warmstart: world %s, %d parameters on %s, %d steps x %d sequences; %d CPUs, load average %s%n",
            world.fingerprint(), mc.parameterCount(), model.device(), warm.steps(), warm.batchSize(),
            java.lang.Runtime.getRuntime().availableProcessors(), loadBefore);
        log.printf(Locale.ROOT, "warmstart: rows: %.1f %% copy drills, %.1f %% facts, %.1f %% decisions, %.1f %% demonstrations"
                + " (%d entities, %d famous; decision rows are scaled above %d entities: --[no-]decision-scaling, fact rows"
                + " above %d famous: --[no-]fact-scaling)%n", 100 * warm.drillShare(),
            100 * warm.factShare(), 100 * warm.decisionShare(),
            100 * (1 - warm.drillShare() - warm.factShare() - warm.decisionShare()), world.entities().size(),
            world.famous().size(),
            WarmStartConfig.DECISION_REFERENCE_ENTITIES, WarmStartConfig.FACT_REFERENCE_FAMOUS);
      }
      WarmStart.Result r = new WarmStart(world, format, warm).train(model, log, 5.0);
      Map<String, Object> prov = new LinkedHashMap<>();
      prov.put("stage", "warmstart");
      prov.put("world_fingerprint", world.fingerprint());
      prov.put("world_config", world.config().canonical());
      prov.put("warmstart_config", warm.canonical());
      prov.put("train_steps", r.steps());
      prov.put("copy_gate_steps", r.copyGateSteps());
      prov.put("train_seconds", r.seconds());
      prov.put("train_tokens_per_second", r.tokensPerSecond());
      prov.put("final_loss", r.finalLoss());
      prov.put("model_seed", mc.seed());
      prov.put("warmstart_seed", warm.seed());
      prov.put("world_seed", world.config().seed());
      prov.putAll(MachineFacts.current());
      prov.put("load_average_before", loadBefore);
      prov.put("load_average_after", loadAverage());
      PolicyArtifact.of(model, tk, 0, prov).save(file);
      if (log != null) {
        log.printf(Locale.ROOT, "warmstart: done in %.1f s, %d steps%s (%.0f tok/s; load average %s), saved %s%n", r.seconds(),
            r.steps(), r.copyGateSteps() > 0 ? " of which " + r.copyGateSteps() + " the copy gate's (--copy-until)" : "",
            r.tokensPerSecond(), loadAverage(), file);
      }
      return new Outcome(file, false, r);
    }
  }

  /**
   * Why a cached artifact may differ from what this process would train with the same flags (the engine's thread count
   * or the CPU's vector extensions: both change the order of libtorch's reductions, and on a knife-edge world that can
   * change what the warm start learns), or null when neither differs or the artifact does not record them.
   */
  static String machineDifference(Map<String, Object> provenance, Map<String, Object> here) {
    List<String> diffs = new ArrayList<>();
    for (String key : List.of("engine_threads", "cpu_vector_extensions")) {
      Object then = provenance.get(key);
      Object now = here.get(key);
      if (then != null && now != null && !"?".equals(String.valueOf(now)) && !String.valueOf(then).equals(String.valueOf(now))) {
        diffs.add(key.replace('_', ' ') + " " + then + " there, " + now + " here");
      }
    }
    return diffs.isEmpty() ? null : "the cached artifact was trained on other numerics (" + String.join("; ", diffs)
        + "); the same flags here need not give the same weights: --force retrains it here";
  }

  /** The seeds a run uses, as {@code ./otc warmstart} prints them (the flags that change them in brackets). */
  static String seeds(World world, ModelConfig mc, WarmStartConfig warm) {
    return String.format(Locale.ROOT, "seeds: model %d (--model-seed), demonstrations %d (--warm-seed), world %d (--world-seed)",
        mc.seed(), warm.seed(), world.config().seed());
  }

  /** The 1/5/15-minute load averages from /proc/loadavg ("?" where there is none): the speed depends on them. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (java.io.IOException | RuntimeException e) {
      return "?";
    }
  }
}
