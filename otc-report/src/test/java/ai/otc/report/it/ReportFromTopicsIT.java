package ai.otc.report.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.otc.report.BrokerBusyException;
import ai.otc.report.DemoReport;
import ai.otc.report.ReportInputException;
import ai.otc.report.Summary;
import ai.otc.report.render.SummaryJson;
import ai.otc.report.support.DemoTopics;
import ai.otc.report.support.SyntheticDemo;
import ai.otc.testkit.kafka.KafkaBroker;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topics are the record: a report built from a live broker (what {@code ./otc demo} does at its end) and one
 * rebuilt later by a broker started on the same data (what {@code ./otc report --run D} does) write the same
 * {@code summary.json}, byte for byte, with the numbers worked out by hand, and uncommitted records left out.
 */
class ReportFromTopicsIT {

  @TempDir Path runDir;
  @TempDir Path elsewhere;

  @Test
  void aRebuildFromTheSameDataWritesTheSameSummary() throws Exception {
    Files.writeString(runDir.resolve("demo.json"), SyntheticDemo.DEMO_JSON);
    try (KafkaBroker broker = KafkaBroker.create().start()) {
      DemoTopics.write(broker);
      Summary live = DemoReport.build(broker.bootstrap(), runDir);
      byte[] first = Files.readAllBytes(live.summaryJson());
      JsonNode json = SummaryJson.MAPPER.readTree(first);
      // hand-computed (see DemoResultTest); the aborted question qz and step 3 are not there
      assertThat(json.path("runs").path("em").path("tc").asDouble()).isCloseTo(1.625, within(1e-12));
      assertThat(json.path("runs").path("em").path("seeds").get(0).path("questions").asInt()).isEqualTo(4);
      assertThat(json.path("curves").path("T.em.s1").path("step").toString()).isEqualTo("[1,2]");
      assertThat(json.path("runs").path("otc-grpo").path("vs_baseline").path("excess_removed").asDouble())
          .isCloseTo(1.0 / 0.875, within(1e-12));
      assertThat(json.path("records").path("read").path("otc.evaluations.v1").asLong()).isEqualTo(22);
      assertThat(json.path("records").path("kept").path("otc.tool-usage.v1").asLong()).isEqualTo(32);
      assertThat(json.path("records").path("missing_topics")).isEmpty();
      // the same numbers as the records given directly, without Kafka
      Summary direct = DemoReport.write(SyntheticDemo.config(), SyntheticDemo.records(), elsewhere);
      JsonNode directJson = SummaryJson.MAPPER.readTree(Files.readAllBytes(direct.summaryJson()));
      assertThat(json.path("runs").equals(directJson.path("runs"))).as("runs as from the records directly").isTrue();
      assertThat(json.path("curves").equals(directJson.path("curves"))).as("curves as from the records directly").isTrue();
      assertThat(json.path("initial").equals(directJson.path("initial"))).as("initial as from the records directly").isTrue();

      broker.stop();
      Files.delete(live.summaryJson());
      Summary rebuilt = DemoReport.rebuild(runDir, broker.dataDir());
      assertThat(Files.readAllBytes(rebuilt.summaryJson())).isEqualTo(first);
      assertThat(rebuilt.reportHtml()).isNotEmptyFile();
      assertThat(rebuilt.plots()).hasSize(8);

      // the rebuild's broker is gone: the test's broker starts again on the same data and the report is the same
      broker.start();
      DemoReport.build(broker.bootstrap(), runDir);
      assertThat(Files.readAllBytes(runDir.resolve("summary.json"))).isEqualTo(first);
    }
  }

  @Test
  void aBrokerStillRunningOnTheDataIsRefusedAndMissingDataOrTopicsAreNamed() throws Exception {
    Files.writeString(runDir.resolve("demo.json"), SyntheticDemo.DEMO_JSON);
    try (KafkaBroker broker = KafkaBroker.create().start()) {
      assertThatThrownBy(() -> DemoReport.rebuild(runDir, broker.dataDir())).isInstanceOf(BrokerBusyException.class)
          .hasMessageContaining(broker.dataDir().toString()).hasMessageContaining("--bootstrap");
      // a broker without the topics: a report that says so, with no numbers, rather than a failure
      JsonNode empty = DemoReport.build(broker.bootstrap(), runDir).json();
      assertThat(empty.path("records").path("missing_topics").toString())
          .isEqualTo("[\"otc.evaluations.v1\",\"otc.metrics.v1\",\"otc.rollouts.v1\",\"otc.tool-usage.v1\"]");
      assertThat(empty.path("runs").path("em").path("em").isNull()).isTrue();
      assertThat(empty.path("runs").path("em").path("questions").asInt()).isZero();
    }
    assertThatThrownBy(() -> DemoReport.rebuild(runDir)).isInstanceOf(ReportInputException.class)
        .hasMessageContaining(runDir.resolve("kafka").toString()).hasMessageContaining("no broker data");
    assertThatThrownBy(() -> DemoReport.rebuild(runDir.resolve("nope"))).isInstanceOf(ReportInputException.class)
        .hasMessageContaining("does not exist");
  }
}
