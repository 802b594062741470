package ai.otc.loop;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.tools.CallStatus;
import ai.otc.policy.tools.CodeCall;
import ai.otc.policy.tools.CodeOutcome;
import ai.otc.policy.tools.ToolBackend;
import ai.otc.tools.sandbox.Sandbox;
import ai.otc.tools.sandbox.SandboxConfig;
import ai.otc.world.Question;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import ai.otc.world.WorldIo;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LibraryTools}: the gateway's search with the world ranking answers exactly what the warm start's in-process
 * search answers, and programs run in the real sandbox (skipped with the reason where bubblewrap is missing, as the
 * sandbox's own tests are).
 */
class LibraryToolsTest {
  /** A uid range of its own (the gateway uses 61000.., otc-tools' tests 63000.., the gateway's tests 64000..). */
  static final int UID_BASE = 62000;
  static final World WORLD = WorldGenerator.generate(WorldConfig.defaults());
  @TempDir static Path dir;
  static LibraryTools tools;

  @BeforeAll
  static void open() {
    SandboxConfig config = SandboxConfig.defaults().withUidBase(UID_BASE).withSlots(4);
    Sandbox probe = Sandbox.create(config);
    Assumptions.assumeTrue(probe.available(), () -> "sandbox unavailable: " + probe.unavailableReason());
    WorldIo.write(WORLD, dir.resolve("world"));
    tools = new LibraryTools(dir.resolve("world/corpus.jsonl"), dir.resolve("index"), config);
  }

  @AfterAll
  static void close() {
    if (tools != null) {
      tools.close();
    }
  }

  @Test
  void searchesAsTheStandInsDoOnEveryQuestionSubject() {
    InProcessTools standIns = new InProcessTools(WORLD.corpus());
    int compared = 0;
    for (Question q : WORLD.questions().subList(0, 200)) {
      for (String query : List.of(q.subject(), q.subject() + " city", "no such words here")) {
        assertThat(ids(tools.search(query, 3))).as(query).isEqualTo(ids(standIns.search(query, 3)));
        compared++;
      }
    }
    assertThat(compared).isEqualTo(600);
    assertThat(tools.search(WORLD.questions().get(0).subject(), 1)).hasSize(1);
  }

  @Test
  void runsProgramsInTheSandboxTogetherAndAnswersARepeatFromTheCache() {
    List<CodeOutcome> first = tools.executeBatch(List.of(new CodeCall("print(6*7)", null),
        new CodeCall("print(sum(range(10)))", null), new CodeCall("1/0", null), new CodeCall("print(6*7)", null)));
    assertThat(first).extracting(o -> o.execution().stdout()).containsExactly("42\n", "45\n", "", "42\n");
    assertThat(first.get(2).execution().stderr()).contains("ZeroDivisionError");
    assertThat(first).extracting(o -> o.info().status())
        .containsExactly(CallStatus.OK, CallStatus.OK, CallStatus.ERROR, CallStatus.OK);
    // one run per distinct program: the repeat within the batch joins the first, as the gateway's single flight does
    assertThat(first).extracting(o -> o.info().cacheHit()).containsExactly(false, false, false, true);
    List<CodeOutcome> again = tools.executeBatch(List.of(new CodeCall("print(6*7)", null)));
    assertThat(again.get(0).info().cacheHit()).isTrue();
    assertThat(again.get(0).execution().stdout()).isEqualTo("42\n");
    ToolBackend.Execution single = tools.execute("print(7)");
    assertThat(single.exitCode()).isZero();
    assertThat(single.stdout()).isEqualTo("7\n");
  }

  @Test
  void blankCallsAreAnsweredAsThePlatformsClientAnswersThemWithoutRunningAnything() {
    assertThat(tools.search("  ", 3)).isEmpty();
    List<CodeOutcome> out = tools.executeBatch(List.of(new CodeCall(" ", null), new CodeCall("print(2+2)", null)));
    assertThat(out.get(0).info().status()).isEqualTo(CallStatus.NOT_EXECUTED);
    assertThat(out.get(0).execution().stdout()).isEmpty();
    assertThat(out.get(1).execution().stdout()).isEqualTo("4\n");
  }

  private static List<String> ids(List<ToolBackend.Hit> hits) {
    return hits.stream().map(ToolBackend.Hit::id).toList();
  }
}
