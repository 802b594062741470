package ai.otc.learner.update;

import ai.otc.learner.batch.TrainingBatch;
import ai.otc.policy.model.AdamW;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.ReferencePolicy;
import ai.otc.policy.model.ValueModel;
import java.util.Optional;

/**
 * Runs training steps of the actor (and, for PPO, the critic) on {@link TrainingBatch}es. SKELETON: the update is not
 * implemented yet.
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
   * @param critic    the critic for PPO, null for GRPO (not closed by this class)
   * @param config    hyperparameters
   */
  public PolicyUpdater(PolicyModel actor, ReferencePolicy reference, ValueModel critic, UpdateConfig config) {
    this(actor, reference, critic, config, 0, null, null);
  }

  /**
   * An updater resumed after {@code step} completed training steps with restored optimizers (from a checkpoint); a
   * null optimizer is created fresh.
   */
  public PolicyUpdater(PolicyModel actor, ReferencePolicy reference, ValueModel critic, UpdateConfig config, long step,
      AdamW actorOptimizer, AdamW criticOptimizer) {
    this.actor = actor;
    this.reference = reference;
    this.critic = critic;
    this.config = config;
    this.step = step;
    this.actorOptimizer = actorOptimizer != null ? actorOptimizer : new AdamW(actor, config.adamW());
    this.criticOptimizer = critic == null ? null
        : criticOptimizer != null ? criticOptimizer : new AdamW(critic.model(), config.adamW());
  }

  /** Runs training step {@code step() + 1} on {@code batch}. */
  public UpdateStats update(TrainingBatch batch) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** Training steps completed. */
  public long step() {
    return step;
  }

  /** The actor's optimizer (for checkpoints). */
  public AdamW actorOptimizer() {
    return actorOptimizer;
  }

  /** The critic's optimizer (PPO), for checkpoints. */
  public Optional<AdamW> criticOptimizer() {
    return Optional.ofNullable(criticOptimizer);
  }

  public PolicyModel actor() {
    return actor;
  }

  public Optional<ValueModel> critic() {
    return Optional.ofNullable(critic);
  }

  public ReferencePolicy reference() {
    return reference;
  }

  public UpdateConfig config() {
    return config;
  }

  @Override
  public void close() {
    closed = true;
  }
}
