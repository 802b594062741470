package ai.otc.cli.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.contract.GrpcMetadata;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The pure parts of {@code ./otc tool}: {@code --gateway} and duration parsing, refusal lines, the exit code of each status. */
class ToolArgumentsTest {

  @Test
  void gatewayAddresses() {
    assertThat(GatewayAddress.parse("127.0.0.1:8090")).isEqualTo(new GatewayAddress("127.0.0.1", 8090));
    assertThat(GatewayAddress.parse("gw.local:1")).isEqualTo(new GatewayAddress("gw.local", 1));
    assertThat(GatewayAddress.parse("[::1]:65535")).isEqualTo(new GatewayAddress("::1", 65535));
    assertThat(GatewayAddress.parse("[::1]:8090")).hasToString("[::1]:8090");
    for (String bad : new String[] {"localhost", ":8090", "host:", "host:x", "host:0", "host:65536", "::1:8090", ""}) {
      assertThatThrownBy(() -> GatewayAddress.parse(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--gateway: ");
    }
  }

  @Test
  void durations() {
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(DurationConverter.parse("7")).isEqualTo(Duration.ofSeconds(7));
    assertThat(DurationConverter.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(DurationConverter.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationConverter.parse("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
    assertThatThrownBy(() -> DurationConverter.parse("soon")).hasMessageContaining("'soon' is not a duration");
    assertThatThrownBy(() -> DurationConverter.parse("0s")).hasMessageContaining("longer than zero");
    assertThatThrownBy(() -> DurationConverter.parse("PT-1S")).hasMessageContaining("longer than zero");
  }

  @Test
  void aRefusalShowsTheTrailersUnderTheirNames() {
    Metadata trailers = new Metadata();
    trailers.put(GrpcMetadata.RETRY_AFTER_MS_KEY, "1200");
    Refusal limit = Refusal.of(Status.RESOURCE_EXHAUSTED.withDescription("over the rate limit").asRuntimeException(trailers));
    assertThat(limit.line()).isEqualTo("RESOURCE_EXHAUSTED: over the rate limit (retry-after-ms: 1200)");
    assertThat(limit.retryAfterMs()).isEqualTo(1200L);
    assertThat(limit.exitCode()).isEqualTo(3);

    Metadata owner = new Metadata();
    owner.put(GrpcMetadata.OWNER_REPLICA_KEY, "gateway-2");
    Refusal moved = Refusal.of(Status.UNAVAILABLE.withDescription("tenant owned by another replica")
        .withCause(new java.net.ConnectException("refused")).asRuntimeException(owner));
    assertThat(moved.line()).isEqualTo("UNAVAILABLE: tenant owned by another replica (java.net.ConnectException: refused)"
        + " (otc-owner-replica: gateway-2)");
    assertThat(moved.exitCode()).isEqualTo(4);

    Metadata odd = new Metadata();
    odd.put(GrpcMetadata.RETRY_AFTER_MS_KEY, "soon");
    Refusal unparsable = Refusal.of(Status.RESOURCE_EXHAUSTED.asRuntimeException(odd));
    assertThat(unparsable.retryAfterMs()).isNull();
    assertThat(unparsable.line()).isEqualTo("RESOURCE_EXHAUSTED (retry-after-ms: soon)");
  }

  @Test
  void oneExitCodePerClassOfOutcome() {
    assertThat(ExitCode.of(Status.Code.OK)).isEqualTo(0);
    assertThat(ExitCode.of(Status.Code.INVALID_ARGUMENT)).isEqualTo(2);
    assertThat(ExitCode.of(Status.Code.RESOURCE_EXHAUSTED)).isEqualTo(3);
    assertThat(ExitCode.of(Status.Code.UNAVAILABLE)).isEqualTo(4);
    assertThat(ExitCode.of(Status.Code.DEADLINE_EXCEEDED)).isEqualTo(4);
    assertThat(ExitCode.of(Status.Code.UNAUTHENTICATED)).isEqualTo(5);
    assertThat(ExitCode.of(Status.Code.PERMISSION_DENIED)).isEqualTo(5);
    assertThat(ExitCode.of(Status.Code.FAILED_PRECONDITION)).isEqualTo(6);
    assertThat(ExitCode.of(Status.Code.INTERNAL)).isEqualTo(6);
  }
}
