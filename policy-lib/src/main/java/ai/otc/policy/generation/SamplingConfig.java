package ai.otc.policy.generation;

/**
 * How tokens are chosen. {@code temperature == 0} is greedy decoding (ties to the lowest id); otherwise softmax
 * sampling at {@code temperature} restricted to the smallest top-p nucleus. Log-probabilities are always reported
 * under the full softmax at {@code max(temperature, 1e-6)} when sampling and at temperature 1 when greedy, which is
 * what a learner recomputes (verl applies temperature but not top-p to log-probs).
 *
 * @param seed base seed; row i of a call uses its own stream derived from (seed, row), so a row's sample does not
 *             depend on the other rows of the batch
 */
public record SamplingConfig(float temperature, float topP, long seed) {
  /** Greedy decoding. */
  public static SamplingConfig greedy() {
    return new SamplingConfig(0f, 1f, 0);
  }

  /** Sampling at temperature {@code t} with top-p {@code p}. */
  public static SamplingConfig sample(float t, float p, long seed) {
    return new SamplingConfig(t, p, seed);
  }

  /** Throws on a negative temperature or a top-p outside (0, 1]. */
  public SamplingConfig validate() {
    if (!(temperature >= 0) || !(topP > 0 && topP <= 1)) {
      throw new IllegalArgumentException("temperature must be >= 0 and top-p in (0, 1], got " + this);
    }
    return this;
  }
}
