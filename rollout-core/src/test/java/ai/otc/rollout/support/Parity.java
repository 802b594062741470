package ai.otc.rollout.support;

import ai.otc.policy.eval.Evaluator;
import ai.otc.policy.eval.QuestionOutcome;
import ai.otc.policy.generation.SamplingConfig;
import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.tools.ToolBackend;
import ai.otc.proto.v1.Trajectory;
import ai.otc.rollout.sampling.GroupSampler;
import ai.otc.rollout.sampling.SamplerConfig;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Greedy evaluation two ways: in process ({@code policy-offline}'s {@link Evaluator} with a {@link ToolBackend} such
 * as {@code InProcessTools}), and the rollout's way ({@link GroupSampler}, G = 1, temperature 0) through another
 * backend (the gateway client); EM and TC per question kind, and how many responses are identical.
 */
public final class Parity {
  private Parity() {}

  /** One evaluation: per question, the response, the verdict and m. */
  public record Run(List<String> responses, boolean[] correct, int[] calls) {}

  /** EM and TC of one kind under two runs. */
  public record KindRow(String kind, int n, double emA, double tcA, double emB, double tcB) {
    public double emDiff() {
      return Math.abs(emA - emB);
    }

    public double tcDiff() {
      return Math.abs(tcA - tcB);
    }
  }

  /** Greedy evaluation in process: the Evaluator, all questions in one batch (4 searches, 3 programs, top-k 1). */
  public static Run evaluator(PolicyModel model, WordTokenizer tk, ToolBackend tools, List<Question> qs) {
    Evaluator ev = new Evaluator(model, new TaskFormat(tk, tools, 1), 4, 3, qs.size());
    List<QuestionOutcome> os = ev.run(qs, SamplingConfig.greedy(), false);
    List<String> responses = new ArrayList<>();
    boolean[] correct = new boolean[qs.size()];
    int[] calls = new int[qs.size()];
    for (int i = 0; i < qs.size(); i++) {
      responses.add(os.get(i).response());
      correct[i] = os.get(i).correct();
      calls[i] = os.get(i).toolCalls();
    }
    return new Run(responses, correct, calls);
  }

  /** Greedy evaluation the rollout's way: the sampler with G = 1 at temperature 0, all questions in one batch. */
  public static Run sampler(PolicyModel model, WordTokenizer tk, ToolBackend tools, List<Question> qs) {
    GroupSampler s = new GroupSampler(model, tk, tools, new SamplerConfig(1, 0f, 1f, 4, 3, 1, 0));
    List<Trajectory> ts = s.sample("parity", 0, 0, qs, 0).trajectories();
    List<String> responses = new ArrayList<>();
    boolean[] correct = new boolean[qs.size()];
    int[] calls = new int[qs.size()];
    for (int i = 0; i < qs.size(); i++) {
      responses.add(ts.get(i).getResponseText());
      correct[i] = ts.get(i).getCorrect();
      calls[i] = ts.get(i).getToolCallCount();
    }
    return new Run(responses, correct, calls);
  }

  /** EM and TC per kind (in the order of {@link QuestionKind}), kinds without questions left out, then "all". */
  public static List<KindRow> table(List<Question> qs, Run a, Run b) {
    Map<String, double[]> acc = new LinkedHashMap<>();
    for (QuestionKind k : QuestionKind.values()) {
      acc.put(k.label(), new double[5]);
    }
    acc.put("all", new double[5]);
    for (int i = 0; i < qs.size(); i++) {
      for (String key : new String[] {qs.get(i).kind().label(), "all"}) {
        double[] x = acc.get(key);
        x[0]++;
        x[1] += a.correct()[i] ? 1 : 0;
        x[2] += a.calls()[i];
        x[3] += b.correct()[i] ? 1 : 0;
        x[4] += b.calls()[i];
      }
    }
    List<KindRow> rows = new ArrayList<>();
    acc.forEach((k, x) -> {
      if (x[0] > 0) {
        rows.add(new KindRow(k, (int) x[0], x[1] / x[0], x[2] / x[0], x[3] / x[0], x[4] / x[0]));
      }
    });
    return rows;
  }

  /** Questions whose responses differ. */
  public static int differing(Run a, Run b) {
    int d = 0;
    for (int i = 0; i < a.responses().size(); i++) {
      d += a.responses().get(i).equals(b.responses().get(i)) ? 0 : 1;
    }
    return d;
  }

  /** A markdown table. */
  public static String markdown(List<KindRow> rows, String a, String b) {
    StringBuilder sb = new StringBuilder();
    sb.append("| kind | n | EM ").append(a).append(" | EM ").append(b).append(" | TC ").append(a).append(" | TC ")
        .append(b).append(" | |ΔEM| | |ΔTC| |\n|---|---|---|---|---|---|---|---|\n");
    for (KindRow r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f | %.3f |%n", r.kind(), r.n(),
          r.emA(), r.emB(), r.tcA(), r.tcB(), r.emDiff(), r.tcDiff()));
    }
    return sb.toString();
  }
}
