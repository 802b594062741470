package ai.otc.rollout.sampling;

/**
 * Where the time of one {@link GroupSampler#sample} call went, and what it produced.
 *
 * @param wallMs          the whole call
 * @param generationMs    inside the generator, tool calls excluded
 * @param toolMs          waiting for tools (all calls of a step count once: they run together)
 * @param trajectories    trajectories produced
 * @param promptTokens    prompt tokens over all trajectories
 * @param generatedTokens tokens the policy sampled
 * @param insertedTokens  tool-output tokens the environment inserted
 * @param toolCalls       tool calls sent
 */
public record BatchTiming(double wallMs, double generationMs, double toolMs, int trajectories, long promptTokens,
    long generatedTokens, long insertedTokens, long toolCalls) {
  /** Sampled tokens per second of generation time. */
  public double generatedTokensPerSecond() {
    return generationMs <= 0 ? 0 : generatedTokens / (generationMs / 1000.0);
  }
}
