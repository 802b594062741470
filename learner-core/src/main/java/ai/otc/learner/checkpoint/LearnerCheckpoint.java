package ai.otc.learner.checkpoint;

import ai.otc.policy.store.PolicyArtifact;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the learner needs to resume exactly. SKELETON: write/read not implemented yet.
 *
 * @param step            training steps completed
 * @param policyVersion   the policy version of {@code actor} (= step in the loop protocol)
 * @param actor           the actor's weights (with tokenizer and config)
 * @param actorOptimizer  the actor's AdamW state ({@code AdamW.save} bytes)
 * @param critic          the critic's weights (PPO), or null
 * @param criticOptimizer the critic's AdamW state (PPO), or null
 * @param offsets         consumed offsets: topic → partition → next offset to read
 * @param recentGroupIds  ids of the most recently trained groups (bounded, oldest first)
 */
public record LearnerCheckpoint(long step, long policyVersion, PolicyArtifact actor, byte[] actorOptimizer,
    PolicyArtifact critic, byte[] criticOptimizer, Map<String, Map<Integer, Long>> offsets,
    List<String> recentGroupIds) {

  /** Writes {@code checkpoint} into {@code dir} atomically. */
  public static void write(Path dir, LearnerCheckpoint checkpoint) {
    throw new UnsupportedOperationException("not implemented yet");
  }

  /** The newest complete checkpoint in {@code dir}, or empty when there is none. */
  public static Optional<LearnerCheckpoint> read(Path dir) {
    throw new UnsupportedOperationException("not implemented yet");
  }
}
