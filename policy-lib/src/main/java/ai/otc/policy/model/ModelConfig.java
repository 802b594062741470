package ai.otc.policy.model;

import java.util.Locale;

/**
 * Size and placement of the policy transformer. Scale is configuration: the same code runs the default 0.8M-parameter
 * model on 2 CPU cores and a larger one on a GPU.
 *
 * @param vocabSize  tokenizer size (output head is tied to the token embedding)
 * @param dModel     width of the residual stream
 * @param layers     number of decoder blocks
 * @param heads      attention heads ({@code dModel % heads == 0})
 * @param ffDim      hidden width of the MLP
 * @param context    maximum sequence length (learned positions)
 * @param valueHead  whether to add a scalar value head on the final hidden state (PPO critic)
 * @param device     {@code auto} (GPU when the engine sees one), {@code cpu}, {@code gpu} or {@code gpu:N}
 * @param seed       initialisation seed
 */
public record ModelConfig(int vocabSize, int dModel, int layers, int heads, int ffDim, int context, boolean valueHead,
    String device, long seed) {

  /**
   * The default model: d 128, 4 layers, 8 heads of 16, MLP 512, context 128 (the prototype's sizes, with 8 heads
   * instead of 4; same parameter count). Copying a value from an observation forms as a separate skill per relation
   * during the warm start, and with 4 heads some relations' copy did not form on most seeds (greedy 1n answers after a
   * search ~0.5 for colors and jobs); with 8 heads every relation's formed on every seed tried (issue 11,
   * policy-offline/docs/WARMSTART.md).
   */
  public static ModelConfig defaults(int vocabSize) {
    return new ModelConfig(vocabSize, 128, 4, 8, 512, 128, false, "auto", 0);
  }

  /** A tiny model for unit tests. */
  public static ModelConfig tiny(int vocabSize) {
    return new ModelConfig(vocabSize, 32, 2, 2, 64, 128, true, "cpu", 7);
  }

  /** Copy with another device string. */
  public ModelConfig withDevice(String d) {
    return new ModelConfig(vocabSize, dModel, layers, heads, ffDim, context, valueHead, d, seed);
  }

  /** Copy with or without the value head. */
  public ModelConfig withValueHead(boolean v) {
    return new ModelConfig(vocabSize, dModel, layers, heads, ffDim, context, v, device, seed);
  }

  /** Checks the shape; throws naming the bad field. */
  public ModelConfig validate() {
    if (vocabSize < 2 || dModel < 1 || layers < 1 || heads < 1 || ffDim < 1 || context < 2) {
      throw new IllegalArgumentException("model sizes must be positive: " + this);
    }
    if (dModel % heads != 0) {
      throw new IllegalArgumentException("dModel (" + dModel + ") must be divisible by heads (" + heads + ")");
    }
    if (!device.matches("auto|cpu|gpu(:[0-9]+)?")) {
      throw new IllegalArgumentException("device must be auto, cpu, gpu or gpu:N, got '" + device + "'");
    }
    return this;
  }

  /** Per-head width. */
  public int headDim() {
    return dModel / heads;
  }

  /** Number of trainable parameters. */
  public long parameterCount() {
    long perLayer = 2L * dModel + (3L * dModel * dModel + 3L * dModel) + ((long) dModel * dModel + dModel) + 2L * dModel
        + ((long) ffDim * dModel + ffDim) + ((long) dModel * ffDim + dModel);
    return (long) vocabSize * dModel + (long) context * dModel + layers * perLayer + 2L * dModel + (valueHead ? dModel + 1 : 0);
  }

  /** Canonical form for cache keys (device excluded: the weights do not depend on it). */
  public String canonical() {
    return String.format(Locale.ROOT, "model v=%d d=%d l=%d h=%d ff=%d ctx=%d value=%s seed=%d", vocabSize, dModel, layers,
        heads, ffDim, context, valueHead, seed);
  }
}
