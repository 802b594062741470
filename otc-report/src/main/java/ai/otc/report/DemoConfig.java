package ai.otc.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A demo's {@code demo.json} as the report reads it: the demo id, its runs (run id, reward, seed, steps, wall-clock),
 * the initial policy's evaluation run id, and the configuration and versions the report shows as they are. The
 * numbers of the report come from the topics; this file only says which runs there are and how they were set up.
 *
 * @param demoId the demo's id D (run ids are {@code D.<reward>.s<seed>})
 * @param rewards the rewards in the demo's order ({@code em}, {@code otc-grpo}, {@code otc-ppo})
 * @param seeds the seeds
 * @param runs the training runs
 * @param initialEvalRunId the run id of the initial policy's evaluation ({@code D.initial}), null when absent
 * @param raw the whole file (configuration, phases, versions, world, initial policy)
 */
public record DemoConfig(String demoId, List<String> rewards, List<Long> seeds, List<Run> runs, String initialEvalRunId,
    ObjectNode raw) {

  /** File name of the demo's configuration in its folder. */
  public static final String FILE = "demo.json";

  /**
   * One training run of the demo.
   *
   * @param runId {@code D.<reward>.s<seed>}
   * @param reward the reward's wire name
   * @param seed the seed
   * @param steps the steps it was asked to train (-1 when not given)
   * @param wallSeconds its wall-clock in seconds (NaN when not given)
   * @param finalVersion the final policy version (-1 when not given)
   */
  public record Run(String runId, String reward, long seed, long steps, double wallSeconds, long finalVersion) {}

  /** Reads {@code runDir/demo.json}; a missing or malformed file is a {@link ReportInputException} naming it. */
  public static DemoConfig read(Path runDir) {
    Path file = runDir.resolve(FILE);
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(Files.readString(file));
    } catch (NoSuchFileException e) {
      throw new ReportInputException(file + " is missing: is " + runDir + " the folder of a demo (./otc demo writes it)?", e);
    } catch (IOException e) {
      throw new ReportInputException(file + " is not valid JSON: " + e.getMessage(), e);
    }
    return parse(root, file.toString());
  }

  /** Parses the tree of a {@code demo.json}; {@code source} names it in error messages. */
  public static DemoConfig parse(JsonNode root, String source) {
    if (root == null || !root.isObject()) {
      throw new ReportInputException(source + ": expected a JSON object");
    }
    String demoId = text(root, "demo_id", source);
    List<String> rewards = new ArrayList<>();
    root.path("rewards").forEach(r -> rewards.add(r.asText()));
    List<Long> seeds = new ArrayList<>();
    root.path("seeds").forEach(s -> seeds.add(s.asLong()));
    JsonNode runsNode = root.path("runs");
    if (!runsNode.isArray()) {
      throw new ReportInputException(source + ": \"runs\" must be an array of {run_id, reward, seed, ...}");
    }
    List<Run> runs = new ArrayList<>();
    for (int i = 0; i < runsNode.size(); i++) {
      JsonNode r = runsNode.get(i);
      String where = "runs[" + i + "]";
      String runId = text(r, "run_id", source + " " + where);
      if (!runId.startsWith(demoId + ".")) {
        throw new ReportInputException(source + " " + where + ".run_id " + runId + " does not start with the demo id " + demoId + ".");
      }
      String reward = text(r, "reward", source + " " + where);
      if (!r.path("seed").canConvertToLong()) {
        throw new ReportInputException(source + " " + where + ".seed is missing or not an integer");
      }
      runs.add(new Run(runId, reward, r.path("seed").asLong(), r.path("steps").asLong(-1),
          r.path("wall_s").isNumber() ? r.path("wall_s").asDouble() : Double.NaN, r.path("final_version").asLong(-1)));
      if (!rewards.contains(reward)) {
        rewards.add(reward);
      }
      if (!seeds.contains(r.path("seed").asLong())) {
        seeds.add(r.path("seed").asLong());
      }
    }
    String initial = root.path("initial_eval_run_id").isTextual() ? root.path("initial_eval_run_id").asText() : null;
    return new DemoConfig(demoId, List.copyOf(rewards), List.copyOf(seeds), List.copyOf(runs), initial, (ObjectNode) root);
  }

  /** The runs trained with {@code reward}, by seed. */
  public List<Run> runsOf(String reward) {
    return runs.stream().filter(r -> r.reward().equals(reward)).sorted(java.util.Comparator.comparingLong(Run::seed)).toList();
  }

  private static String text(JsonNode node, String field, String where) {
    JsonNode v = node.path(field);
    if (!v.isTextual() || v.asText().isBlank()) {
      throw new ReportInputException(where + ": \"" + field + "\" is missing or not a non-empty string");
    }
    return v.asText();
  }
}
