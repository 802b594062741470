package ai.otc.cli;

import ai.otc.core.reward.AdvantageScale;
import ai.otc.core.reward.RewardConfig;
import ai.otc.core.reward.RewardKind;
import ai.otc.core.reward.WrongAnswerPolicy;
import picocli.CommandLine.Option;

/**
 * The reward flags shared by every command that scores ({@code ./otc score}, {@code ./otc rescore}):
 * a picocli mixin, so the flags, their defaults (the paper's) and their parsing exist once.
 */
public final class RewardOptions {

  @Option(names = "--reward", required = true, description = "em | otc-grpo | otc-ppo")
  String reward;

  @Option(names = "--c", defaultValue = "4", description = "smooth constant c (paper: 4 for search, 3 for code; default ${DEFAULT-VALUE})")
  double c;

  @Option(names = "--alpha", defaultValue = "1", description = "alpha (default ${DEFAULT-VALUE})")
  double alpha;

  @Option(names = "--wrong-answer", defaultValue = "literal",
      description = "how r_phi <= 0 combines with r_tool: literal | zero-when-wrong | tool-only-when-correct (default ${DEFAULT-VALUE})")
  String wrongAnswer;

  @Option(names = "--additive", description = "ablation: alpha*r_tool + r_phi instead of alpha*r_tool*r_phi")
  boolean additive;

  @Option(names = "--advantage-scale", defaultValue = "std",
      description = "GRPO advantages: std ((r-mean)/(std+1e-6), the paper's verl) | none (r-mean, Dr. GRPO)"
          + " (default ${DEFAULT-VALUE}, as the reward service's)")
  String advantageScale;

  /**
   * The reward these flags describe, labelled with {@code version}.
   *
   * @throws IllegalArgumentException naming the bad value when a flag does not parse or is out of range
   */
  public RewardConfig toConfig(String version) {
    return new RewardConfig(RewardKind.parse(reward), alpha, c, WrongAnswerPolicy.parse(wrongAnswer), additive, version,
        AdvantageScale.parse(advantageScale));
  }
}
