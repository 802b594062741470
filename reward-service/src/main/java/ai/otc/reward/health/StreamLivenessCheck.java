package ai.otc.reward.health;

import ai.otc.reward.pipeline.RewardStream;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness from the reward stream's state: DOWN only when it has failed
 * {@code RewardStream.FAILURES_BEFORE_DOWN} lives in a row without a commit in between (FAILED) or
 * has stopped, which a restart of the process may fix. Starting, restoring, running and recovering
 * from a single failure are alive. Poison records do not affect it: they go to the dead-letter topic. Lives that
 * failed while the broker did not answer do not count: restarting the process does not bring a broker back.
 */
@Liveness
@ApplicationScoped
public class StreamLivenessCheck implements HealthCheck {

  @Inject RewardStream stream;

  @Override
  public HealthCheckResponse call() {
    RewardStream.StatusBoard s = stream.status();
    RewardStream.State state = s.state();
    boolean alive = state != RewardStream.State.FAILED && state != RewardStream.State.STOPPED;
    return HealthCheckResponse.named("reward-stream").status(alive)
        .withData("state", state.name())
        .withData("consecutive-failures", s.consecutiveFailures())
        .withData("last-error", s.lastError())
        .withData("broker-unreachable", s.brokerUnreachable())
        .build();
  }
}
