package ai.otc.reward.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Offset and time ranges of {@code ./otc rescore}, and the replay arguments it prints. */
class RescoreRangeTest {

  @Test
  void parsesUniformAndPerPartitionOffsets() {
    assertThat(RescoreRange.parseOffsets("--from-offset", "12")).containsExactly(Map.entry(-1, 12L));
    assertThat(RescoreRange.parseOffsets("--to-offset", "0:5, 2:9,*:7"))
        .containsExactly(Map.entry(-1, 7L), Map.entry(0, 5L), Map.entry(2, 9L));
    RescoreRange r = RescoreRange.offsets(RescoreRange.parseOffsets("f", "1:3"), RescoreRange.parseOffsets("t", "*:10,1:4"));
    assertThat(r.fromOffset(1)).isEqualTo(3L);
    assertThat(r.fromOffset(0)).isNull();
    assertThat(r.toOffset(1)).isEqualTo(4L);
    assertThat(r.toOffset(5)).isEqualTo(10L);
  }

  @Test
  void refusesBadRanges() {
    assertThatThrownBy(() -> RescoreRange.parseOffsets("--to-offset", "0:1,0:2")).hasMessageContaining("partition 0 given twice");
    assertThatThrownBy(() -> RescoreRange.parseOffsets("--to-offset", "x")).hasMessageContaining("--to-offset");
    assertThatThrownBy(() -> RescoreRange.parseOffsets("--to-offset", "-3")).hasMessageContaining(">= 0");
    assertThatThrownBy(() -> RescoreRange.offsets(5L, 4L)).hasMessageContaining("before from offset");
    assertThatThrownBy(() -> RescoreRange.times(Instant.ofEpochMilli(5), Instant.ofEpochMilli(4))).hasMessageContaining("before from time");
    assertThatThrownBy(() -> new RescoreRange(RescoreRange.parseOffsets("f", "1"), null, Instant.EPOCH, null))
        .hasMessageContaining("not both");
  }

  @Test
  void theReportPrintsArgumentsThatReplayTheResolvedRange() {
    TreeMap<Integer, long[]> ranges = new TreeMap<>();
    ranges.put(0, new long[] {0, 120});
    ranges.put(1, new long[] {3, 98});
    RescoreReport report = new RescoreReport(ranges, 215, 40, 1, 0, 2, 0, Map.of());
    assertThat(report.replayArguments()).isEqualTo("--from-offset 0:0,1:3 --to-offset 0:120,1:98");
    RescoreRange back = RescoreRange.offsets(RescoreRange.parseOffsets("f", "0:0,1:3"), RescoreRange.parseOffsets("t", "0:120,1:98"));
    assertThat(back.fromOffset(1)).isEqualTo(3L);
    assertThat(back.toOffset(0)).isEqualTo(120L);
    assertThat(report.describe()).contains("replay with: --from-offset 0:0,1:3").contains("groups scored: 40 (partial: 1)");
  }
}
