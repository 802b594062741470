package ai.otc.cli.policy;

import ai.otc.policy.warmstart.WarmStartConfig;
import picocli.CommandLine.Option;

/** The number of warm-start optimizer steps: {@code --steps} for {@code warmstart} and {@code eval}. */
public final class WarmStartSteps {
  @Option(names = "--steps", description = "warm-start optimizer steps on a world of up to 160 entities and 80 famous ones; more on a larger one with --decision-scaling and --fact-scaling (default ${DEFAULT-VALUE})")
  int steps = WarmStartConfig.defaults().steps();

  public int steps() {
    return steps;
  }

  /** {@code --warm-steps}: for {@code up} and {@code train}, where {@code --steps} counts training steps. */
  public static final class Prefixed {
    @Option(names = "--warm-steps", description = "warm-start optimizer steps, when the warm start is not cached yet (on a world of up to 160 entities and 80 famous ones; more on a larger one, see warmstart --decision-scaling and --fact-scaling) (default ${DEFAULT-VALUE})")
    int steps = WarmStartConfig.defaults().steps();

    public int steps() {
      return steps;
    }
  }
}
