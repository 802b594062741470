package ai.otc.rollout.sampling;

import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.tools.ToolBackend;
import ai.otc.world.Question;
import java.util.List;

/**
 * Samples GRPO groups: G trajectories per question, all B×G rows generated together in one batched call of the
 * generation engine through the multi-turn tool protocol, each built into an {@code otc.v1.Trajectory}. Skeleton.
 */
public final class GroupSampler {
  private final PolicyModel model;
  private final WordTokenizer tokenizer;
  private final ToolBackend tools;
  private final SamplerConfig config;

  /**
   * @param model     the behaviour policy (not closed here)
   * @param tokenizer the policy's tokenizer (from its artifact)
   * @param tools     every tool call goes here (the gateway client in the service)
   */
  public GroupSampler(PolicyModel model, WordTokenizer tokenizer, ToolBackend tools, SamplerConfig config) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.tools = tools;
    this.config = config;
  }

  /**
   * Samples {@code config.groupSize()} trajectories for each question.
   *
   * @param runId         run id R
   * @param batch         rollout batch b
   * @param policyVersion version of {@code model}
   * @param questions     this instance's share of batch b ({@code QuestionPlan.share})
   * @param seed          the run's seed (each trajectory's seed mixes it with batch, question and k)
   */
  public SampledBatch sample(String runId, long batch, long policyVersion, List<Question> questions, long seed) {
    throw new UnsupportedOperationException("skeleton");
  }

  public SamplerConfig config() {
    return config;
  }
}
