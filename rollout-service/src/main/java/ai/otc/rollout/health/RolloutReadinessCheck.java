package ai.otc.rollout.health;

import ai.otc.rollout.loop.RolloutLoop;
import ai.otc.rollout.loop.RolloutService;
import ai.otc.rollout.policy.PolicyFollower;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness ({@code rollout-ready}): UP when this instance can generate now: a policy version of its run is loaded,
 * the tool gateway answers its gRPC health check with SERVING, the loop is neither fenced nor stopped, and no
 * shutdown has begun. Before the learner publishes version 0 the service is alive but not ready. Reports the state,
 * the batch, the loaded and pending versions, the gateway's answer and the last error.
 */
@Readiness
@ApplicationScoped
public class RolloutReadinessCheck implements HealthCheck {

  @Inject RolloutService service;

  private final GatewayProbe probe = new GatewayProbe();

  @Override
  public HealthCheckResponse call() {
    RolloutLoop.Status s = service.status();
    PolicyFollower f = service.follower();
    long version = f == null ? -1 : f.version();
    GatewayProbe.Result g = service.gatewayChannel() == null ? new GatewayProbe.Result(false, "not started")
        : probe.check(service.gatewayChannel());
    boolean up = version >= 0 && g.serving() && !service.stopping() && s.state() != RolloutLoop.State.FENCED
        && s.state() != RolloutLoop.State.STOPPED;
    String lastError = !s.lastError().isEmpty() ? s.lastError() : f == null ? "" : f.lastError();
    return HealthCheckResponse.named("rollout-ready").status(up)
        .withData("state", s.state().name())
        .withData("batch", s.batch())
        .withData("batches-done", s.batchesDone())
        .withData("policy-version", version)
        .withData("pending-version", f == null ? -1 : f.pendingVersion())
        .withData("gateway", g.detail())
        .withData("consecutive-failures", s.consecutiveFailures())
        .withData("last-error", lastError)
        .build();
  }
}
