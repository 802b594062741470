package ai.otc.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.otc.proto.v1.StepMetrics;
import ai.otc.proto.v1.Trajectory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The demo's report against the topics it was built from: every final number of {@code summary.json} recomputed here
 * from the evaluation records with the definitions of the issue (not with the report's code), and the report's files
 * present.
 */
final class DemoReportCheck {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DemoReportCheck() {}

  static void assertMatchesTopics(Path demo, Map<String, List<StepMetrics>> metrics, Map<String, List<Trajectory>> evals,
      List<String> runIds) throws Exception {
    assertThat(demo.resolve("report.html")).isNotEmptyFile();
    assertThat(demo.resolve("plots")).isDirectoryContaining("glob:**.png");
    JsonNode summary = JSON.readTree(demo.resolve("summary.json").toFile());
    assertThat(summary.path("tool_calls_agree").asBoolean()).as("metered = sent for every run: %s", summary.path("runs")).isTrue();
    for (String id : runIds) {
      List<StepMetrics> steps = metrics.get(id);
      JsonNode curve = summary.path("curves").path(id);
      assertThat(curve.path("step")).as("steps of %s", id).hasSize(steps.size());
      for (int i = 0; i < steps.size(); i++) {
        assertThat(curve.path("step").get(i).asLong()).isEqualTo(steps.get(i).getStep());
        assertThat(curve.path("em").get(i).asDouble()).as("em of %s step %d", id, i + 1).isEqualTo(steps.get(i).getEm());
        assertThat(curve.path("tc").get(i).asDouble()).as("tc of %s step %d", id, i + 1).isEqualTo(steps.get(i).getTc());
        assertThat(curve.path("kl").get(i).asDouble()).as("kl of %s step %d", id, i + 1).isEqualTo(steps.get(i).getKl());
        assertThat(curve.path("mean_reward").get(i).asDouble()).isEqualTo(steps.get(i).getMeanReward());
      }
    }
    for (String id : runIds) {
      String reward = id.substring(id.indexOf('.') + 1, id.lastIndexOf('.'));
      JsonNode run = summary.path("runs").path(reward);
      assertThat(run.isMissingNode()).as("summary.json runs.%s", reward).isFalse();
      List<Trajectory> e = evals.get(id);
      double n = e.size();
      double em = e.stream().filter(Trajectory::getCorrect).count() / n;
      double tc = e.stream().mapToInt(Trajectory::getToolCallCount).sum() / n;
      double optimal = e.stream().mapToInt(Trajectory::getMinCalls).sum() / n;
      double rate = e.stream().filter(t -> t.getCorrect() && t.getToolCallCount() == t.getMinCalls()).count() / n;
      assertThat(run.path("em").asDouble()).as("em of %s", id).isCloseTo(em, within(1e-9));
      assertThat(run.path("tc").asDouble()).as("tc of %s", id).isCloseTo(tc, within(1e-9));
      assertThat(run.path("optimal_tc").asDouble()).as("optimal_tc of %s", id).isCloseTo(optimal, within(1e-9));
      assertThat(run.path("excess_calls").asDouble()).as("excess_calls of %s", id).isCloseTo(tc - optimal, within(1e-9));
      assertThat(run.path("optimal_call_rate").asDouble()).as("optimal_call_rate of %s", id).isCloseTo(rate, within(1e-9));
      long calls = e.stream().mapToInt(Trajectory::getToolCallCount).sum();
      if (calls == 0) {
        assertThat(run.path("tp").isNull()).as("tp of %s without calls", id).isTrue();
      } else {
        assertThat(run.path("tp").asDouble()).as("tp of %s", id).isCloseTo(em * n / calls, within(1e-9));
      }
      for (Trajectory t : e) {
        assertThat(run.path("by_kind").has(t.getQuestionKind())).as("by_kind.%s of %s", t.getQuestionKind(), id).isTrue();
      }
      assertThat(metrics.get(id)).isNotEmpty();
    }
  }
}
