package ai.otc.cli.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.otc.cli.Otc;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code otc score} end to end through picocli, with stdin/stdout/stderr captured. */
class ScoreCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  record Run(int exit, List<JsonNode> lines, String stdout, String stderr) {}

  private static Run run(String input, String... args) throws Exception {
    ScoreCommand cmd = new ScoreCommand();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    cmd.stdin = new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
    cmd.stdout = out;
    cmd.stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
    int exit = new CommandLine(cmd).execute(args);
    String stdout = out.toString(StandardCharsets.UTF_8);
    List<JsonNode> lines = new ArrayList<>();
    for (String l : stdout.split("\n")) {
      if (!l.isBlank()) {
        lines.add(JSON.readTree(l));
      }
    }
    return new Run(exit, lines, stdout, err.toString(StandardCharsets.UTF_8));
  }

  private static String line(String tid, String gid, String qid, int m, boolean correct) {
    return String.format("{\"trajectory_id\":\"%s\",\"group_id\":\"%s\",\"question_id\":\"%s\",\"tool_calls\":%d,\"correct\":%b}%n",
        tid, gid, qid, m, correct);
  }

  /** OTC.md §6.1 case A: (0,F) (1,T) (2,T) (3,T) (1,F). */
  private static String caseA(String gid) {
    return line("a1", gid, "q", 0, false) + line("a2", gid, "q", 1, true) + line("a3", gid, "q", 2, true)
        + line("a4", gid, "q", 3, true) + line("a5", gid, "q", 1, false);
  }

  @Test
  void scoresGroupCaseAWithThePapersNumbers() throws Exception {
    Run r = run(caseA("g1"), "--reward", "otc-grpo");
    assertThat(r.exit()).isZero();
    assertThat(r.lines()).hasSize(5);
    double[] rewards = {0, 1, 0.866025, 0.707107, 0};
    double[] adv = {-1.069703, 1.008898, 0.730418, 0.400090, -1.069703};
    for (int i = 0; i < 5; i++) {
      JsonNode n = r.lines().get(i);
      assertThat(n.get("trajectory_id").asText()).isEqualTo("a" + (i + 1));
      assertThat(n.get("reward").asDouble()).isCloseTo(rewards[i], within(1e-6));
      assertThat(n.get("advantage").asDouble()).isCloseTo(adv[i], within(1e-6));
      assertThat(n.get("n").asInt()).isEqualTo(1);
      assertThat(n.get("tool_calls").asInt()).as("input fields kept").isEqualTo(n.get("m").asInt());
    }
  }

  @Test
  void unscaledAdvantagesAreTheCentredRewards() throws Exception {
    Run r = run(caseA("g1"), "--reward", "otc-grpo", "--advantage-scale", "none");
    assertThat(r.exit()).isZero();
    // rewards 0, 1, 0.866025, 0.707107, 0: mean 0.514626
    double[] adv = {-0.514626, 0.485374, 0.351399, 0.192481, -0.514626};
    for (int i = 0; i < 5; i++) {
      assertThat(r.lines().get(i).get("advantage").asDouble()).as("member %d", i).isCloseTo(adv[i], within(1e-6));
    }
    Run bad = run(caseA("g1"), "--reward", "otc-grpo", "--advantage-scale", "zscore");
    assertThat(bad.exit()).isNotZero();
  }

  @Test
  void baselineAndPpoOnTheSameGroup() throws Exception {
    Run em = run(caseA("g1"), "--reward", "em");
    assertThat(em.lines()).extracting(n -> n.get("advantage").asDouble())
        .satisfies(a -> assertThat(a.get(0)).isCloseTo(-1.095443, within(1e-6)))
        .satisfies(a -> assertThat(a.get(1)).isCloseTo(0.730295, within(1e-6)));
    assertThat(em.lines()).allSatisfy(n -> {
      assertThat(n.get("n").isNull()).isTrue();
      assertThat(n.get("r_tool").isNull()).isTrue();
    });
    Run ppo = run(caseA("g1"), "--reward", "otc-ppo", "--c", "3", "--alpha", "2");
    assertThat(ppo.lines().get(1).get("reward").asDouble()).isCloseTo(2 * 0.809017, within(1e-6));
  }

  @Test
  void nCarriesAcrossGroupsInTheRunAndAcrossRunsThroughTheStateFile() throws Exception {
    String first = line("t1", "g1", "q", 2, true) + line("t2", "g1", "q", 3, true)
        + line("t3", "g2", "q", 3, true) + line("t4", "g2", "q", 4, false);
    Path state = tmp.resolve("n.json");
    Run r1 = run(first, "--reward", "otc-grpo", "--state", state.toString());
    assertThat(r1.exit()).isZero();
    // group 2's local minimum is 3, but the history from group 1 (2) wins
    assertThat(r1.lines().get(2).get("n").asInt()).isEqualTo(2);
    assertThat(r1.lines().get(2).get("r_tool").asDouble()).isCloseTo(Math.sin(Math.PI * 3 / 5), within(1e-12));
    assertThat(JSON.readTree(state.toFile()).get("q").asInt()).isEqualTo(2);

    Run r2 = run(line("t5", "g3", "q", 3, true), "--reward", "otc-grpo", "--state", state.toString());
    assertThat(r2.lines().get(0).get("n").asInt()).isEqualTo(2);
    Run fresh = run(line("t5", "g3", "q", 3, true), "--reward", "otc-grpo");
    assertThat(fresh.lines().get(0).get("n").asInt()).isEqualTo(3);
  }

  @Test
  void responseInputIsParsedCountedAndScored() throws Exception {
    String response = "<think>x</think><search>capital of france</search>\\n\\n<information>Doc 1(Title: Paris) capital</information>\\n\\n"
        + "<search>again</search>\\n\\n<information>d</information>\\n\\n<answer> Paris! </answer>";
    String in = "{\"trajectory_id\":\"t1\",\"group_id\":\"g\",\"question_id\":\"q\",\"response\":\"" + response
        + "\",\"golden_answers\":[\"paris\"]}\n"
        + "{\"trajectory_id\":\"t2\",\"group_id\":\"g\",\"question_id\":\"q\",\"response\":\"<answer>Rome</answer>\",\"golden_answers\":\"Paris\"}\n"
        + "{\"trajectory_id\":\"t3\",\"group_id\":\"g\",\"question_id\":\"q\",\"response\":\"<search>a</search>\",\"golden_answers\":[\"Paris\"]}\n";
    Run r = run(in, "--reward", "otc-grpo");
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.lines().get(0).get("m").asInt()).isEqualTo(2);
    assertThat(r.lines().get(0).get("answer").asText()).isEqualTo("Paris!");
    assertThat(r.lines().get(0).get("correct").asBoolean()).isTrue();
    assertThat(r.lines().get(1).get("correct").asBoolean()).isFalse();
    assertThat(r.lines().get(1).get("m").asInt()).isZero();
    assertThat(r.lines().get(2).get("m").asInt()).as("final unexecuted search counts").isEqualTo(1);
    assertThat(r.lines().get(2).get("answer").isNull()).isTrue();
  }

  @Test
  void aGroupThatComesBackIsAnErrorAndTheHalfReadGroupIsNotPrinted() throws Exception {
    String in = line("t1", "g1", "q", 1, true) + line("t2", "g2", "q2", 1, true) + line("t3", "g2", "q2", 1, true)
        + line("t4", "g1", "q", 1, true);
    Path state = tmp.resolve("s.json");
    Run r = run(in, "--reward", "otc-grpo", "--state", state.toString());
    assertThat(r.exit()).isNotZero();
    assertThat(r.stderr()).contains("line 4").contains("group_id 'g1' comes back");
    // g1 finished before the error and was printed; g2 was complete too (g1's return ends it)
    assertThat(r.lines()).extracting(n -> n.get("trajectory_id").asText()).containsExactly("t1", "t2", "t3");
    assertThat(state).doesNotExist();
  }

  @Test
  void badLinesAreReportedWithTheirNumber() throws Exception {
    String good = line("t1", "g1", "q", 1, true);
    assertThat(run(good + "{not json\n", "--reward", "em").stderr()).contains("line 2: invalid JSON");
    assertThat(run(good + "[1,2]\n", "--reward", "em").stderr()).contains("line 2: expected a JSON object");
    assertThat(run(good + "{\"group_id\":\"g\",\"question_id\":\"q\",\"tool_calls\":1,\"correct\":true}\n", "--reward", "em")
        .stderr()).contains("line 2: missing field 'trajectory_id'");
    assertThat(run(good + line("t2", "g2", "q", -1, true), "--reward", "em").stderr()).contains("line 2: 'tool_calls' must be >= 0");
    assertThat(run(good + "{\"trajectory_id\":\"t\",\"group_id\":\"g\",\"question_id\":\"q\",\"tool_calls\":1}\n", "--reward", "em")
        .stderr()).contains("line 2: 'correct' must be true or false");
    assertThat(run(good + "{\"trajectory_id\":\"t\",\"group_id\":\"g\",\"question_id\":\"q\"}\n", "--reward", "em")
        .stderr()).contains("needs either");
    assertThat(run(good + "{\"trajectory_id\":\"t\",\"group_id\":\"g\",\"question_id\":\"q\",\"response\":\"x\"}\n", "--reward", "em")
        .stderr()).contains("'golden_answers' is missing");
    assertThat(run(good + line("t1", "g1", "q", 1, true), "--reward", "em").stderr()).contains("appears twice");
    assertThat(run(good + line("t2", "g1", "other", 1, true), "--reward", "em").stderr()).contains("mixes questions");
    Run half = run(good + line("t2", "g2", "q", 1, true) + "{oops\n", "--reward", "em");
    assertThat(half.exit()).isNotZero();
    assertThat(half.lines()).extracting(n -> n.get("trajectory_id").asText()).containsExactly("t1");
  }

  @Test
  void badOptionsFailBeforeReading() throws Exception {
    Run r = run("", "--reward", "otc");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.stderr()).contains("unknown reward 'otc'");
    Path badState = tmp.resolve("bad.json");
    Files.writeString(badState, "{\"q\": -1}");
    assertThat(run("", "--reward", "otc-grpo", "--state", badState.toString()).stderr()).contains("must be an integer >= 0");
  }

  @Test
  void launcherListsScore() {
    CommandLine cl = Otc.commandLine();
    assertThat(cl.getSubcommands()).containsKey("score");
  }
}
