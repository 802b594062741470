package ai.otc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.cli.OtcProcess.Run;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The real {@code ./otc} launcher over the packaged classpath (target/classes + target/lib), as a user runs it. */
class OtcLauncherIT {


  private static Run otc(String stdin, String... args) throws Exception {
    return OtcProcess.run(stdin, null, Map.of(), Duration.ofSeconds(60), args);
  }

  @Test
  void helpListsTheSubcommands() throws Exception {
    Run r = otc("", "--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("Commands:").contains("score");
  }

  @Test
  void scoresStdinToStdoutAndReportsBadInputWithTheLineNumber() throws Exception {
    String in = "{\"trajectory_id\":\"t1\",\"group_id\":\"g\",\"question_id\":\"q\",\"tool_calls\":2,\"correct\":true}\n"
        + "{\"trajectory_id\":\"t2\",\"group_id\":\"g\",\"question_id\":\"q\",\"tool_calls\":1,\"correct\":true}\n";
    Run ok = otc(in, "score", "--reward", "otc-grpo");
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out().lines()).hasSize(2);
    assertThat(ok.out()).contains("\"n\":1").contains("\"reward\":1.0");
    assertThat(ok.err()).contains("2 trajectories in 1 groups");

    String g2 = "{\"trajectory_id\":\"t3\",\"group_id\":\"g2\",\"question_id\":\"q\",\"tool_calls\":0,\"correct\":true}\n";
    Run bad = otc(in + g2 + "{\"trajectory_id\":\"t4\",\"group_id\":\"g2\"\n", "score", "--reward", "em");
    assertThat(bad.exit()).isEqualTo(1);
    assertThat(bad.err()).contains("line 4: invalid JSON");
    // group g was complete when g2 started; g2 was half-read when the bad line came: not printed
    assertThat(bad.out().lines()).hasSize(2).allSatisfy(l -> assertThat(l).contains("\"group_id\":\"g\""));
  }

  @Test
  void aWarmStartPrintsItsSeedsAndNoLoggingFrameworkNotice(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
      throws Exception {
    String world = tmp.resolve("world").toString();
    Run w = otc("", "world", "-o", world, "--entities", "12", "--easy-arith", "4", "--hard-arith", "4");
    assertThat(w.exit()).as(w.err()).isZero();
    Run r = OtcProcess.run("", null, Map.of(), Duration.ofSeconds(120), "warmstart", "--world", world, "--steps", "2",
        "--batch", "4", "--d-model", "32", "--layers", "1", "--heads", "2", "--ff", "64", "--model-seed", "5",
        "--warm-seed", "6", "--no-check", "--cache-dir", tmp.resolve("cache").toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("seeds: model 5 (--model-seed), demonstrations 6 (--warm-seed), world 0 (--world-seed)");
    assertThat(r.out() + r.err()).as("slf4j's notice on the terminal").doesNotContain("SLF4J");
  }
}
