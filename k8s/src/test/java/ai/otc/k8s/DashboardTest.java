package ai.otc.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard queries only series that exist: each {@code otc_*} metric of a panel is documented in its
 * service's README metrics table (histogram suffixes {@code _bucket}/{@code _sum}/{@code _count} allowed) or is one of
 * the topic exporter's series, so a renamed metric cannot leave a panel silently empty. The dashboard ships in both
 * overlays as the ConfigMap Grafana's sidecar picks up, with the panels the issue asks for.
 */
class DashboardTest {

  private static final Pattern METRIC = Pattern.compile("\\botc_[a-z0-9_]+");

  @Test
  void everyOtcSeriesOfTheDashboardExists() throws IOException {
    JsonNode dashboard = new ObjectMapper().readTree(
        Rendered.k8sDir().resolve("base/monitoring/otc-dashboard.json").toFile());
    List<String> exprs = new ArrayList<>();
    dashboard.path("panels").forEach(p -> p.path("targets").forEach(t -> exprs.add(t.path("expr").asText())));
    assertThat(exprs).hasSizeGreaterThan(10);
    Set<String> used = new TreeSet<>();
    for (String e : exprs) {
      Matcher m = METRIC.matcher(e);
      while (m.find()) {
        used.add(m.group());
      }
    }
    String readmes = read("tool-gateway/README.md") + read("reward-service/README.md")
        + read("learner-service/README.md") + read("rollout-service/README.md");
    String exporter = read("k8s/base/topic-exporter/topic_exporter.py");
    Matcher gauges = Pattern.compile("for f in \\[([^\\]]+)\\]").matcher(exporter);
    assertThat(gauges.find()).as("the exporter's gauge list").isTrue();
    Set<String> exported = new TreeSet<>();
    for (String f : gauges.group(1).split(",")) {
      exported.add("otc_run_" + f.trim().replace("\"", ""));
    }
    exported.add("otc_run_step_seconds");
    Matcher counters = Pattern.compile("Counter\\(\"(otc_[a-z_]+)\"").matcher(exporter);
    while (counters.find()) {
      exported.add(counters.group(1) + "_total");
    }
    List<String> unknown = new ArrayList<>();
    for (String metric : used) {
      String base = metric.replaceAll("_(bucket|sum|count)$", "");
      if (!exported.contains(metric) && !readmes.contains("`" + metric) && !readmes.contains("`" + base)) {
        unknown.add(metric);
      }
    }
    assertThat(unknown).as("series no service documents and the exporter does not serve").isEmpty();
    assertThat(used).contains("otc_run_em", "otc_run_tc", "otc_run_tp", "otc_tool_usage_calls_total",
        "otc_tool_usage_refusals_total", "otc_gateway_call_latency_seconds_bucket");
    assertThat(String.join("\n", exprs)).contains("kafka_consumergroup_lag");
  }

  @Test
  void theDashboardShipsAsTheSidecarsConfigMapInBothOverlays() {
    for (String overlay : List.of("dev", "prod")) {
      ConfigMap cm = Rendered.overlay(overlay).one(ConfigMap.class, "otc-grafana-dashboard");
      assertThat(cm.getMetadata().getLabels()).containsEntry("grafana_dashboard", "1");
      assertThat(cm.getData()).containsKey("otc-dashboard.json");
    }
  }

  private static String read(String path) throws IOException {
    return Files.readString(Rendered.repoDir().resolve(Path.of(path)));
  }
}
