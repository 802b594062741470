package ai.otc.learner.training;

import ai.otc.learner.checkpoint.LearnerCheckpoint;
import ai.otc.policy.store.PolicyArtifact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The service's use of learner-core's {@link LearnerCheckpoint}: its {@link ServiceState} travels inside the checkpoint,
 * so it is written in the same atomic write as the weights, optimizer(s) and offsets.
 *
 * <p>Until learner-core's checkpoint has a field of its own for it (NEEDS-FROM-LEARNCORE.md #1) the state rides as the
 * last entry of {@code recentGroupIds}, prefixed with {@value #STATE_PREFIX}; the entries before it are the remembered
 * group ids, oldest first, as the field documents.
 */
public final class Checkpoints {

  /** Marks the entry of {@code recentGroupIds} that carries the service state. */
  static final String STATE_PREFIX = "otc-learner-state:";

  private Checkpoints() {}

  /** A checkpoint of step {@code s} carrying {@code state}. */
  static LearnerCheckpoint of(long s, PolicyArtifact actor, byte[] actorOptimizer, PolicyArtifact critic, byte[] criticOptimizer,
      Map<String, Map<Integer, Long>> offsets, ServiceState state) {
    List<String> ids = new ArrayList<>();
    for (GroupLedger.Entry e : state.ledger()) {
      ids.addAll(e.trained());
      ids.addAll(e.dropped());
    }
    ids.add(STATE_PREFIX + Base64.getEncoder().encodeToString(state.toJson()));
    return new LearnerCheckpoint(s, s, actor, actorOptimizer, critic, criticOptimizer, offsets, ids);
  }

  /** The service state of a checkpoint this service wrote. */
  public static ServiceState state(LearnerCheckpoint c) {
    List<String> ids = c.recentGroupIds();
    if (ids.isEmpty() || !ids.getLast().startsWith(STATE_PREFIX)) {
      throw new IllegalStateException("the checkpoint of step " + c.step() + " holds no learner-service state: was it written by"
          + " another program?");
    }
    return ServiceState.fromJson(Base64.getDecoder().decode(ids.getLast().substring(STATE_PREFIX.length())));
  }

  /** The newest complete checkpoint in {@code dir}, if any. */
  public static Optional<LearnerCheckpoint> read(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    return LearnerCheckpoint.read(dir);
  }

  /** Writes {@code c} atomically into {@code dir} (created when missing). */
  static void write(Path dir, LearnerCheckpoint c) {
    LearnerCheckpoint.write(dir, c);
  }
}
