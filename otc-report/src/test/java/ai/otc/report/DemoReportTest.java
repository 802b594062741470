package ai.otc.report;

import ai.otc.report.support.SyntheticDemo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.otc.report.render.SummaryJson;
import com.fasterxml.jackson.databind.JsonNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files a report writes, from the synthetic demo's records (no broker). */
class DemoReportTest {

  @TempDir Path runDir;

  @Test
  void writesSummaryHtmlAndPlots() throws Exception {
    Summary s = DemoReport.write(SyntheticDemo.config(), SyntheticDemo.records(), runDir);
    assertThat(s.summaryJson()).isEqualTo(runDir.resolve("summary.json"));
    assertThat(s.plots()).hasSize(8).allSatisfy(p -> assertThat(p.getParent()).isEqualTo(runDir.resolve("plots")));
    for (Path p : s.plots()) {
      BufferedImage img = ImageIO.read(p.toFile());
      assertThat(img).as(p.toString()).isNotNull();
      assertThat(img.getWidth()).isEqualTo(640);
      assertThat(img.getHeight()).isEqualTo(360);
    }
    JsonNode json = SummaryJson.MAPPER.readTree(Files.readString(s.summaryJson()));
    JsonNode grpo = json.path("runs").path("otc-grpo");
    assertThat(grpo.path("tc").asDouble()).isCloseTo(0.625, within(1e-12));
    assertThat(grpo.path("vs_baseline").path("tc_reduction").asDouble()).isCloseTo(1.0 / 1.625, within(1e-12));
    assertThat(grpo.path("seeds")).hasSize(2);
    assertThat(grpo.path("seeds").get(1).path("tool_calls").path("agree").asBoolean()).isFalse();
    assertThat(grpo.path("by_kind").path("1p").path("tp").isNull()).isTrue();
    assertThat(grpo.path("std").path("em").asDouble()).isCloseTo(0.5 / Math.sqrt(2), within(1e-12));
    assertThat(json.path("runs").path("em").path("vs_baseline").isNull()).isTrue();
    assertThat(json.path("initial").path("em").asDouble()).isEqualTo(0.5);
    assertThat(json.path("tool_calls_agree").asBoolean()).isFalse();
    assertThat(json.path("curves").path("T.em.s1").path("calls_above_optimum").toString()).isEqualTo("[1.0,0.0]");
    assertThat(json.path("config").path("settings").path("steps").asInt()).isEqualTo(2);
    assertThat(json.path("versions").path("otc").asText()).isEqualTo("0.1.0-SNAPSHOT");
    assertThat(json.path("targets")).hasSize(4);
    assertThat(s.headline()).anyMatch(l -> l.startsWith("otc-grpo") && l.contains("TC ▼61.5 %"));
    assertThat(s.headline()).anyMatch(l -> l.contains("DISAGREE for T.otc-grpo.s2"));
  }

  @Test
  void theHtmlIsSelfContained() throws Exception {
    Summary s = DemoReport.write(SyntheticDemo.config(), SyntheticDemo.records(), runDir);
    String html = Files.readString(s.reportHtml());
    assertThat(html).doesNotContainIgnoringCase("http:").doesNotContainIgnoringCase("https:")
        .doesNotContain("<link").doesNotContain("<script").doesNotContain("@import").doesNotContain("url(");
    Matcher m = Pattern.compile("<img [^>]*src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
    int images = 0;
    while (m.find()) {
      BufferedImage img = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
      assertThat(img).isNotNull();
      images++;
    }
    assertThat(images).isEqualTo(8);
    assertThat(html).contains("Final table (paper format)", "Behaviour against the baseline", "Per question kind",
        "DISAGREE", "▼61.5 %", "world_1hop");
  }

  @Test
  void theSameRecordsGiveTheSameSummaryBytes() throws Exception {
    DemoReport.write(SyntheticDemo.config(), SyntheticDemo.records(), runDir);
    byte[] first = Files.readAllBytes(runDir.resolve("summary.json"));
    DemoReport.write(SyntheticDemo.config(), SyntheticDemo.records(), runDir);
    assertThat(Files.readAllBytes(runDir.resolve("summary.json"))).isEqualTo(first);
  }
}
