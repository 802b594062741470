package ai.otc.learner.training;

import java.util.List;
import java.util.Optional;

/**
 * The order of operations of a training step and what a start does after a crash anywhere in it, as a pure decision
 * (no I/O), so the protocol is tested on its own ({@code RecoveryPlanTest} crashes a simulated learner after every
 * effect of every step).
 *
 * <p>A step s (version 0 is the initial policy, "step 0") has three durable effects, always in this order:
 * <ol>
 *   <li><b>checkpoint</b> s: weights, optimizer state(s), step, consumed offsets, decided group ids and the step's
 *       metrics, written to a temporary directory, forced to disk and renamed over the previous one. This is the
 *       commit point: the groups of step s are trained exactly when checkpoint s exists;</li>
 *   <li><b>store</b>: version s is put into the policy store (from the checkpoint's weights);</li>
 *   <li><b>publish</b>: the {@code PolicyManifest} of version s and the {@code StepMetrics} of step s (none for step 0)
 *       in one Kafka transaction.</li>
 * </ol>
 * Every effect after the checkpoint is redone from the checkpoint when it is missing, so a crash between two effects
 * leaves nothing half done: a start reads the checkpoint's step, the store's versions and the newest manifest of the
 * run, and this class says which effects to complete. A state that the order cannot produce (the store or the topic
 * ahead of the checkpoint, a store without a checkpoint) means another writer or a lost checkpoint and stops the start.
 */
public final class RecoveryPlan {

  private RecoveryPlan() {}

  /** The run's durable state cannot come from this order of operations: retrying cannot help. */
  public static final class InconsistentRun extends IllegalStateException {
    /** @param message what was found and what to do */
    public InconsistentRun(String message) {
      super(message);
    }
  }

  /**
   * What a start finds.
   *
   * @param checkpointStep the checkpoint's step, empty when there is no checkpoint
   * @param storeVersions the run's versions in the policy store, ascending
   * @param publishedVersion the newest version whose manifest is on the policy topic for this run, if any
   */
  public record Facts(Optional<Long> checkpointStep, List<Long> storeVersions, Optional<Long> publishedVersion) {
    public Facts {
      storeVersions = List.copyOf(storeVersions);
    }
  }

  /** What to do. */
  public sealed interface Plan permits Fresh, Resume {}

  /** No checkpoint: a new run. Load the initial policy, then checkpoint, store and publish version 0. */
  public record Fresh() implements Plan {}

  /**
   * Resume from checkpoint {@code step}.
   *
   * @param putVersion version {@code step} is missing from the store: put it (from the checkpoint's weights)
   * @param publish the manifest (and metrics) of {@code step} are not on the topic yet: publish them
   */
  public record Resume(long step, boolean putVersion, boolean publish) implements Plan {}

  /**
   * Decides the plan.
   *
   * @throws InconsistentRun when the facts cannot come from this order of operations; the message says what was
   *     found and what to do
   */
  public static Plan plan(Facts f, String runId, String storeRoot, String checkpointDir) {
    Optional<Long> storeLatest = f.storeVersions().isEmpty() ? Optional.empty() : Optional.of(f.storeVersions().getLast());
    if (f.checkpointStep().isEmpty()) {
      if (storeLatest.isPresent() || f.publishedVersion().isPresent()) {
        throw new InconsistentRun("run " + runId + " has no checkpoint in " + checkpointDir + " (otc.learner.checkpoint-dir) but"
            + storeLatest.map(v -> " the policy store " + storeRoot + " holds versions up to " + v).orElse("")
            + f.publishedVersion().map(v -> " the policy topic announces version " + v).orElse("")
            + ": the checkpoint was lost or another learner trains this run; restore the checkpoint or use a new otc.learner.run-id");
      }
      return new Fresh();
    }
    long s = f.checkpointStep().get();
    if (storeLatest.isPresent() && storeLatest.get() > s) {
      throw new InconsistentRun("the policy store " + storeRoot + " holds version " + storeLatest.get() + " of run " + runId
          + " but the checkpoint in " + checkpointDir + " is at step " + s + ": versions are stored only after their checkpoint,"
          + " so this checkpoint is older than the run (restored from a backup?) or another learner writes the store");
    }
    if (f.publishedVersion().isPresent() && f.publishedVersion().get() > s) {
      throw new InconsistentRun("the policy topic announces version " + f.publishedVersion().get() + " of run " + runId
          + " but the checkpoint in " + checkpointDir + " is at step " + s + ": manifests are published only after their"
          + " checkpoint, so this checkpoint is older than the run or another learner publishes for it");
    }
    boolean put = !f.storeVersions().contains(s);
    boolean publish = f.publishedVersion().map(p -> p < s).orElse(true);
    return new Resume(s, put, publish);
  }
}
