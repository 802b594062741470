package ai.otc.rollout.health;

import ai.otc.rollout.loop.RolloutService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness ({@code rollout-loop}): DOWN only when a thread the service cannot work without has died unexpectedly
 * (the generation thread or the policy feed), which a restart fixes. Waiting for the learner, a gateway or broker
 * outage, failing batches (retried with back-off) and being fenced by another process with the same identity are
 * not liveness failures: restarting would not bring the dependency back (and a fenced instance restarted would fence
 * its successor in turn); readiness reports them.
 */
@Liveness
@ApplicationScoped
public class RolloutLivenessCheck implements HealthCheck {

  @Inject RolloutService service;

  @Override
  public HealthCheckResponse call() {
    boolean loop = service.loopAlive();
    boolean feed = service.feedAlive();
    return HealthCheckResponse.named("rollout-loop").status(loop && feed)
        .withData("generation-thread", loop ? "alive" : "dead")
        .withData("policy-feed", feed ? "alive" : "dead")
        .withData("state", service.status().state().name())
        .build();
  }
}
