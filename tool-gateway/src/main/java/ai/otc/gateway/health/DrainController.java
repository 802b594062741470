package ai.otc.gateway.health;

import ai.otc.gateway.config.GatewayConfig;
import ai.otc.proto.v1.ToolGatewayGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse.ServingStatus;
import io.quarkus.grpc.runtime.health.GrpcHealthStorage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Graceful drain of the {@code ToolGateway} service: at shutdown (or when {@link #drain} is called)
 * gRPC health turns NOT_SERVING for the overall server and for {@code otc.v1.ToolGateway}, new tool
 * calls are refused with {@code UNAVAILABLE} (a load balancer then sends them elsewhere), and in-flight
 * calls finish, up to {@code otc.gateway.drain.timeout}.
 */
@ApplicationScoped
public class DrainController {
  private static final Logger LOG = Logger.getLogger(DrainController.class);

  @Inject InFlight inFlight;
  @Inject GrpcHealthStorage health;
  @Inject GatewayConfig config;

  void onStart(@Observes StartupEvent ev) {
    health.setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(ToolGatewayGrpc.SERVICE_NAME, ServingStatus.SERVING);
  }

  // Early: before the server and the beans the in-flight calls use go away.
  void onShutdown(@Observes @Priority(1) ShutdownEvent ev) {
    drain(config.drain().timeout());
  }

  /** Turns health NOT_SERVING, refuses new calls and waits for in-flight ones; true when all finished. */
  public boolean drain(Duration timeout) {
    inFlight.startDraining();
    health.setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME, ServingStatus.NOT_SERVING);
    health.setStatus(ToolGatewayGrpc.SERVICE_NAME, ServingStatus.NOT_SERVING);
    LOG.infof("draining: health NOT_SERVING, %d call(s) in flight", inFlight.count());
    try {
      boolean idle = inFlight.awaitIdle(timeout);
      if (!idle) {
        LOG.warnf("drain timeout %s reached with %d call(s) still in flight", timeout, inFlight.count());
      }
      return idle;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Ends a drain: accepts calls again and turns health SERVING (a cancelled scale-down; tests). Calls
   * refused meanwhile stay refused: their callers have retried elsewhere.
   */
  public void resume() {
    inFlight.stopDraining();
    health.setStatus(GrpcHealthStorage.DEFAULT_SERVICE_NAME, ServingStatus.SERVING);
    health.setStatus(ToolGatewayGrpc.SERVICE_NAME, ServingStatus.SERVING);
    LOG.info("drain ended: health SERVING");
  }
}
