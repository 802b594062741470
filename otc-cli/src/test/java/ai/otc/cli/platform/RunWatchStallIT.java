package ai.otc.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.contract.Topics;
import ai.otc.platform.kafka.EmbeddedBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that can no longer finish ends with a message instead of hanging: {@link RunWatch} against a real broker on
 * which no step ever arrives (as when the learner waits for groups that will not come).
 */
class RunWatchStallIT {
  @TempDir Path tmp;

  @Test
  void aRunWithoutStepsFailsAfterTheStallLimitNamingTheLogs() throws Exception {
    try (EmbeddedBroker broker = EmbeddedBroker.builder(tmp.resolve("kafka")).build().start()) {
      broker.createTopic(Topics.METRICS, 1);
      broker.createTopic(Topics.POLICY, 1);
      Layout.Run dir = new Layout(tmp.resolve("runs")).run("stalled");
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      java.nio.file.Files.createDirectories(dir.dir());
      RunWatch watch = new RunWatch(new PrintStream(out, true, StandardCharsets.UTF_8), "stalled", 3, dir, tmp.resolve("w"),
          () -> false).stallLimit(Duration.ofSeconds(3));
      long t0 = System.nanoTime();
      assertThatThrownBy(() -> watch.follow(broker.bootstrap(), Optional::empty))
          .isInstanceOf(Refusal.class)
          .hasMessageContaining("no progress for")
          .hasMessageContaining("after step 0 of 3")
          .hasMessageContaining(dir.log("learner").toString());
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofSeconds(3), Duration.ofSeconds(60));
    }
  }
}
