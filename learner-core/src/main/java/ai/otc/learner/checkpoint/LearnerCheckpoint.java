package ai.otc.learner.checkpoint;

import ai.otc.learner.update.PolicyUpdater;
import ai.otc.learner.update.UpdateConfig;
import ai.otc.policy.model.AdamW;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.ReferencePolicy;
import ai.otc.policy.model.ValueModel;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.tokenizer.WordTokenizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the learner needs to resume exactly where it stopped: step, policy version, the actor's weights and
 * AdamW state, the critic's (PPO), the consumed offsets and the recently trained group ids, plus free metadata (run id,
 * config label, …). Written atomically and read back bit for bit by {@link CheckpointFiles}:
 *
 * <pre>
 * &lt;dir&gt;/step-&lt;NNNNNNNNNNNN&gt;/   the newest complete checkpoint (older ones are deleted after a write)
 *     state.json     format, version, step, policy version, offsets, recent ids, metadata, size + SHA-256 per file
 *     actor.zip      PolicyArtifact bytes            actor-adamw.bin   AdamW.save bytes
 *     critic.zip     (PPO)                           critic-adamw.bin  (PPO)
 * &lt;dir&gt;/.tmp-…/             a write in progress or a crashed one: never read, removed by the next write
 * </pre>
 *
 * A write stages everything in a temp directory, forces every file and the directory to disk, renames it to its
 * {@code step-N} name (atomic) and forces the parent; so a checkpoint directory exists exactly when it is complete. A
 * read takes the highest step, checks every file's size and SHA-256 against {@code state.json} and throws
 * {@link CheckpointException} naming the file when anything differs.
 *
 * <p>Arrays are owned by the record and must not be modified.
 *
 * @param step            training steps completed (≥ 0)
 * @param policyVersion   the policy version of {@code actor} (= step in the loop protocol)
 * @param actor           the actor's weights (with tokenizer and model config)
 * @param actorOptimizer  the actor's AdamW state ({@code AdamW.save} bytes)
 * @param critic          the critic's weights (PPO), or null
 * @param criticOptimizer the critic's AdamW state (PPO), or null
 * @param offsets         consumed offsets: topic → partition → next offset to read
 * @param recentGroupIds  ids of the most recently trained groups, oldest first
 * @param metadata        free string facts the owner wants back (run id, reward label, …); may be empty
 */
public record LearnerCheckpoint(long step, long policyVersion, PolicyArtifact actor, byte[] actorOptimizer,
    PolicyArtifact critic, byte[] criticOptimizer, Map<String, Map<Integer, Long>> offsets,
    List<String> recentGroupIds, Map<String, String> metadata) {

  /** Validates and copies the collections. */
  public LearnerCheckpoint {
    if (step < 0 || policyVersion < 0) {
      throw new IllegalArgumentException("step and policy version must be >= 0: " + step + ", " + policyVersion);
    }
    if (actor == null || actorOptimizer == null) {
      throw new IllegalArgumentException("a checkpoint needs the actor's weights and optimizer state");
    }
    if ((critic == null) != (criticOptimizer == null)) {
      throw new IllegalArgumentException("critic weights and critic optimizer state go together");
    }
    offsets = offsets == null ? Map.of() : copy(offsets);
    recentGroupIds = recentGroupIds == null ? List.of() : List.copyOf(recentGroupIds);
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }

  /** The same without metadata (the skeleton's constructor). */
  public LearnerCheckpoint(long step, long policyVersion, PolicyArtifact actor, byte[] actorOptimizer,
      PolicyArtifact critic, byte[] criticOptimizer, Map<String, Map<Integer, Long>> offsets,
      List<String> recentGroupIds) {
    this(step, policyVersion, actor, actorOptimizer, critic, criticOptimizer, offsets, recentGroupIds, Map.of());
  }

  private static Map<String, Map<Integer, Long>> copy(Map<String, Map<Integer, Long>> o) {
    java.util.TreeMap<String, Map<Integer, Long>> m = new java.util.TreeMap<>();
    o.forEach((topic, parts) -> {
      for (Map.Entry<Integer, Long> e : parts.entrySet()) {
        if (e.getKey() == null || e.getKey() < 0 || e.getValue() == null || e.getValue() < 0) {
          throw new IllegalArgumentException("bad offset " + topic + "/" + e.getKey() + " = " + e.getValue());
        }
      }
      m.put(topic, Map.copyOf(new java.util.TreeMap<>(parts)));
    });
    return java.util.Collections.unmodifiableMap(m);
  }

  /** The bytes of an optimizer's state ({@code AdamW.save}), for the record's optimizer fields. */
  public static byte[] optimizerBytes(AdamW optimizer) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      optimizer.save(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The checkpoint of an updater's current state: step {@code updater.step()}, the actor (and critic) weights with
   * {@code tokenizer}, both optimizers' states, and the given offsets, recent ids and metadata.
   */
  public static LearnerCheckpoint capture(PolicyUpdater updater, WordTokenizer tokenizer, long policyVersion,
      Map<String, Map<Integer, Long>> offsets, List<String> recentGroupIds, Map<String, String> metadata) {
    PolicyArtifact actor = PolicyArtifact.of(updater.actor(), tokenizer, policyVersion, Map.of("role", "actor"));
    PolicyArtifact critic = updater.critic().map(c -> new PolicyArtifact(c.model().config(), tokenizer, c.weights(),
        policyVersion, Map.of("role", "critic"))).orElse(null);
    return new LearnerCheckpoint(updater.step(), policyVersion, actor, optimizerBytes(updater.actorOptimizer()), critic,
        updater.criticOptimizer().map(LearnerCheckpoint::optimizerBytes).orElse(null), offsets, recentGroupIds,
        metadata);
  }

  /**
   * Models and updater rebuilt from a checkpoint. Closing it closes the updater, the actor and the critic (not the
   * reference, which the caller owns).
   */
  public record Restored(PolicyModel actor, ValueModel critic, PolicyUpdater updater) implements AutoCloseable {
    @Override
    public void close() {
      updater.close();
      actor.close();
      if (critic != null) {
        critic.close();
      }
    }
  }

  /**
   * Rebuilds the actor (on {@code device}), the critic (with its trained head) and an updater at this checkpoint's
   * step with both optimizers restored, so that training continues exactly as if it had not stopped (tested bit for
   * bit). Throws when the config's algorithm needs a critic the checkpoint lacks, or its optimizer settings differ.
   */
  public Restored restore(ReferencePolicy reference, UpdateConfig config, String device) {
    PolicyModel a = actor.newModel(device);
    ValueModel c = null;
    try {
      c = critic == null ? null : ValueModel.restore(critic.modelConfig().withDevice(device), critic.weights());
      AdamW aOpt = AdamW.load(a.parameters(), new ByteArrayInputStream(actorOptimizer));
      AdamW cOpt = c == null ? null : AdamW.load(c.model().parameters(), new ByteArrayInputStream(criticOptimizer));
      return new Restored(a, c, new PolicyUpdater(a, reference, c, config, step, aOpt, cOpt));
    } catch (IOException | RuntimeException e) {
      a.close();
      if (c != null) {
        c.close();
      }
      throw e instanceof IOException io ? new CheckpointException("cannot restore optimizer state: " + io, io)
          : (RuntimeException) e;
    }
  }

  /** Writes {@code checkpoint} into {@code dir} atomically (see class doc); refuses a step not after the newest one. */
  public static void write(Path dir, LearnerCheckpoint checkpoint) {
    CheckpointFiles.write(dir, checkpoint);
  }

  /** The newest complete checkpoint in {@code dir}, or empty when there is none; corrupt → {@link CheckpointException}. */
  public static Optional<LearnerCheckpoint> read(Path dir) {
    return CheckpointFiles.read(dir);
  }
}
