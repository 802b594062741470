package ai.otc.cli.platform;

import ai.otc.cli.policy.ModelOptions;
import ai.otc.cli.policy.WarmStartSteps;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * One training run's flags, shared by {@code train} and {@code up} (which starts one run's reward, rollout and
 * learner): run id, seed, batch shape, staleness, and the initial policy (a given artifact, or the world's cached warm
 * start for the model flags, trained first when missing).
 */
final class RunOptions {
  @Option(names = "--run-id", paramLabel = "ID", description = "names the run and its folder runs/ID (default: <reward>-<date>-<time>)")
  String runId;

  @Option(names = "--seed", description = "the run's seed: question order and sampling (default ${DEFAULT-VALUE})")
  long seed = 0;

  @Option(names = "--group-size", paramLabel = "G", description = "trajectories per question, a GRPO group (default ${DEFAULT-VALUE})")
  int groupSize = 8;

  @Option(names = "--questions-per-step", paramLabel = "B", description = "questions per training step (default ${DEFAULT-VALUE})")
  int questionsPerStep = 32;

  @Option(names = "--staleness", paramLabel = "K", description = "how many policy versions rollouts may run ahead of the learner; 0: on-policy (default ${DEFAULT-VALUE})")
  int staleness = 1;

  @Option(names = "--initial-policy", paramLabel = "FILE", description = "the policy artifact to start from (default: the world's cached warm start for the model flags, trained first when missing)")
  Path initialPolicy;

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "warm-start artifact cache (default ${DEFAULT-VALUE})")
  Path cacheDir = Path.of(".otc/policies");

  @Mixin ModelOptions model;
  @Mixin WarmStartSteps.Prefixed warmSteps;

  /** Checks the flags; refuses naming the flag. */
  void validate() throws Refusal {
    if (runId != null && (!runId.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}") || runId.equals(Layout.PLATFORM))) {
      throw Refusal.usage("--run-id must be 1-100 letters, digits, '.', '_' or '-' starting with a letter or digit, and not '"
          + Layout.PLATFORM + "', got '" + runId + "'");
    }
    if (groupSize < 2) {
      throw Refusal.usage("--group-size must be at least 2 (a GRPO group compares its members), got " + groupSize);
    }
    if (questionsPerStep < 1) {
      throw Refusal.usage("--questions-per-step must be at least 1, got " + questionsPerStep);
    }
    if (staleness < 0) {
      throw Refusal.usage("--staleness must be >= 0, got " + staleness);
    }
  }

  /** The run id, or a fresh one for {@code reward}. */
  String runIdOr(String reward) {
    if (runId != null) {
      return runId;
    }
    return reward + "-" + java.time.LocalDateTime.now().format(java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
  }
}
