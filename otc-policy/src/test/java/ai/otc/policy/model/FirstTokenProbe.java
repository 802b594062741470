package ai.otc.policy.model;

import ai.djl.ndarray.NDScope;
import ai.otc.policy.artifact.PolicyArtifact;
import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.tools.InProcessTools;
import ai.otc.policy.world.*;
import java.nio.file.Path;

public class FirstTokenProbe {
  public static void main(String[] a) {
    World w = WorldGenerator.generate(WorldConfig.defaults());
    PolicyArtifact art = PolicyArtifact.load(Path.of(a[0]));
    WordTokenizer tk = art.tokenizer();
    TaskFormat f = new TaskFormat(tk, new InProcessTools(w.corpus()), 1);
    try (PolicyModel m = art.newModel("cpu")) {
      var ev = new ai.otc.policy.eval.Evaluator(m, f, 4, 3, 256);
      var qs = w.split(Split.TEST).stream().filter(q -> q.kind() == QuestionKind.P1).toList();
      var outs = ev.run(qs, ai.otc.policy.generation.SamplingConfig.sample(1f, 1f, 5), false);
      outs.stream().filter(o -> o.response().startsWith("<think>")).limit(10).forEach(o -> System.out.println(o.toolCalls() + " " + o.valid() + " | " + o.response()));
      System.out.println("think-first: " + outs.stream().filter(o -> o.response().startsWith("<think>")).count() + "/" + outs.size());
      for (String split : new String[]{"train", "test"}) {
        for (QuestionKind k : new QuestionKind[]{QuestionKind.P1, QuestionKind.N1, QuestionKind.H2_0, QuestionKind.EASY}) {
          double sum = 0; int n = 0;
          for (Question q : w.split(Split.fromLabel(split))) {
            if (q.kind() != k) continue;
            int[] p = tk.encode(f.prompt(q));
            try (NDScope s = new NDScope()) {
              float[] lg = m.forward(PolicyModel.ids(m.manager(), new int[][]{p}, p.length)).logits().toFloatArray();
              int V = tk.size(); int off = (p.length - 1) * V;
              double mx = -1e9; for (int j = 0; j < V; j++) mx = Math.max(mx, lg[off + j]);
              double z = 0; for (int j = 0; j < V; j++) z += Math.exp(lg[off + j] - mx);
              int t = k.task() == QuestionKind.Task.SEARCH ? tk.id("<think>") : tk.id("\\boxed{");
              sum += Math.exp(lg[off + t] - mx) / z; n++;
            }
            if (n >= 40) break;
          }
          System.out.printf("%s %s P(direct first)=%.3f%n", split, k.label(), sum / n);
        }
      }
    }
  }
}
