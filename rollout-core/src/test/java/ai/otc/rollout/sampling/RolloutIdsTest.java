package ai.otc.rollout.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RolloutIdsTest {
  @Test
  void idsFollowTheLoopProtocol() {
    String g = RolloutIds.groupId("run-1", 12, "train-0042");
    assertThat(g).isEqualTo("run-1/b12/train-0042");
    assertThat(RolloutIds.trajectoryId(g, 3)).isEqualTo("run-1/b12/train-0042/3");
    assertThat(RolloutIds.callId(RolloutIds.trajectoryId(g, 3), 1)).isEqualTo("run-1/b12/train-0042/3:1");
    assertThatThrownBy(() -> RolloutIds.groupId("", 0, "q")).hasMessageContaining("run id");
    assertThatThrownBy(() -> RolloutIds.groupId("r", -1, "q")).hasMessageContaining("batch");
    assertThatThrownBy(() -> RolloutIds.trajectoryId(g, -1)).hasMessageContaining("k");
  }

  @Test
  void seedsAreDeterministicAndDistinct() {
    Set<Long> seen = new HashSet<>();
    for (long seed : new long[] {0, 1}) {
      for (long b = 0; b < 20; b++) {
        for (int q = 0; q < 50; q++) {
          for (int k = 0; k < 8; k++) {
            long s = RolloutIds.trajectorySeed(seed, b, "q" + q, k);
            assertThat(s).isEqualTo(RolloutIds.trajectorySeed(seed, b, "q" + q, k));
            seen.add(s);
          }
        }
      }
    }
    assertThat(seen).as("no collisions over 16,000 trajectories").hasSize(2 * 20 * 50 * 8);
  }
}
