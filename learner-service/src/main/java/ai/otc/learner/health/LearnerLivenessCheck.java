package ai.otc.learner.health;

import ai.otc.learner.training.LearnerLoop;
import ai.otc.learner.training.LearnerStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness ({@code learner}): DOWN only when a restart of the process may help: the loop failed
 * {@code LearnerLoop.FAILURES_BEFORE_DOWN} lives in a row without publishing a version, found the run inconsistent, or
 * stopped. Waiting for groups, training, recovering from one failure and being done are alive.
 */
@Liveness
@ApplicationScoped
public class LearnerLivenessCheck implements HealthCheck {

  @Inject LearnerLoop loop;

  @Override
  public HealthCheckResponse call() {
    LearnerStatus s = loop.status();
    LearnerStatus.State state = s.state();
    boolean alive = state != LearnerStatus.State.FAILED && state != LearnerStatus.State.STOPPED;
    return HealthCheckResponse.named("learner").status(alive)
        .withData("state", state.name())
        .withData("consecutive-failures", s.consecutiveFailures())
        .withData("last-error", s.lastError())
        .build();
  }
}
