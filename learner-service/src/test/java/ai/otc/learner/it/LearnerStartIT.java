package ai.otc.learner.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.learner.support.PackagedLearner;
import ai.otc.testkit.process.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged learner refuses to start on a bad configuration, with the key in its log, before it touches Kafka (no
 * broker here): a value out of range, and a new run (no checkpoint) without its initial policy.
 */
class LearnerStartIT {

  @Test
  void aBadConfigurationStopsTheStartNamingTheKey(@TempDir Path dir) throws Exception {
    try (ServiceProcess svc = PackagedLearner.builder("bad-b", "127.0.0.1:1", "it-bad", dir,
        Map.of("otc.learner.groups-per-step", "0")).start()) {
      assertThat(svc.awaitExit(Duration.ofSeconds(90))).isNotZero();
      assertThat(svc.logText()).contains("otc.learner.groups-per-step");
    }
    // dir/initial.zip does not exist and there is no checkpoint.
    try (ServiceProcess svc = PackagedLearner.builder("no-initial", "127.0.0.1:1", "it-bad", dir, Map.of()).start()) {
      assertThat(svc.awaitExit(Duration.ofSeconds(90))).isNotZero();
      assertThat(svc.logText()).contains("otc.learner.initial-policy (" + dir.resolve("initial.zip") + ") is not a readable file");
    }
  }
}
