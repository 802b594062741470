package ai.otc.learner.training;

import ai.otc.learner.checkpoint.LearnerCheckpoint;
import ai.otc.policy.store.PolicyArtifact;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The service's use of learner-core's {@link LearnerCheckpoint}: its {@link ServiceState} travels as JSON in the
 * checkpoint's metadata (key {@value #STATE_KEY}), so it is written in the same atomic write as the weights,
 * optimizer(s) and offsets; {@code recentGroupIds} holds the remembered group ids, oldest first.
 */
public final class Checkpoints {

  /** The metadata key of the service state. */
  public static final String STATE_KEY = "otc-learner-state";

  private Checkpoints() {}

  /** A checkpoint of step {@code s} carrying {@code state}. */
  static LearnerCheckpoint of(long s, PolicyArtifact actor, byte[] actorOptimizer, PolicyArtifact critic, byte[] criticOptimizer,
      Map<String, Map<Integer, Long>> offsets, ServiceState state) {
    List<String> ids = new ArrayList<>();
    for (GroupLedger.Entry e : state.ledger()) {
      ids.addAll(e.trained());
      ids.addAll(e.dropped());
    }
    return new LearnerCheckpoint(s, s, actor, actorOptimizer, critic, criticOptimizer, offsets, ids,
        Map.of(STATE_KEY, new String(state.toJson(), StandardCharsets.UTF_8), "run_id", state.runId()));
  }

  /** The service state of a checkpoint this service wrote. */
  public static ServiceState state(LearnerCheckpoint c) {
    String json = c.metadata().get(STATE_KEY);
    if (json == null) {
      throw new IllegalStateException("the checkpoint of step " + c.step() + " holds no learner-service state (metadata "
          + STATE_KEY + "): was it written by another program?");
    }
    return ServiceState.fromJson(json.getBytes(StandardCharsets.UTF_8));
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
