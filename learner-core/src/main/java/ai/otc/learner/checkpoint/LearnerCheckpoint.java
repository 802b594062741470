package ai.otc.learner.checkpoint;

import ai.otc.policy.model.AdamW;
import ai.otc.policy.store.PolicyArtifact;
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

  /** Writes {@code checkpoint} into {@code dir} atomically (see class doc); refuses a step not after the newest one. */
  public static void write(Path dir, LearnerCheckpoint checkpoint) {
    CheckpointFiles.write(dir, checkpoint);
  }

  /** The newest complete checkpoint in {@code dir}, or empty when there is none; corrupt → {@link CheckpointException}. */
  public static Optional<LearnerCheckpoint> read(Path dir) {
    return CheckpointFiles.read(dir);
  }
}
