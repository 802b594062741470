package ai.otc.core.reward;

/**
 * How GRPO scales a group's centred rewards into advantages.
 *
 * <p>{@link #STD} is Search-R1's and verl's {@code compute_grpo_outcome_advantage} (LEARNER.md §4), the recipe the OTC
 * paper trained with. {@link #NONE} leaves the standard deviation out (Dr. GRPO, Liu et al. 2025; verl's
 * {@code norm_adv_by_std_in_grpo=False}): with OTC's multiplicative reward, a group whose members are all correct differs
 * only in r_tool (1 against 0.866 for one call too many), and dividing by that group's small spread turns it into
 * advantages of ±1, as large as those of a group where some members are right and others wrong. The efficiency signal
 * then competes with correctness on equal terms and wears down the decision to search where the model cannot know (the
 * lost EM of issue 13). Without the division an efficiency group's advantages stay at its reward differences (about
 * ±0.07) while a wrong guess among right answers keeps ≈ −0.9.
 *
 * <p>Measured (docs/DEMO.md, 2026-12-04, one seed per world): {@code none} kept more of OTC-GRPO's EM on all four
 * worlds and stopped the guesses about unknown subjects, but removed fewer excess calls on two of them, where calls on
 * known facts stayed at 0.2 per question. So {@link #STD}, the paper's, stays the default.
 */
public enum AdvantageScale {
  /** (r − mean) / (unbiased std + 1e-6); a group of one uses mean 0 and std 1. */
  STD,
  /** r − mean; a group of one uses mean 0. */
  NONE;

  /** Parses {@code std} or {@code none}. */
  public static AdvantageScale parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new IllegalArgumentException("unknown advantage scale '" + s + "' (expected std or none)", e);
    }
  }

  /** The command-line and configuration spelling, {@code std} or {@code none}. */
  public String cliName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
