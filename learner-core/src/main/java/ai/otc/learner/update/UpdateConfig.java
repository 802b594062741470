package ai.otc.learner.update;

import ai.otc.learner.math.KlEstimator;
import ai.otc.learner.math.LossAggregation;
import ai.otc.learner.math.PolicyLoss;
import ai.otc.policy.model.AdamW;

/**
 * Every hyperparameter of one training step (LEARNER.md; defaults from PROTOTYPE.md at this scale). The compact
 * constructor validates and throws {@link IllegalArgumentException} whose message starts with the field name
 * ({@code lr must be > 0 and finite: -1.0}). Build variants with {@link #toBuilder()}.
 *
 * @param algorithm         GRPO or PPO
 * @param lr                actor learning rate (base of the schedule)
 * @param warmupSteps       actor warmup in training steps ({@link LrSchedule}: verl semantics)
 * @param clip              ε below 1 of the ratio clip
 * @param clipHigh          ε above 1 (verl's {@code clip_ratio_high}; equal to {@code clip} for SR1)
 * @param dualClip          verl's dual-clip constant c for A &lt; 0 (&gt; 1), or 0 for none (SR1)
 * @param logRatioClamp     clamp of logπθ − logπold before exp (verl: 20), or 0 for none (SR1)
 * @param klCoef            coefficient of the KL loss to the reference (GRPO; 0 = not in the loss, still reported)
 * @param klEstimator       estimator of the KL loss
 * @param entropyCoef       entropy bonus coefficient
 * @param lossAggregation   how token losses are aggregated per micro-batch
 * @param tokenSumNorm      normaliser of {@code seq-mean-token-sum-norm} (0 = the micro-batch's longest response)
 * @param miniBatches       optimizer steps per epoch: the batch is split into this many contiguous mini-batches of
 *                          trajectories (sizes differ by at most one; fewer when there are fewer trajectories)
 * @param microBatchSize    trajectories per forward/backward (gradient accumulation), 0 = the whole mini-batch
 * @param epochs            passes over the mini-batches per training step
 * @param gradClip          global L2 gradient-norm clip (0 = none)
 * @param beta1             AdamW β1
 * @param beta2             AdamW β2
 * @param eps               AdamW ε
 * @param weightDecay       AdamW decoupled weight decay (all parameters, as verl)
 * @param temperature       τ the logits are divided by when scoring (the rollout's sampling temperature)
 * @param oldLogProbs       where log πold comes from
 * @param importanceCap     truncation cap of the importance weight of a stale, corrected group (&gt; 0)
 * @param criticLr          critic learning rate (PPO)
 * @param criticWarmupSteps critic warmup in training steps (PPO)
 * @param valueClip         value-loss clip range c (PPO, &gt; 0)
 * @param klInRewardCoef    β of the KL-in-reward penalty (PPO; 0 = none)
 * @param klInRewardEstimator estimator of the KL-in-reward penalty (SR1: k1)
 * @param gamma             GAE discount γ (PPO)
 * @param lambda            GAE λ (PPO)
 */
public record UpdateConfig(Algorithm algorithm, double lr, int warmupSteps, double clip, double clipHigh,
    double dualClip, double logRatioClamp, double klCoef, KlEstimator klEstimator, double entropyCoef,
    LossAggregation lossAggregation, int tokenSumNorm, int miniBatches, int microBatchSize, int epochs,
    double gradClip, double beta1, double beta2, double eps, double weightDecay, double temperature,
    OldLogProbs oldLogProbs, double importanceCap, double criticLr, int criticWarmupSteps, double valueClip,
    double klInRewardCoef, KlEstimator klInRewardEstimator, double gamma, double lambda) {

  /** Validates every field (message starts with the field's name). */
  public UpdateConfig {
    required("algorithm", algorithm);
    positive("lr", lr);
    atLeast("warmupSteps", warmupSteps, 0);
    if (!(clip > 0 && clip < 1)) {
      throw new IllegalArgumentException("clip must be in (0, 1): " + clip);
    }
    positive("clipHigh", clipHigh);
    if (!(dualClip == 0 || (dualClip > 1 && Double.isFinite(dualClip)))) {
      throw new IllegalArgumentException("dualClip must be 0 (off) or > 1: " + dualClip);
    }
    nonNegative("logRatioClamp", logRatioClamp);
    nonNegative("klCoef", klCoef);
    required("klEstimator", klEstimator);
    nonNegative("entropyCoef", entropyCoef);
    required("lossAggregation", lossAggregation);
    atLeast("tokenSumNorm", tokenSumNorm, 0);
    atLeast("miniBatches", miniBatches, 1);
    atLeast("microBatchSize", microBatchSize, 0);
    atLeast("epochs", epochs, 1);
    nonNegative("gradClip", gradClip);
    if (!(beta1 >= 0 && beta1 < 1)) {
      throw new IllegalArgumentException("beta1 must be in [0, 1): " + beta1);
    }
    if (!(beta2 >= 0 && beta2 < 1)) {
      throw new IllegalArgumentException("beta2 must be in [0, 1): " + beta2);
    }
    positive("eps", eps);
    nonNegative("weightDecay", weightDecay);
    positive("temperature", temperature);
    required("oldLogProbs", oldLogProbs);
    positive("importanceCap", importanceCap);
    positive("criticLr", criticLr);
    atLeast("criticWarmupSteps", criticWarmupSteps, 0);
    positive("valueClip", valueClip);
    nonNegative("klInRewardCoef", klInRewardCoef);
    required("klInRewardEstimator", klInRewardEstimator);
    if (!(gamma >= 0 && gamma <= 1)) {
      throw new IllegalArgumentException("gamma must be in [0, 1]: " + gamma);
    }
    if (!(lambda >= 0 && lambda <= 1)) {
      throw new IllegalArgumentException("lambda must be in [0, 1]: " + lambda);
    }
  }

  /**
   * GRPO at this scale: lr 3e-4 constant, no warmup (PROTOTYPE.md's 1e-4 is 3x slower: at 1e-4 the OTC effect did
   * not show within 40 steps here, see otc-loop/README.md), clip 0.2 symmetric, no dual clip (SR1), log-ratio
   * clamp 20 (verl; only guards overflow), {@code low_var_kl} coefficient 0.01 to the frozen warm start, entropy 0.001
   * (SR1's yaml), token-mean, 2 mini-batches × 1 epoch with the whole mini-batch in one micro-batch, grad clip 1.0,
   * AdamW(0.9, 0.999, ε 1e-8, weight decay 0.01) as verl, τ 1, old log-probs from the rollout, importance cap 1.
   * The PPO-only fields hold {@link #ppoDefaults()}'s values.
   */
  public static UpdateConfig grpoDefaults() {
    return new UpdateConfig(Algorithm.GRPO, 3e-4, 0, 0.2, 0.2, 0, 20, 0.01, KlEstimator.LOW_VAR_KL, 0.001,
        LossAggregation.TOKEN_MEAN, 0, 2, 0, 1, 1.0, 0.9, 0.999, 1e-8, 0.01, 1.0, OldLogProbs.ROLLOUT, 1.0,
        1e-3, 0, 0.5, 0.01, KlEstimator.KL, 1.0, 1.0);
  }

  /**
   * PPO at this scale: as {@link #grpoDefaults()} but no KL loss (SR1's PPO) and instead k1 KL-in-reward with β 0.01
   * (the prototype's KL strength; SR1: 0.001), critic lr 1e-3 (10× the actor's, SR1's ratio), no critic warmup, value
   * clip 0.5, γ = λ = 1.
   */
  public static UpdateConfig ppoDefaults() {
    return grpoDefaults().toBuilder().algorithm(Algorithm.PPO).klCoef(0).build();
  }

  /** The actor's AdamW settings. */
  public AdamW.Settings adamW() {
    return new AdamW.Settings((float) beta1, (float) beta2, (float) eps, (float) weightDecay, (float) gradClip);
  }

  /** The loss settings of a micro-batch whose longest response has {@code longestResponse} tokens. */
  public PolicyLoss.Settings lossSettings(int longestResponse) {
    float norm = tokenSumNorm > 0 ? tokenSumNorm : Math.max(1, longestResponse);
    return new PolicyLoss.Settings(clip, clipHigh, dualClip, logRatioClamp, lossAggregation, norm, entropyCoef,
        klCoef, klEstimator);
  }

  /** A builder holding this config's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  private static void required(String name, Object v) {
    if (v == null) {
      throw new IllegalArgumentException(name + " is required");
    }
  }

  private static void positive(String name, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " must be > 0 and finite: " + v);
    }
  }

  private static void nonNegative(String name, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(name + " must be >= 0 and finite: " + v);
    }
  }

  private static void atLeast(String name, int v, int min) {
    if (v < min) {
      throw new IllegalArgumentException(name + " must be >= " + min + ": " + v);
    }
  }

  /** Mutable builder of an {@link UpdateConfig} (one setter per field, named as the field); {@link #build()} validates. */
  public static final class Builder {
    private Algorithm algorithm;
    private double lr;
    private int warmupSteps;
    private double clip;
    private double clipHigh;
    private double dualClip;
    private double logRatioClamp;
    private double klCoef;
    private KlEstimator klEstimator;
    private double entropyCoef;
    private LossAggregation lossAggregation;
    private int tokenSumNorm;
    private int miniBatches;
    private int microBatchSize;
    private int epochs;
    private double gradClip;
    private double beta1;
    private double beta2;
    private double eps;
    private double weightDecay;
    private double temperature;
    private OldLogProbs oldLogProbs;
    private double importanceCap;
    private double criticLr;
    private int criticWarmupSteps;
    private double valueClip;
    private double klInRewardCoef;
    private KlEstimator klInRewardEstimator;
    private double gamma;
    private double lambda;

    private Builder(UpdateConfig c) {
      algorithm = c.algorithm();
      lr = c.lr();
      warmupSteps = c.warmupSteps();
      clip = c.clip();
      clipHigh = c.clipHigh();
      dualClip = c.dualClip();
      logRatioClamp = c.logRatioClamp();
      klCoef = c.klCoef();
      klEstimator = c.klEstimator();
      entropyCoef = c.entropyCoef();
      lossAggregation = c.lossAggregation();
      tokenSumNorm = c.tokenSumNorm();
      miniBatches = c.miniBatches();
      microBatchSize = c.microBatchSize();
      epochs = c.epochs();
      gradClip = c.gradClip();
      beta1 = c.beta1();
      beta2 = c.beta2();
      eps = c.eps();
      weightDecay = c.weightDecay();
      temperature = c.temperature();
      oldLogProbs = c.oldLogProbs();
      importanceCap = c.importanceCap();
      criticLr = c.criticLr();
      criticWarmupSteps = c.criticWarmupSteps();
      valueClip = c.valueClip();
      klInRewardCoef = c.klInRewardCoef();
      klInRewardEstimator = c.klInRewardEstimator();
      gamma = c.gamma();
      lambda = c.lambda();
    }

    public Builder algorithm(Algorithm v) { algorithm = v; return this; }
    public Builder lr(double v) { lr = v; return this; }
    public Builder warmupSteps(int v) { warmupSteps = v; return this; }
    public Builder clip(double v) { clip = v; return this; }
    public Builder clipHigh(double v) { clipHigh = v; return this; }
    public Builder dualClip(double v) { dualClip = v; return this; }
    public Builder logRatioClamp(double v) { logRatioClamp = v; return this; }
    public Builder klCoef(double v) { klCoef = v; return this; }
    public Builder klEstimator(KlEstimator v) { klEstimator = v; return this; }
    public Builder entropyCoef(double v) { entropyCoef = v; return this; }
    public Builder lossAggregation(LossAggregation v) { lossAggregation = v; return this; }
    public Builder tokenSumNorm(int v) { tokenSumNorm = v; return this; }
    public Builder miniBatches(int v) { miniBatches = v; return this; }
    public Builder microBatchSize(int v) { microBatchSize = v; return this; }
    public Builder epochs(int v) { epochs = v; return this; }
    public Builder gradClip(double v) { gradClip = v; return this; }
    public Builder beta1(double v) { beta1 = v; return this; }
    public Builder beta2(double v) { beta2 = v; return this; }
    public Builder eps(double v) { eps = v; return this; }
    public Builder weightDecay(double v) { weightDecay = v; return this; }
    public Builder temperature(double v) { temperature = v; return this; }
    public Builder oldLogProbs(OldLogProbs v) { oldLogProbs = v; return this; }
    public Builder importanceCap(double v) { importanceCap = v; return this; }
    public Builder criticLr(double v) { criticLr = v; return this; }
    public Builder criticWarmupSteps(int v) { criticWarmupSteps = v; return this; }
    public Builder valueClip(double v) { valueClip = v; return this; }
    public Builder klInRewardCoef(double v) { klInRewardCoef = v; return this; }
    public Builder klInRewardEstimator(KlEstimator v) { klInRewardEstimator = v; return this; }
    public Builder gamma(double v) { gamma = v; return this; }
    public Builder lambda(double v) { lambda = v; return this; }

    /** The validated config. */
    public UpdateConfig build() {
      return new UpdateConfig(algorithm, lr, warmupSteps, clip, clipHigh, dualClip, logRatioClamp, klCoef, klEstimator, entropyCoef,
          lossAggregation, tokenSumNorm, miniBatches, microBatchSize, epochs, gradClip, beta1, beta2, eps,
          weightDecay, temperature, oldLogProbs, importanceCap, criticLr, criticWarmupSteps, valueClip,
          klInRewardCoef, klInRewardEstimator, gamma, lambda);
    }
  }
}
