package ai.otc.loop;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.SequenceScorer;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.warmstart.Demonstrations;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import ai.otc.world.World;
import ai.otc.world.WorldIo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The policy's second decision on two-hop questions, measured exactly: after {@code <think> the friend of X is F} (X
 * famous), the probability of {@code .}, i.e. of recalling F's attribute as well instead of closing the recall to
 * search F. Right on 2h0 (F famous), a guess on 2h1 (F not famous). Where the first decision is {@link DecisionProbe}'s,
 * this one is inside the {@code <think>}.
 *
 * <p>{@code java -cp ... ai.otc.loop.SecondDecisionProbe WORLD_DIR POLICY.zip...} prints one line per policy.
 */
public final class SecondDecisionProbe {
  private SecondDecisionProbe() {}

  /**
   * The prefix that ends right after the recalled friend's name, for a two-hop question with a famous subject: the
   * minimal-style demonstration up to the token that follows the friend's name (excluded).
   */
  static int[] prefix(Demonstrations demos, WordTokenizer tk, Question q) {
    int[] t = demos.demo(q, true).tokens();
    int think = tk.id(WordTokenizer.THINK);
    int end = tk.id(WordTokenizer.THINK_END);
    int dot = tk.id(".");
    int s = 0;
    while (t[s] != think) {
      s++;
    }
    int i = s;
    while (t[i] != dot && t[i] != end) {
      i++;
    }
    return Arrays.copyOf(t, i);
  }

  /** Mean p({@code .}) after the recalled friend, per kind (2h0, 2h1), over {@code questions} with a famous subject. */
  public static Map<String, Double> recallOn(PolicyModel model, World world, WordTokenizer tk, List<Question> questions) {
    Demonstrations demos = new Demonstrations(world, new TaskFormat(tk, new InProcessTools(world.corpus()), 1));
    int dot = tk.id(".");
    Map<String, Double> out = new LinkedHashMap<>();
    for (QuestionKind kind : List.of(QuestionKind.H2_0, QuestionKind.H2_1)) {
      List<int[]> rows = new ArrayList<>();
      for (Question q : questions) {
        if (q.kind() == kind && world.entity(q.subject()).famous()) {
          int[] p = prefix(demos, tk, q);
          int[] row = Arrays.copyOf(p, p.length + 1);
          row[p.length] = dot;
          rows.add(row);
        }
      }
      if (rows.isEmpty()) {
        continue;
      }
      float[][] lp = SequenceScorer.logProbs(model, rows, 1f);
      double sum = 0;
      for (float[] l : lp) {
        sum += Math.exp(l[l.length - 1]);
      }
      out.put(kind.label(), sum / rows.size());
    }
    return out;
  }

  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: SecondDecisionProbe WORLD_DIR POLICY.zip...");
      System.exit(2);
    }
    World world = WorldIo.read(Path.of(args[0]));
    for (int i = 1; i < args.length; i++) {
      PolicyArtifact art = PolicyArtifact.load(Path.of(args[i]));
      StringBuilder line = new StringBuilder(args[i] + ":");
      try (PolicyModel m = art.newModel("cpu")) {
        for (String split : List.of("train", "test")) {
          List<Question> qs = world.questions().stream().filter(q -> split.equals(q.split())).toList();
          recallOn(m, world, art.tokenizer(), qs).forEach((k, p) -> line.append(String.format(Locale.ROOT,
              "  %s %s p(recall the friend's attribute) %.3f", split, k, p)));
        }
      }
      System.out.println(line);
    }
  }
}
