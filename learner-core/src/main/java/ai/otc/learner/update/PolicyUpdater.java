package ai.otc.learner.update;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.otc.learner.batch.Sample;
import ai.otc.learner.batch.TrainingBatch;
import ai.otc.learner.math.PolicyLoss;
import ai.otc.learner.math.ValueLoss;
import ai.otc.policy.model.AdamW;
import ai.otc.policy.model.Grad;
import ai.otc.policy.model.OwnedArrays;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.ReferencePolicy;
import ai.otc.policy.model.SequenceScorer;
import ai.otc.policy.model.ValueModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs training steps of the actor (and, for PPO, the critic first, as SR1 does) on {@link TrainingBatch}es, as
 * LEARNER.md §6–8 specify:
 *
 * <ol>
 *   <li>Selects what to train: under GRPO the groups whose advantages are all zero are left out (counted); if nothing
 *       is left, no optimizer step runs (weights and optimizer state stay bit-identical), the step counter still
 *       advances and {@link UpdateStats#stepped()} is false.
 *   <li>Computes the step's constants without a graph ({@link StepInputs}): log πold (rollout or recomputed), log πref,
 *       importance weights of corrected stale groups, and for PPO the critic's old values, KL-in-reward, GAE and the
 *       batch-whitened advantages.
 *   <li>For each epoch, for each of {@code miniBatches} contiguous mini-batches (no shuffling): zero gradients, for
 *       each micro-batch forward with grad, {@code loss / G} backward (G = micro-batches in the mini-batch), then
 *       global-norm clip and AdamW with the step's learning rate ({@link LrSchedule}, once per training step).
 * </ol>
 *
 * <p>Memory: every micro-batch runs inside an {@link NDScope}; only parameters, gradients and optimizer moments (in the
 * models' managers) outlive a step. Ownership: the models passed in are the caller's (closing the updater closes none
 * of them); the optimizers' moments live in the models' managers. One training thread (grad mode is set on it).
 */
public final class PolicyUpdater implements AutoCloseable {
  private final PolicyModel actor;
  private final ReferencePolicy reference;
  private final ValueModel critic;
  private final UpdateConfig config;
  private final AdamW actorOptimizer;
  private final AdamW criticOptimizer;
  private long step;
  private boolean closed;

  /**
   * A fresh updater at training step 0 with new optimizers.
   *
   * @param actor     the trainable policy (not closed by this class)
   * @param reference the frozen warm start (not closed by this class)
   * @param critic    the critic, required for PPO and refused for GRPO (not closed by this class)
   * @param config    hyperparameters
   */
  public PolicyUpdater(PolicyModel actor, ReferencePolicy reference, ValueModel critic, UpdateConfig config) {
    this(actor, reference, critic, config, 0, null, null);
  }

  /**
   * An updater resumed after {@code step} completed training steps with optimizers restored from a checkpoint
   * ({@code AdamW.load} over the models' parameters); a null optimizer is created fresh. A restored optimizer's
   * settings must equal the config's (β's, ε, weight decay, grad clip), else {@link IllegalArgumentException}.
   */
  public PolicyUpdater(PolicyModel actor, ReferencePolicy reference, ValueModel critic, UpdateConfig config, long step,
      AdamW actorOptimizer, AdamW criticOptimizer) {
    if (actor == null || reference == null || config == null) {
      throw new IllegalArgumentException("actor, reference and config are required");
    }
    if (config.algorithm() == Algorithm.PPO && critic == null) {
      throw new IllegalArgumentException("algorithm PPO needs a critic (ValueModel)");
    }
    if (config.algorithm() == Algorithm.GRPO && critic != null) {
      throw new IllegalArgumentException("algorithm GRPO takes no critic");
    }
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    if (reference.config().vocabSize() != actor.config().vocabSize()) {
      throw new IllegalArgumentException("reference vocabulary " + reference.config().vocabSize()
          + " differs from the actor's " + actor.config().vocabSize());
    }
    this.actor = actor;
    this.reference = reference;
    this.critic = critic;
    this.config = config;
    this.step = step;
    this.actorOptimizer = checked("actor", actorOptimizer, actor, config);
    this.criticOptimizer = critic == null ? null : checked("critic", criticOptimizer, critic.model(), config);
  }

  private static AdamW checked(String who, AdamW restored, PolicyModel model, UpdateConfig config) {
    if (restored == null) {
      return new AdamW(model, config.adamW());
    }
    if (!restored.settings().equals(config.adamW())) {
      throw new IllegalArgumentException("the " + who + " optimizer's restored settings " + restored.settings()
          + " differ from the config's " + config.adamW());
    }
    return restored;
  }

  /** Runs training step {@code step() + 1} on {@code batch} and returns what it did. */
  public UpdateStats update(TrainingBatch batch) {
    if (closed) {
      throw new IllegalStateException("updater is closed");
    }
    long t0 = System.nanoTime();
    long s = step + 1;
    double lr = LrSchedule.at(config.lr(), config.warmupSteps(), s);
    double clr = critic == null ? 0 : LrSchedule.at(config.criticLr(), config.criticWarmupSteps(), s);
    List<Sample> train = new ArrayList<>();
    int groupsSkipped = 0;
    int trajSkipped = 0;
    for (List<Sample> g : batch.groups()) {
      if (config.algorithm() == Algorithm.GRPO && TrainingBatch.isZeroAdvantage(g)) {
        groupsSkipped++;
        trajSkipped += g.size();
      } else {
        train.addAll(g);
      }
    }
    for (Sample x : train) {
      check(x);
    }
    if (train.isEmpty()) {
      step = s;
      return UpdateStats.notStepped(s, lr, clr, groupsSkipped, trajSkipped, seconds(t0));
    }
    StepInputs in = StepInputs.prepare(train, actor, reference, critic, config);
    int[] all = new int[train.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    int[][] minis = Columns.split(all, config.miniBatches());
    StepMeter meter = new StepMeter();
    try (Grad g = Grad.enabled()) {
      if (critic != null) {
        for (int e = 0; e < config.epochs(); e++) {
          for (int[] mini : minis) {
            criticStep(in, mini, clr, meter);
          }
        }
      }
      for (int e = 0; e < config.epochs(); e++) {
        for (int[] mini : minis) {
          actorStep(in, mini, lr, meter);
        }
      }
    }
    step = s;
    long tokens = 0;
    for (Sample x : train) {
      tokens += x.lossTokens();
    }
    return meter.stats(s, lr, clr, train.size(), tokens, groupsSkipped, trajSkipped, in, seconds(t0));
  }

  private void actorStep(StepInputs in, int[] mini, double lr, StepMeter meter) {
    int[][] micros = Columns.chunks(mini, config.microBatchSize());
    float g = micros.length;
    double objective = 0;
    double pg = 0;
    for (int[] micro : micros) {
      Columns cols = new Columns(in.samples, micro);
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDManager m = actor.manager();
        NDArray ids = cols.ids(m);
        SequenceScorer.Scores sc = SequenceScorer.score(actor, ids, cols.lengths(), (float) config.temperature(), true,
            true);
        NDArray mask = cols.lossMask(m);
        NDArray old = cols.place(m, in.old);
        PolicyLoss.Terms t = PolicyLoss.compute(sc.logProbs(), old, cols.place(m, in.ref),
            cols.place(m, in.advantages), sc.entropy(), mask, cols.place(m, in.weights),
            config.lossSettings(cols.longestResponse()));
        NDArray scaled = t.total().div(OwnedArrays.scalar(mask, g));
        Grad.backward(scaled);
        float tok = mask.sum().getFloat();
        objective += t.total().getFloat() / g;
        pg += t.pgLoss().getFloat() / g;
        meter.actorTokens(tok, t.entropy().getFloat(), t.kl().getFloat(), t.clipFraction().getFloat(),
            t.clipFractionLower().getFloat(), t.ppoKl().getFloat());
        if (!meter.hasInitialRatio()) {
          try (Grad off = Grad.disabled()) {
            NDArray ratio = sc.logProbs().sub(old).exp();
            float mean = ratio.mul(mask).sum().getFloat() / tok;
            float dev = ratio.sub(OwnedArrays.scalar(ratio, 1f)).abs().mul(mask).max().getFloat();
            meter.initialRatio(mean, dev);
          }
        }
      }
    }
    AdamW.StepResult r = actorOptimizer.step((float) lr);
    meter.actorStep(objective, pg, r);
  }

  private void criticStep(StepInputs in, int[] mini, double lr, StepMeter meter) {
    int[][] micros = Columns.chunks(mini, config.microBatchSize());
    float g = micros.length;
    double loss = 0;
    for (int[] micro : micros) {
      Columns cols = new Columns(in.samples, micro);
      try (NDScope scope = new NDScope()) {
        scope.suppressNotUsedWarning();
        NDManager m = critic.model().manager();
        NDArray v = critic.values(cols.ids(m), cols.lengths(), true).get(new NDIndex(":, 0:{}", cols.width - 1));
        NDArray mask = cols.responseMask(m);
        ValueLoss.Terms t = ValueLoss.compute(v, cols.place(m, in.valuesOld), cols.place(m, in.returns), mask,
            config.valueClip());
        Grad.backward(t.loss().div(OwnedArrays.scalar(mask, g)));
        loss += t.loss().getFloat() / g;
        meter.criticTokens(mask.sum().getFloat(), t.clipFraction().getFloat());
      }
    }
    AdamW.StepResult r = criticOptimizer.step((float) lr);
    meter.criticStep(loss, r);
  }

  private void check(Sample x) {
    if (x.tokens().length > actor.config().context()) {
      throw new IllegalArgumentException("trajectory " + x.trajectoryId() + " has " + x.tokens().length
          + " tokens, more than the model's context " + actor.config().context());
    }
    int vocab = actor.config().vocabSize();
    for (int id : x.tokens()) {
      if (id < 0 || id >= vocab) {
        throw new IllegalArgumentException("trajectory " + x.trajectoryId() + " has token id " + id
            + " outside the model's vocabulary 0.." + (vocab - 1));
      }
    }
  }

  private static double seconds(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  /** Training steps completed. */
  public long step() {
    return step;
  }

  /** The learning rate training step {@code s} (1-based) uses for the actor. */
  public double learningRate(long s) {
    return LrSchedule.at(config.lr(), config.warmupSteps(), s);
  }

  /** The actor's optimizer (for checkpoints: {@code AdamW.save}). */
  public AdamW actorOptimizer() {
    return actorOptimizer;
  }

  /** The critic's optimizer (PPO), for checkpoints. */
  public Optional<AdamW> criticOptimizer() {
    return Optional.ofNullable(criticOptimizer);
  }

  /** The trainable policy. */
  public PolicyModel actor() {
    return actor;
  }

  /** The critic (PPO). */
  public Optional<ValueModel> critic() {
    return Optional.ofNullable(critic);
  }

  /** The frozen reference. */
  public ReferencePolicy reference() {
    return reference;
  }

  public UpdateConfig config() {
    return config;
  }

  /** Marks the updater closed (later updates throw); closes none of the models it was given. */
  @Override
  public void close() {
    closed = true;
  }
}
