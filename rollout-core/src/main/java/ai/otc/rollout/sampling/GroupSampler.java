package ai.otc.rollout.sampling;

import ai.otc.policy.generation.Generator;
import ai.otc.policy.generation.ProtocolEnvironment;
import ai.otc.policy.generation.Rollout;
import ai.otc.policy.generation.SamplingConfig;
import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.generation.ToolProtocol;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.tools.CallRef;
import ai.otc.policy.tools.ToolBackend;
import ai.otc.proto.v1.Trajectory;
import ai.otc.world.Question;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Samples GRPO groups: G trajectories per question, all B×G rows generated together in ONE batched call of the
 * generation engine ({@link Generator}) through the multi-turn tool protocol ({@link ProtocolEnvironment}), each
 * built into an {@code otc.v1.Trajectory} ({@link TrajectoryBuilder}).
 *
 * <p>Row {@code (q, k)} samples from its own stream seeded by {@link RolloutIds#trajectorySeed}(seed, batch, question
 * id, k), so a trajectory depends on its seed and the policy, not on which instance generated it or on its batch
 * neighbours. Its tool calls carry {@link CallRef}s (run id, policy version, trajectory id, call index): the
 * gateway's idempotency key is the call id {@code <trajectory id>:<call index>}. Old log-probs are the generator's
 * exact log-probabilities of the sampled tokens under the full softmax at the sampling temperature (at temperature 1
 * when greedy), 0 on prompt and tool-output tokens.
 *
 * <p>Not thread-safe (one generation at a time per sampler); the model is read only and not closed here.
 */
public final class GroupSampler {
  private final PolicyModel model;
  private final WordTokenizer tokenizer;
  private final ToolBackend tools;
  private final SamplerConfig config;
  private final Generator generator;

  /**
   * @param model     the behaviour policy (not closed here)
   * @param tokenizer the policy's tokenizer (from its artifact)
   * @param tools     every tool call goes here (the gateway client in the service)
   */
  public GroupSampler(PolicyModel model, WordTokenizer tokenizer, ToolBackend tools, SamplerConfig config) {
    if (model.config().vocabSize() != tokenizer.size()) {
      throw new IllegalArgumentException("the model has a vocabulary of " + model.config().vocabSize()
          + " tokens but the tokenizer has " + tokenizer.size());
    }
    this.model = model;
    this.tokenizer = tokenizer;
    this.tools = tools;
    this.config = config;
    this.generator = new Generator(model, ProtocolEnvironment.stopTokens(tokenizer), tokenizer.id(WordTokenizer.EOS));
  }

  /**
   * Samples {@code config.groupSize()} trajectories for each question.
   *
   * @param runId         run id R
   * @param batch         rollout batch b
   * @param policyVersion version of {@code model}
   * @param questions     this instance's share of batch b ({@code QuestionPlan.share}); ids must be distinct
   * @param seed          the run's seed (each trajectory's seed mixes it with batch, question and k)
   * @return trajectories question-major (the G members of a group consecutive), with the time split
   */
  public SampledBatch sample(String runId, long batch, long policyVersion, List<Question> questions, long seed) {
    long w0 = System.nanoTime();
    int g = config.groupSize();
    int rows = questions.size() * g;
    TaskFormat format = new TaskFormat(tokenizer, tools, config.topK());
    List<int[]> prompts = new ArrayList<>(rows);
    List<ToolProtocol> tasks = new ArrayList<>(rows);
    long[] seeds = new long[rows];
    String[] trajectoryIds = new String[rows];
    String[] groupIds = new String[questions.size()];
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int qi = 0; qi < questions.size(); qi++) {
      Question q = questions.get(qi);
      if (!seen.add(q.id())) {
        throw new IllegalArgumentException("question '" + q.id() + "' appears twice in batch " + batch);
      }
      groupIds[qi] = RolloutIds.groupId(runId, batch, q.id());
      ToolProtocol protocol = WorldPrompts.protocol(q);
      int[] prompt = tokenizer.encode(WorldPrompts.prompt(format, q));
      for (int k = 0; k < g; k++) {
        int row = qi * g + k;
        prompts.add(prompt);
        tasks.add(protocol);
        seeds[row] = RolloutIds.trajectorySeed(seed, batch, q.id(), k);
        trajectoryIds[row] = RolloutIds.trajectoryId(groupIds[qi], k);
      }
    }
    if (rows == 0) {
      return new SampledBatch(List.of(), new BatchTiming(0, 0, 0, 0, 0, 0, 0, 0));
    }
    ProtocolEnvironment env = new ProtocolEnvironment(format, tasks, config.maxTurns(), config.maxCodeCalls(),
        (row, callIndex) -> new CallRef(runId, policyVersion, trajectoryIds[row], callIndex));
    int maxLength = config.maxLength() == 0 ? model.config().context()
        : Math.min(config.maxLength(), model.config().context());
    SamplingConfig sampling = new SamplingConfig(config.temperature(), config.topP(), seed);
    long g0 = System.nanoTime();
    List<Rollout> rollouts = generator.generate(prompts, env, sampling, Set.of(), maxLength, seeds);
    double genWallMs = (System.nanoTime() - g0) / 1e6;

    TrajectoryBuilder builder = new TrajectoryBuilder(tokenizer);
    List<Trajectory> out = new ArrayList<>(rows);
    long promptTokens = 0;
    long generated = 0;
    long inserted = 0;
    for (int row = 0; row < rows; row++) {
      Question q = questions.get(row / g);
      Rollout r = rollouts.get(row);
      promptTokens += r.promptLength();
      int gen = r.generatedCount();
      generated += gen;
      inserted += r.tokens().length - r.promptLength() - gen;
      out.add(builder.build(new TrajectoryBuilder.Row(runId, batch, policyVersion, g, q, groupIds[row / g],
          trajectoryIds[row], seeds[row], tasks.get(row)), r, env.turns(row), env.toolCalls(row)));
    }
    double toolMs = env.toolNanos() / 1e6;
    BatchTiming timing = new BatchTiming((System.nanoTime() - w0) / 1e6, genWallMs - toolMs, toolMs, rows,
        promptTokens, generated, inserted, env.toolCallsSent());
    return new SampledBatch(out, timing);
  }

  public SamplerConfig config() {
    return config;
  }

  /** The backend every tool call goes to. */
  public ToolBackend tools() {
    return tools;
  }
}
