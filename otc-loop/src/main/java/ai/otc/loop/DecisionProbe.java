package ai.otc.loop;

import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.SequenceScorer;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.rollout.sampling.WorldPrompts;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The policy's first decision, measured exactly instead of sampled: for each question, the probability that the first
 * generated token starts a direct answer ({@code <think>} or {@code <answer>} on a search question, {@code \boxed{}}
 * on a code question) rather than a tool call, averaged per question kind. This is the quantity OTC moves (a direct
 * answer is a 0-call trajectory), free of sampling noise, so a few steps of training show their direction.
 */
public final class DecisionProbe {
  private final List<Question> questions;
  private final WordTokenizer tokenizer;

  /** Probes {@code questions} (e.g. up to 40 train questions per kind). */
  public DecisionProbe(List<Question> questions, WordTokenizer tokenizer) {
    this.questions = List.copyOf(questions);
    this.tokenizer = tokenizer;
  }

  /** Up to {@code perKind} questions of every kind, in list order. */
  public static List<Question> sample(List<Question> all, int perKind) {
    Map<QuestionKind, Integer> seen = new TreeMap<>();
    List<Question> out = new ArrayList<>();
    for (Question q : all) {
      if (seen.merge(q.kind(), 1, Integer::sum) <= perKind) {
        out.add(q);
      }
    }
    return out;
  }

  /** Mean probability of a direct first action per kind label, at temperature 1. */
  public Map<String, Double> directProbability(PolicyModel model) {
    TaskFormat format = new TaskFormat(tokenizer, null, 1);
    int[] searchDirect = {tokenizer.id(WordTokenizer.THINK), tokenizer.id(WordTokenizer.ANSWER)};
    int[] codeDirect = {tokenizer.id(WordTokenizer.BOXED)};
    List<int[]> rows = new ArrayList<>();
    List<int[]> candidates = new ArrayList<>();
    for (Question q : questions) {
      int[] prompt = tokenizer.encode(WorldPrompts.prompt(format, q));
      int[] direct = q.kind().task() == QuestionKind.Task.SEARCH ? searchDirect : codeDirect;
      for (int d : direct) {
        int[] row = java.util.Arrays.copyOf(prompt, prompt.length + 1);
        row[prompt.length] = d;
        rows.add(row);
      }
      candidates.add(direct);
    }
    float[][] lps = SequenceScorer.logProbs(model, rows, 1f);
    Map<String, double[]> acc = new TreeMap<>();
    int r = 0;
    for (int i = 0; i < questions.size(); i++) {
      double p = 0;
      for (int k = 0; k < candidates.get(i).length; k++, r++) {
        float[] lp = lps[r];
        p += Math.exp(lp[lp.length - 1]);
      }
      double[] a = acc.computeIfAbsent(questions.get(i).kind().label(), x -> new double[2]);
      a[0] += p;
      a[1]++;
    }
    Map<String, Double> out = new TreeMap<>();
    acc.forEach((k, a) -> out.put(k, a[0] / a[1]));
    return out;
  }
}
