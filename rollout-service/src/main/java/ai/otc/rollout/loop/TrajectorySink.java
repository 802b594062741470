package ai.otc.rollout.loop;

import ai.otc.proto.v1.Trajectory;
import java.util.List;

/** Where a finished batch goes: {@code messaging.TrajectoryPublisher} (Kafka) in the service, a list in tests. */
public interface TrajectorySink {

  /**
   * Publishes all of a batch's trajectories, all or nothing, and returns once they are durable.
   *
   * @throws SinkFencedException when another process has taken over this instance's identity (do not retry)
   * @throws RuntimeException when the batch was not published (retry it)
   */
  void publish(long batch, List<Trajectory> trajectories);

  /** Another instance with the same transactional identity took over: this one must stop producing. */
  final class SinkFencedException extends RuntimeException {
    /** @param message what happened, naming the identity */
    public SinkFencedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
