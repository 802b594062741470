package ai.otc.policy.eval;

import ai.otc.policy.generation.AnswerScoring;
import ai.otc.policy.generation.Generator;
import ai.otc.policy.generation.ProtocolEnvironment;
import ai.otc.policy.generation.Rollout;
import ai.otc.policy.generation.SamplingConfig;
import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.generation.ToolProtocol;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs the policy on questions through the real tool protocol and scores the answers with {@link AnswerScoring}: the
 * project's EM on the response's {@code <answer>} (Search-R1 rules) or, for code questions, ToRL's {@code \boxed{}}
 * equivalence. The rollout service's sampler judges with the same class.
 */
public final class Evaluator {
  private final PolicyModel model;
  private final TaskFormat format;
  private final int maxTurns;
  private final int maxCodeCalls;
  private final int batchSize;
  private final Generator generator;

  /**
   * @param maxTurns     executed searches per question (Search-R1 / OTC: 4)
   * @param maxCodeCalls executed programs per question (OTC: 3)
   * @param batchSize    questions decoded together
   */
  public Evaluator(PolicyModel model, TaskFormat format, int maxTurns, int maxCodeCalls, int batchSize) {
    this.model = model;
    this.format = format;
    this.maxTurns = maxTurns;
    this.maxCodeCalls = maxCodeCalls;
    this.batchSize = batchSize;
    WordTokenizer tk = format.tokenizer();
    this.generator = new Generator(model, ProtocolEnvironment.stopTokens(tk), tk.id(WordTokenizer.EOS));
  }

  /**
   * One rollout per question.
   *
   * @param forceRecall start search answers with {@code <think>} and forbid {@code <search>}; forbid
   *                    {@code ```python} for code questions: the answer must come from parametric knowledge
   */
  public List<QuestionOutcome> run(List<Question> questions, SamplingConfig sampling, boolean forceRecall) {
    WordTokenizer tk = format.tokenizer();
    Set<Integer> banned = new HashSet<>();
    if (forceRecall) {
      banned.add(tk.id(WordTokenizer.SEARCH));
      banned.add(tk.id(WordTokenizer.PYTHON));
    }
    List<QuestionOutcome> out = new ArrayList<>();
    for (int from = 0; from < questions.size(); from += batchSize) {
      List<Question> batch = questions.subList(from, Math.min(questions.size(), from + batchSize));
      List<int[]> prompts = new ArrayList<>();
      List<ToolProtocol> tasks = new ArrayList<>();
      for (Question q : batch) {
        String p = WorldTasks.prompt(format, q);
        if (forceRecall && q.kind().task() == QuestionKind.Task.SEARCH) {
          p += " " + WordTokenizer.THINK;
        }
        prompts.add(tk.encode(p));
        tasks.add(WorldTasks.protocol(q.kind()));
      }
      ProtocolEnvironment env = new ProtocolEnvironment(format, tasks, maxTurns, maxCodeCalls);
      SamplingConfig s = new SamplingConfig(sampling.temperature(), sampling.topP(), sampling.seed() + from);
      List<Rollout> rollouts = generator.generate(prompts, env, s, banned, model.config().context());
      for (int i = 0; i < batch.size(); i++) {
        Question q = batch.get(i);
        Rollout r = rollouts.get(i);
        String response = tk.decode(r.response());
        if (forceRecall && q.kind().task() == QuestionKind.Task.SEARCH) {
          response = WordTokenizer.THINK + " " + response;
        }
        AnswerScoring.Verdict v = AnswerScoring.score(WorldTasks.protocol(q.kind()), response, q.goldenAnswers());
        out.add(new QuestionOutcome(q, response, v.prediction(), v.correct(), env.toolCalls(i),
            env.valid(i) && !r.truncated()));
      }
    }
    return out;
  }
}
