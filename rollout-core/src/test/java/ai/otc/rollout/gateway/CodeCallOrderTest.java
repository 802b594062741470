package ai.otc.rollout.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.tools.CodeCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order a step's programs go to the gateway in: each distinct program once first, then the repeats. */
class CodeCallOrderTest {
  private static List<CodeCall> calls(String... programs) {
    List<CodeCall> out = new ArrayList<>();
    for (String p : programs) {
      out.add(new CodeCall(p, null));
    }
    return out;
  }

  @Test
  void aGroupsRepeatsWaitBehindTheOtherGroupsFirstPrograms() {
    // two groups of three members each, the members of a group adjacent (as the sampler lays them out)
    assertThat(GatewayToolBackend.distinctFirst(calls("a", "a", "a", "b", "b", "c")))
        .containsExactly(0, 3, 5, 1, 2, 4);
  }

  @Test
  void distinctProgramsKeepTheStepsOrder() {
    assertThat(GatewayToolBackend.distinctFirst(calls("c", "b", "a"))).containsExactly(0, 1, 2);
    assertThat(GatewayToolBackend.distinctFirst(calls("x", "y", "x", "y"))).containsExactly(0, 1, 2, 3);
    assertThat(GatewayToolBackend.distinctFirst(calls("x", "x", "y", "y", "x"))).containsExactly(0, 2, 1, 3, 4);
  }

  @Test
  void everyCallIsSentExactlyOnce() {
    List<CodeCall> many = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      many.add(new CodeCall("p" + (i / 8), null));
    }
    int[] order = GatewayToolBackend.distinctFirst(many);
    assertThat(order).hasSize(64).doesNotHaveDuplicates();
    assertThat(order).startsWith(0, 8, 16, 24, 32, 40, 48, 56);
  }
}
