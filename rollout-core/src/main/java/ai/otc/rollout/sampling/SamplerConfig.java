package ai.otc.rollout.sampling;

/**
 * Settings of {@link GroupSampler}.
 *
 * @param groupSize    G, trajectories per question (a GRPO group)
 * @param temperature  sampling temperature (1.0 for RL; 0 = greedy, for evaluation)
 * @param topP         nucleus (1.0 for RL)
 * @param maxTurns     executed searches per trajectory (Search-R1 / OTC: 4)
 * @param maxCodeCalls executed programs per trajectory (OTC: C = 3)
 * @param topK         passages per search (what the warm start used: 1)
 * @param maxLength    tokens per trajectory, prompt included (0 = the model's context)
 */
public record SamplerConfig(int groupSize, float temperature, float topP, int maxTurns, int maxCodeCalls, int topK,
    int maxLength) {
  public SamplerConfig {
    if (groupSize < 1) {
      throw new IllegalArgumentException("group-size must be >= 1, got " + groupSize);
    }
    if (!(temperature >= 0)) {
      throw new IllegalArgumentException("temperature must be >= 0, got " + temperature);
    }
    if (!(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
    }
    if (maxTurns < 0) {
      throw new IllegalArgumentException("max-turns must be >= 0, got " + maxTurns);
    }
    if (maxCodeCalls < 0) {
      throw new IllegalArgumentException("max-code-calls must be >= 0, got " + maxCodeCalls);
    }
    if (topK < 1) {
      throw new IllegalArgumentException("top-k must be >= 1, got " + topK);
    }
    if (maxLength < 0) {
      throw new IllegalArgumentException("max-length must be >= 0 (0 = the model's context), got " + maxLength);
    }
  }

  /** The loop's defaults: G 8, temperature 1, top-p 1, 4 searches, 3 programs, top-k 1, the model's context. */
  public static SamplerConfig defaults() {
    return new SamplerConfig(8, 1f, 1f, 4, 3, 1, 0);
  }
}
