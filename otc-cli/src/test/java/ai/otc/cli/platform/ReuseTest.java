package ai.otc.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.platform.process.Procs;
import ai.otc.platform.supervisor.PlatformState;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@code ./otc train} takes from the platform {@code ./otc up} left running. */
class ReuseTest {
  private static final long SELF = ProcessHandle.current().pid();
  private static final String STARTED = Procs.startTime(SELF).orElseThrow().toString();
  private static final Map<String, String> INFO = Map.of("bootstrap", "127.0.0.1:9092", "gateway", "127.0.0.1:8090",
      "token_file", "/r/platform/gateway.token", "run_id", "r1");

  /** A part that runs (this JVM) or that is gone (a start time that is not this JVM's). */
  private static PlatformState.Part part(String name, boolean running) {
    return new PlatformState.Part(name, "QUARKUS", SELF, running ? STARTED : Instant.EPOCH.toString(), "127.0.0.1:1", "x.log", true, 1, null);
  }

  private static Optional<PlatformState> up(String status, boolean supervisor, PlatformState.Part... parts) {
    return Optional.of(new PlatformState(SELF, supervisor ? STARTED : Instant.EPOCH.toString(), status, null, List.of(parts), INFO, "now"));
  }

  @Test
  void noPlatformMeansEverythingIsStarted() {
    assertThat(Reuse.decide(Optional.empty(), "r2", null)).isEqualTo(new Reuse(null, null, null, false));
    assertThat(Reuse.decide(Optional.empty(), "r2", "k:9092")).isEqualTo(new Reuse("k:9092", null, null, false));
  }

  @Test
  void brokerAndGatewayOfARunningPlatformAreUsedAndTheRunStartsItsOwnServices() {
    Reuse r = Reuse.decide(up(PlatformState.READY, true, part("kafka", true), part("gateway", true)), "r2", null);
    assertThat(r).isEqualTo(new Reuse("127.0.0.1:9092", "127.0.0.1:8090", Path.of("/r/platform/gateway.token"), false));
    assertThat(Reuse.decide(up(PlatformState.READY, true, part("kafka", true), part("gateway", true)), "r2", "other:9092").bootstrap())
        .as("--bootstrap wins").isEqualTo("other:9092");
  }

  @Test
  void theSameRunIdWithAllItsServicesRunningIsFollowed() {
    Optional<PlatformState> all = up(PlatformState.READY, true, part("kafka", true), part("gateway", true), part("reward", true),
        part("learner", true), part("rollout", true));
    assertThat(Reuse.decide(all, "r1", null).attach()).isTrue();
    assertThat(Reuse.decide(all, "r2", null).attach()).isFalse();
    Optional<PlatformState> learnerGone = up(PlatformState.DEGRADED, true, part("kafka", true), part("gateway", true),
        part("reward", true), part("learner", false), part("rollout", true));
    assertThat(Reuse.decide(learnerGone, "r1", null).attach()).isFalse();
  }

  @Test
  void partsThatAreGoneAreNotUsed() {
    Reuse r = Reuse.decide(up(PlatformState.DEGRADED, true, part("kafka", false), part("gateway", false)), "r2", null);
    assertThat(r).isEqualTo(new Reuse(null, null, null, false));
    assertThat(Reuse.decide(up(PlatformState.READY, false, part("kafka", true), part("gateway", true)), "r2", null))
        .as("a supervisor that is gone").isEqualTo(new Reuse(null, null, null, false));
    assertThat(Reuse.decide(up(PlatformState.STARTING, true, part("kafka", true)), "r2", null).bootstrap())
        .as("not ready yet").isNull();
  }
}
