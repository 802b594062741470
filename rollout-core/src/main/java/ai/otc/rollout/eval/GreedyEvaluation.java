package ai.otc.rollout.eval;

import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.tools.ToolBackend;
import ai.otc.proto.v1.Trajectory;
import ai.otc.rollout.sampling.GroupSampler;
import ai.otc.rollout.sampling.SamplerConfig;
import ai.otc.world.Question;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The final evaluation of a run's policy, the rollout's way: {@link GroupSampler} with one greedy trajectory per
 * question (temperature 0), every tool call through the given backend (the gateway in {@code ./otc demo}). The
 * trajectories are what {@code otc.evaluations.v1} carries: {@code run_id} is the evaluated run, {@code rollout_batch}
 * is -1, and ids are {@code <runId>/eval/b<chunk>/<questionId>/0}, so they never collide with the run's training calls
 * at the gateway (idempotency, metering) while still starting with {@code <runId>/}.
 */
public final class GreedyEvaluation {
  /** The {@code rollout_batch} of an evaluation trajectory. */
  public static final long EVAL_BATCH = -1;

  private final GroupSampler sampler;
  private final int chunk;

  /**
   * @param model  the evaluated policy (not closed here)
   * @param tools  where every tool call goes
   * @param base   the rollout's sampler settings (max turns, programs, top-k); group size and temperature are replaced
   * @param chunk  questions per generation batch (bounds memory; results do not depend on it)
   */
  public GreedyEvaluation(PolicyModel model, WordTokenizer tokenizer, ToolBackend tools, SamplerConfig base, int chunk) {
    if (chunk < 1) {
      throw new IllegalArgumentException("chunk must be >= 1, got " + chunk);
    }
    this.sampler = new GroupSampler(model, tokenizer, tools,
        new SamplerConfig(1, 0f, 1f, base.maxTurns(), base.maxCodeCalls(), base.topK(), base.maxLength()));
    this.chunk = chunk;
  }

  /**
   * One greedy trajectory per question, in the order given.
   *
   * @param progress called with the number of questions done after each chunk
   */
  public List<Trajectory> run(String runId, long policyVersion, List<Question> questions, IntConsumer progress) {
    List<Trajectory> out = new ArrayList<>(questions.size());
    String evalRun = runId + "/eval";
    for (int from = 0, c = 0; from < questions.size(); from += chunk, c++) {
      List<Question> part = questions.subList(from, Math.min(questions.size(), from + chunk));
      for (Trajectory t : sampler.sample(evalRun, c, policyVersion, part, 0).trajectories()) {
        out.add(t.toBuilder().setRunId(runId).setRolloutBatch(EVAL_BATCH).build());
      }
      progress.accept(out.size());
    }
    return out;
  }
}
