package ai.otc.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** HTTP readiness ({@code /q/health/ready}) mirrors gRPC health: DOWN while draining. */
@Readiness
@ApplicationScoped
public class DrainReadiness implements HealthCheck {
  @Inject InFlight inFlight;

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("tool-gateway-drain")
        .status(!inFlight.draining())
        .withData("in-flight", inFlight.count())
        .build();
  }
}
