package ai.otc.policy.model;

import ai.otc.policy.artifact.PolicyArtifact;
import ai.otc.policy.eval.Acceptance;
import ai.otc.policy.eval.Evaluator;
import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.tools.InProcessTools;
import ai.otc.policy.warmstart.WarmStartConfig;
import ai.otc.policy.warmstart.WarmStartRunner;
import ai.otc.policy.world.*;
import java.nio.file.Path;

/** Manual probe: warm start on the default world, then acceptance on test. */
public class WarmProbe {
  public static void main(String[] a) {
    World w = WorldGenerator.generate(WorldConfig.defaults());
    WarmStartConfig wc = WarmStartConfig.defaults().withSteps(Integer.parseInt(a[0]));
    var out = WarmStartRunner.obtain(w, ModelConfig.defaults(0).withDevice("cpu"), wc, Path.of("/tmp/policy-cache"), a.length > 1, System.out);
    PolicyArtifact art = PolicyArtifact.load(out.artifact());
    try (PolicyModel m = art.newModel("cpu")) {
      TaskFormat f = new TaskFormat(art.tokenizer(), new InProcessTools(w.corpus()), 1);
      Evaluator ev = new Evaluator(m, f, 4, 3, 256);
      long t0 = System.nanoTime();
      var r = Acceptance.measure(ev, w.split(Split.TEST), 4, 1);
      System.out.println(r.greedy().table());
      System.out.println(r.forced().table());
      System.out.println(r.table());
      System.out.printf("eval %.1fs%n", (System.nanoTime() - t0) / 1e9);
      r.greedy().outcomes().stream().filter(o -> !o.correct() || !o.valid()).limit(8).forEach(o -> System.out.println(o.question().question() + " | " + o.question().answer() + " | " + o.response()));
      r.forced().outcomes().stream().filter(o -> !o.correct()).limit(8).forEach(o -> System.out.println("F " + o.question().question() + " | " + o.question().answer() + " | " + o.response()));
    }
  }
}
