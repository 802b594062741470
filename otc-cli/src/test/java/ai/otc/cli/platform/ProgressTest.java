package ai.otc.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.proto.v1.StepMetrics;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.Test;

/** The progress line and the metrics.jsonl line of {@code ./otc train}. */
class ProgressTest {

  private static StepMetrics step(long step, long atMillis) {
    return StepMetrics.newBuilder().setRunId("r").setStep(step).setPolicyVersion(step).setReward("otc-grpo").setEm(0.5).setTc(1.25)
        .setTp(0.4).setMeanReward(0.375).setKl(0.00123).setTrajectories(16)
        .setTime(Timestamp.newBuilder().setSeconds(atMillis / 1000).setNanos((int) (atMillis % 1000) * 1_000_000)).build();
  }

  @Test
  void oneLinePerStepWithItsOwnPaceAndTheTimeLeft() {
    Progress p = new Progress(10, 1_000_000);
    assertThat(p.line(step(1, 1_004_000), 1_009_000))
        .isEqualTo("step 1/10  v1  EM 0.500  TC 1.25  TP 0.400  reward 0.375  KL 0.0012  4.0 s/step  ETA 36s");
    // arrives together with step 1, published 2 s after it
    assertThat(p.line(step(2, 1_006_000), 1_009_000)).contains("  2.0 s/step  ETA 24s");
    assertThat(p.line(step(3, 1_007_000).toBuilder().clearTp().build(), 1_009_000)).contains("TP -").contains("ETA 16s");
  }

  @Test
  void durations() {
    assertThat(Progress.duration(45)).isEqualTo("45s");
    assertThat(Progress.duration(187)).isEqualTo("3m07s");
    assertThat(Progress.duration(3720)).isEqualTo("1h02m");
  }

  @Test
  void metricsLinesAreOneJsonObjectWithProtoNamesAndZeros() throws Exception {
    String line = RunWatch.json(step(1, 1_000).toBuilder().setLoss(0).putExtra("em_1p", 1.0).build());
    assertThat(line).doesNotContain("\n");
    JsonNode j = new ObjectMapper().readTree(line);
    assertThat(j.get("run_id").asText()).isEqualTo("r");
    assertThat(j.get("policy_version").asLong()).isEqualTo(1);
    assertThat(j.get("mean_reward").asDouble()).isEqualTo(0.375);
    assertThat(j.get("loss").asDouble()).as("zeros are written too").isZero();
    assertThat(j.get("extra").get("em_1p").asDouble()).isEqualTo(1.0);
  }
}
