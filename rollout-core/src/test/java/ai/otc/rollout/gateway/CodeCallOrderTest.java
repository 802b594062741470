package ai.otc.rollout.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.tools.CodeCall;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How a step's programs go to the gateway: grouped by program in the order the programs first appear, the groups packed
 * into as few RPCs as the program and call limits allow.
 */
class CodeCallOrderTest {
  private static List<CodeCall> calls(String... programs) {
    List<CodeCall> out = new ArrayList<>();
    for (String p : programs) {
      out.add(new CodeCall(p, null));
    }
    return out;
  }

  @Test
  void aGroupsCopiesGoTogetherInOneBatch() {
    // two groups of three members each, the members of a group adjacent (as the sampler lays them out)
    assertThat(CodeCallRunner.byProgram(calls("a", "a", "a", "b", "b", "c"), 256))
        .containsExactly(List.of(0, 1, 2), List.of(3, 4), List.of(5));
  }

  @Test
  void programsKeepTheOrderTheyFirstAppearInAndCopiesTheStepsOrder() {
    assertThat(CodeCallRunner.byProgram(calls("c", "b", "a"), 256)).containsExactly(List.of(0), List.of(1), List.of(2));
    assertThat(CodeCallRunner.byProgram(calls("x", "y", "x", "y"), 256)).containsExactly(List.of(0, 2), List.of(1, 3));
    assertThat(CodeCallRunner.byProgram(calls("x", "x", "y", "y", "x"), 256))
        .containsExactly(List.of(0, 1, 4), List.of(2, 3));
  }

  @Test
  void aGroupOverTheBatchLimitIsSplitAndEveryCallIsSentExactlyOnce() {
    List<CodeCall> many = new ArrayList<>();
    for (int i = 0; i < 64; i++) {
      many.add(new CodeCall(i < 40 ? "big" : "p" + (i / 8), null));
    }
    List<List<Integer>> groups = CodeCallRunner.byProgram(many, 16);
    assertThat(groups).extracting(List::size).containsExactly(16, 16, 8, 8, 8, 8);
    assertThat(groups.get(0)).startsWith(0, 1, 2);
    assertThat(groups.get(2)).endsWith(39);
    assertThat(groups.stream().flatMap(List::stream).toList()).hasSize(64).doesNotHaveDuplicates();
  }

  @Test
  void groupsArePackedIntoAsFewRpcsAsTheLimitsAllow() {
    List<List<Integer>> groups = CodeCallRunner.byProgram(calls("a", "a", "b", "c", "c", "c", "d", "e"), 256);
    // 5 programs: at most 8 per RPC gives one RPC holding all, in order
    assertThat(CodeCallRunner.rpcBatches(groups, 8, 256)).containsExactly(groups);
    // at most 2 programs per RPC
    assertThat(CodeCallRunner.rpcBatches(groups, 2, 256)).containsExactly(
        List.of(List.of(0, 1), List.of(2)), List.of(List.of(3, 4, 5), List.of(6)), List.of(List.of(7)));
    // at most 3 calls per RPC: a group is never split, a new RPC starts where the next group would not fit
    assertThat(CodeCallRunner.rpcBatches(groups, 8, 3)).containsExactly(
        List.of(List.of(0, 1), List.of(2)), List.of(List.of(3, 4, 5)), List.of(List.of(6), List.of(7)));
    assertThat(CodeCallRunner.rpcBatches(List.of(), 8, 256)).isEmpty();
  }
}
