package ai.otc.learner.health;

import ai.otc.learner.training.LearnerLoop;
import ai.otc.learner.training.LearnerStatus;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness ({@code learner-ready}): UP once the run's current version is announced on otc.policy.v1 (version 0 at the
 * first start, the checkpoint's version after a restart) and the consumer holds every otc.rewarded.v1 partition, and
 * while the learner trains; also UP when it is done ({@code state=DONE}, {@code done=true}), since its last version
 * stays announced. Reports the state, the version, the partitions and the groups gathered for the next step.
 */
@Readiness
@ApplicationScoped
public class LearnerReadinessCheck implements HealthCheck {

  @Inject LearnerLoop loop;

  @Override
  public HealthCheckResponse call() {
    LearnerStatus s = loop.status();
    return HealthCheckResponse.named("learner-ready").status(s.ready())
        .withData("state", s.state().name())
        .withData("done", s.state() == LearnerStatus.State.DONE)
        .withData("version", s.publishedVersion())
        .withData("partitions", s.partitions().toString())
        .withData("batch-groups", s.batchGroups())
        .withData("last-step-ms", s.lastStepMs())
        .build();
  }
}
