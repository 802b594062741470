package ai.otc.cli.score;

import ai.otc.cli.OtcSubcommand;
import ai.otc.core.reward.GroupScorer;
import ai.otc.core.reward.InMemoryOptimalCallState;
import ai.otc.cli.RewardOptions;
import ai.otc.core.reward.RewardConfig;
import ai.otc.core.protocol.SearchProtocol;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code otc score}: offline (re-)scoring of trajectories given as JSON Lines on stdin, with the
 * OTC reward family; writes one scored line per input line on stdout, in input order.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
        "Score trajectories (JSON Lines on stdin) with OTC-GRPO, OTC-PPO or the EM baseline; write JSON Lines on stdout.",
        "Input per line: trajectory_id, group_id, question_id, and either tool_calls (int) + correct (bool)",
        "or response (text, prompt excluded) + golden_answers (list); optional r_phi (number) overrides 1/0.",
        "A group is a run of consecutive lines with the same group_id. Output adds m, correct, r_phi, r_tool,",
        "reward, n (null where undefined) and advantage (and answer, for response input)."})
public final class ScoreCommand implements OtcSubcommand {

  @Mixin RewardOptions rewardOptions = new RewardOptions();

  @Option(names = "--state", description = "JSON file with the per-question n: loaded before, saved after a successful run")
  Path state;

  @Option(names = "--observation-tag", defaultValue = "information",
      description = "tag around retrieved passages in 'response' input (information | observation; default ${DEFAULT-VALUE})")
  String observationTag;

  @Option(names = "--quiet", description = "no summary line on stderr")
  boolean quiet;

  /** Streams, replaceable by tests. */
  java.io.InputStream stdin = new FileInputStream(FileDescriptor.in);
  java.io.OutputStream stdout = new FileOutputStream(FileDescriptor.out);
  java.io.PrintStream stderr = System.err;

  @Override
  public Integer call() {
    long t0 = System.nanoTime();
    RewardConfig cfg;
    SearchProtocol protocol;
    InMemoryOptimalCallState n;
    try {
      cfg = rewardOptions.toConfig("v1");
      protocol = new SearchProtocol(observationTag, SearchProtocol.DEFAULT_MAX_TURNS);
      n = state == null ? new InMemoryOptimalCallState() : OptimalCallStateFile.load(state);
    } catch (IllegalArgumentException | IOException e) {
      stderr.println("otc score: " + e.getMessage());
      return 2;
    }
    JsonlScorer scorer = new JsonlScorer(new GroupScorer(cfg), n, protocol);
    BufferedReader in = new BufferedReader(
        new InputStreamReader(stdin, StandardCharsets.UTF_8), 1 << 16);
    Writer out = new BufferedWriter(
        new OutputStreamWriter(stdout, StandardCharsets.UTF_8), 1 << 16);
    try {
      try {
        scorer.run(in, out);
      } finally {
        out.flush();
      }
      if (state != null) {
        OptimalCallStateFile.save(state, n);
      }
    } catch (InputException e) {
      stderr.println("otc score: " + e.getMessage()
          + (state != null ? " (state file left unchanged)" : ""));
      return 1;
    } catch (IOException e) {
      stderr.println("otc score: I/O error: " + e.getMessage());
      return 1;
    }
    if (!quiet) {
      var m = scorer.metrics();
      double secs = (System.nanoTime() - t0) / 1e9;
      stderr.printf(Locale.ROOT, "otc score: %d trajectories in %d groups, %s; EM %.3f, TC %.3f, TP %s; %.2f s%n",
          m.count(), scorer.groups(), cfg.label(), m.em(), m.tc(),
          m.tp().isPresent() ? String.format(Locale.ROOT, "%.3f", m.tp().getAsDouble()) : "-", secs);
    }
    return 0;
  }
}
