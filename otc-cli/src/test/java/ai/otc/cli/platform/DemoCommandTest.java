package ai.otc.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.cli.Otc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./otc demo} in this JVM, what is decided before anything starts: each bad flag is one line naming it (exit 2)
 * and leaves no run folder behind; the help says the demo's own defaults.
 */
class DemoCommandTest {
  @TempDir Path tmp;

  private record Result(int exit, String out, String err) {}

  private Result demo(String... more) {
    List<String> a = new ArrayList<>(List.of("demo", "--runs-dir", tmp.resolve("runs").toString()));
    a.addAll(List.of(more));
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Otc.commandLine().execute(a.toArray(String[]::new));
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private void refused(Result r, String message) {
    assertThat(r.exit()).as(r.err()).isEqualTo(2);
    assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
    assertThat(r.err()).startsWith("otc demo: ").contains(message);
    assertThat(tmp.resolve("runs")).doesNotExist();
  }

  @Test
  void badFlagsAreOneLineNamingTheFlagAndStartNothing() {
    refused(demo("--rewards", "em,nope"), "--rewards: unknown reward 'nope'");
    refused(demo("--rewards", "em,em"), "--rewards names em twice");
    refused(demo("--seeds", "0"), "--seeds must be at least 1, got 0");
    refused(demo("--steps", "0"), "--steps must be at least 1, got 0");
    refused(demo("--eval-split", "holdout"), "--eval-split must be train, dev or test, got holdout");
    refused(demo("--bootstrap", "127.0.0.1:9092"), "--bootstrap is not used by ./otc demo");
    refused(demo("--learner-port", "8100"), "--learner-port is not used by ./otc demo");
    refused(demo("--group-size", "1"), "--group-size must be at least 2");
    refused(demo("--world", tmp.resolve("nowhere").toString(), "--run-id", "x"), "no world at");
  }

  /** The settings {@code ./otc demo ARGS} resolves, and the learner keys its services get. */
  private static DemoSettings settings(String... args) throws Exception {
    picocli.CommandLine cl = new picocli.CommandLine(new DemoCommand());
    picocli.CommandLine.ParseResult parsed = cl.parseArgs(args);
    DemoCommand c = cl.getCommand();
    return DemoSettings.resolve(c, parsed, c.platform.overrides());
  }

  @Test
  void theFullDemoTrainsAtItsOwnLearningRateUnlessSetAndQuickKeepsTheLearners() throws Exception {
    DemoSettings full = settings();
    assertThat(full.steps()).isEqualTo(60);
    assertThat(full.learnerLr()).isEqualTo("1.5e-4");
    assertThat(full.withDemoDefaults(java.util.Map.of()).get("learner")).containsEntry("otc.learner.lr", "1.5e-4");
    DemoSettings given = settings("--set", "learner:otc.learner.lr=5e-5", "--set", "learner:otc.learner.kl-coef=0.02");
    assertThat(given.learnerLr()).isEqualTo("5e-5");
    assertThat(given.withDemoDefaults(java.util.Map.of("learner", java.util.Map.of("otc.learner.lr", "5e-5", "otc.learner.kl-coef", "0.02")))
        .get("learner")).containsEntry("otc.learner.lr", "5e-5").containsEntry("otc.learner.kl-coef", "0.02");
    DemoSettings quick = settings("--quick");
    assertThat(quick.steps()).isEqualTo(6);
    assertThat(quick.learnerLr()).isNull();
    assertThat(quick.withDemoDefaults(java.util.Map.of())).doesNotContainKey("learner");
    picocli.CommandLine cl = new picocli.CommandLine(new DemoCommand());
    cl.parseArgs();
    DemoCommand c = cl.getCommand();
    assertThat(full.toJson(c.run)).containsEntry("learner_lr", "1.5e-4").containsEntry("steps", 60)
        .containsEntry("overrides", java.util.Map.of());
  }

  @Test
  void everySetIsRecordedInTheSettingsByPart() throws Exception {
    DemoSettings s = settings("--set", "reward:otc.reward.advantage-scale=none", "--set", "learner:otc.learner.kl-coef=0.02");
    picocli.CommandLine cl = new picocli.CommandLine(new DemoCommand());
    cl.parseArgs();
    DemoCommand c = cl.getCommand();
    assertThat(s.toJson(c.run).get("overrides")).isEqualTo(java.util.Map.of(
        "reward", java.util.Map.of("otc.reward.advantage-scale", "none"),
        "learner", java.util.Map.of("otc.learner.kl-coef", "0.02")));
  }

  @Test
  void theHelpSaysTheDemosOwnDefaults() {
    Result r = demo("--help");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("--quick").contains("--seeds").contains("--rewards").contains("--seed 1")
        .contains("16 questions x 8 per step (--quick: 8 x 4)").contains("--ready-timeout")
        .contains("--set learner:otc.learner.lr=1.5e-4").contains("(default: 60, --quick 6)");
    assertThat(r.out().lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
  }
}
