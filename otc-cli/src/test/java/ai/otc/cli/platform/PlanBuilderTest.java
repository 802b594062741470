package ai.otc.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.platform.supervisor.PartSpec;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the plan tells the rollout service about the run's end. */
class PlanBuilderTest {
  @TempDir Path home;

  private PartSpec rollout(int steps) throws Exception {
    Path jar = home.resolve(Home.ROLLOUT).resolve("target/quarkus-app/quarkus-run.jar");
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "");
    RunConfig run = new RunConfig("plan-run", "otc-grpo", steps, 1, 8, 16, 1, home.resolve("world"), "fp",
        home.resolve("policy.zip"), 3, "cpu", null);
    return new PlanBuilder(new Home(home), Map.of()).rollout(run, 18080, "127.0.0.1:9092", "127.0.0.1:9000", "t",
        URI.create("file:///tmp/store"), home.resolve("rollout.log"));
  }

  @Test
  void aRunOfNStepsGeneratesUntilTheLearnersVersionN() throws Exception {
    assertThat(rollout(60).properties()).containsEntry("otc.rollout.until-version", "60");
  }

  @Test
  void upWithoutStepsRunsUntilDownAndSetsNoLastVersion() throws Exception {
    // the rollout service requires until-version >= 1 when set: ./otc up (--steps 0) failed at its start with it at 0
    assertThat(rollout(0).properties()).doesNotContainKey("otc.rollout.until-version");
  }
}
