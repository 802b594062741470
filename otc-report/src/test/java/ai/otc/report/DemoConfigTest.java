package ai.otc.report;

import ai.otc.report.support.SyntheticDemo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading demo.json, and the errors that name the file and the field. */
class DemoConfigTest {

  @TempDir Path dir;

  @Test
  void readsRunsRewardsAndSeeds() {
    DemoConfig c = SyntheticDemo.config();
    assertThat(c.demoId()).isEqualTo("T");
    assertThat(c.rewards()).containsExactly("em", "otc-grpo");
    assertThat(c.seeds()).containsExactly(1L, 2L);
    assertThat(c.runsOf("otc-grpo")).extracting(DemoConfig.Run::runId).containsExactly("T.otc-grpo.s1", "T.otc-grpo.s2");
    assertThat(c.runs().get(0).wallSeconds()).isEqualTo(10.5);
    assertThat(c.initialEvalRunId()).isEqualTo("T.initial");
  }

  @Test
  void missingOrBrokenFilesAreNamed() throws Exception {
    assertThatThrownBy(() -> DemoConfig.read(dir)).isInstanceOf(ReportInputException.class)
        .hasMessageContaining(dir.resolve("demo.json").toString()).hasMessageContaining("missing");
    Files.writeString(dir.resolve("demo.json"), "{not json");
    assertThatThrownBy(() -> DemoConfig.read(dir)).isInstanceOf(ReportInputException.class).hasMessageContaining("not valid JSON");
    Files.writeString(dir.resolve("demo.json"), "{\"demo_id\": \"D\", \"runs\": [{\"run_id\": \"E.em.s1\", \"reward\": \"em\", \"seed\": 1}]}");
    assertThatThrownBy(() -> DemoConfig.read(dir)).isInstanceOf(ReportInputException.class)
        .hasMessageContaining("runs[0].run_id E.em.s1 does not start with the demo id D.");
    Files.writeString(dir.resolve("demo.json"), "{\"runs\": []}");
    assertThatThrownBy(() -> DemoConfig.read(dir)).isInstanceOf(ReportInputException.class).hasMessageContaining("\"demo_id\"");
  }
}
