package ai.otc.cli.policy;

import ai.otc.cli.OtcSubcommand;
import ai.otc.policy.eval.Acceptance;
import ai.otc.policy.eval.EvalReport;
import ai.otc.policy.eval.Evaluator;
import ai.otc.policy.generation.SamplingConfig;
import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.policy.offline.tools.Bm25Tools;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.tools.ToolBackend;
import ai.otc.policy.warmstart.WarmStartCache;
import ai.otc.world.Question;
import ai.otc.world.Split;
import ai.otc.world.World;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./otc eval}: greedy (or sampled) evaluation of a policy artifact on a split, EM / TC / TP tables and JSON. */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = {"Evaluate a policy on a world split through the real tool protocol: EM, TC and TP overall, per data",
        "source and per question kind, printed as the paper's tables and written as JSON (+ per-question JSONL)."})
public final class EvalCommand implements OtcSubcommand {
  @Mixin WorldOptions world;
  @Mixin ModelOptions model;
  @Mixin WarmStartSteps warmSteps;

  @Option(names = "--policy", paramLabel = "FILE", description = "policy artifact (default: the cached warm start for the world and the model/warm-start flags)")
  Path policy;

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "artifact cache (default ${DEFAULT-VALUE})")
  Path cacheDir = Path.of(".otc/policies");

  @Option(names = "--split", description = "train, dev or test (default ${DEFAULT-VALUE})")
  String split = "test";

  @Option(names = "--temperature", description = "0 = greedy (default ${DEFAULT-VALUE})")
  float temperature = 0f;

  @Option(names = "--top-p", description = "nucleus for sampling (default ${DEFAULT-VALUE})")
  float topP = 1f;

  @Option(names = "--seed", description = "sampling seed (default ${DEFAULT-VALUE})")
  long seed = 0;

  @Option(names = "--forced-recall", description = "start with <think> and forbid tool calls (parametric recall path)")
  boolean forcedRecall;

  @Option(names = "--max-turns", description = "executed searches per question (default ${DEFAULT-VALUE})")
  int maxTurns = 4;

  @Option(names = "--max-code-calls", description = "executed programs per question, C (default ${DEFAULT-VALUE})")
  int maxCodeCalls = 3;

  @Option(names = "--batch-size", description = "questions decoded together (default ${DEFAULT-VALUE})")
  int batchSize = 256;

  @Option(names = "--acceptance", description = "run the warm-start acceptance measurements instead")
  boolean acceptance;

  @Option(names = "--tools", description = "in-process (exact-name search + arithmetic) or bm25 (otc-tools Lucene index of the world's corpus.jsonl; needs --world) (default ${DEFAULT-VALUE})")
  String tools = "in-process";

  @Option(names = "--index-dir", paramLabel = "DIR", description = "BM25 index directory (default: WORLD/bm25-index)")
  Path indexDir;

  @Option(names = "--label", description = "row label in the tables (default: the artifact name)")
  String label;

  @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "JSON summary (default ${DEFAULT-VALUE}); per-question rows go to FILE with .jsonl")
  Path out = Path.of("runs/eval/eval.json");

  @Override
  public Integer call() {
    try {
      model.applyThreads();
      World w = world.world();
      Path file = policy;
      if (file == null) {
        WordTokenizer tk = WorldTasks.tokenizer(model.observationTag);
        ModelConfig t = model.model();
        ModelConfig mc = new ModelConfig(tk.size(), t.dModel(), t.layers(), t.heads(), t.ffDim(), t.context(), t.valueHead(),
            t.device(), t.seed());
        file = new WarmStartCache(cacheDir).path(w, mc, model.warm(warmSteps.steps(), w));
        if (!file.toFile().isFile()) {
          System.err.println("otc eval: no cached warm start for this world and config at " + file
              + "; run ./otc warmstart with the same flags first, or pass --policy FILE");
          return 2;
        }
      }
      PolicyArtifact art = PolicyArtifact.load(file);
      String name = label != null ? label : file.getFileName().toString().replaceAll("\\.zip$", "");
      List<Question> qs = w.split(Split.fromLabel(split));
      try (PolicyModel m = art.newModel(model.device); ToolBackend backend = toolBackend(w)) {
        TaskFormat f = new TaskFormat(art.tokenizer(), backend, model.topK);
        Evaluator ev = new Evaluator(m, f, maxTurns, maxCodeCalls, batchSize);
        long t0 = System.nanoTime();
        if (acceptance) {
          Acceptance.Result r = Acceptance.measure(ev, qs, 4, seed + 1);
          PolicyRun.printAcceptance(r);
          PolicyRun.writeJson(out, r.toJson());
        } else {
          EvalReport r = new EvalReport(name, ev.run(qs, new SamplingConfig(temperature, topP, seed), forcedRecall));
          PolicyRun.printReport(r);
          Map<String, Object> j = new LinkedHashMap<>();
          j.put("policy", file.toString());
          j.put("policy_version", art.policyVersion());
          j.put("weights_sha256", art.checksum());
          j.put("world_fingerprint", w.fingerprint());
          j.put("split", split);
          j.put("temperature", temperature);
          j.put("forced_recall", forcedRecall);
          j.put("tools", f.tools().name());
          j.putAll(r.toJson());
          PolicyRun.writeJson(out, j);
          PolicyRun.writeJsonl(Path.of(out.toString().replaceAll("\\.json$", "") + ".jsonl"), r.perQuestion());
        }
        System.out.printf("evaluated %d questions in %.1f s; wrote %s%n", qs.size(), (System.nanoTime() - t0) / 1e9, out);
      }
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("otc eval: " + e.getMessage());
      return 2;
    }
  }

  /** The tools the rollouts call: the in-process tools of the world, or otc-tools' BM25 index of its corpus.jsonl. */
  private ToolBackend toolBackend(World w) {
    return switch (tools) {
      case "in-process" -> new InProcessTools(w.corpus());
      case "bm25" -> {
        if (world.worldDir == null) {
          throw new IllegalArgumentException("--tools bm25 needs --world DIR (it indexes DIR/corpus.jsonl)");
        }
        yield Bm25Tools.open(world.worldDir.resolve("corpus.jsonl"),
            indexDir != null ? indexDir : world.worldDir.resolve("bm25-index"));
      }
      default -> throw new IllegalArgumentException("--tools must be in-process or bm25, got " + tools);
    };
  }
}
