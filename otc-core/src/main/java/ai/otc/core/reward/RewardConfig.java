package ai.otc.core.reward;

import java.util.Objects;

/**
 * Everything that determines a reward value: which reward, α, the smooth constant c, the
 * wrong-answer policy and whether the (ablation) additive combination is used.
 *
 * @param kind the reward family
 * @param alpha α of OTC.md Eq. 7 (paper: 1)
 * @param c smooth constant of the cosine branch (paper: 4 = max turns for search, 3 = C for code)
 * @param wrongAnswerPolicy how r_phi ≤ 0 combines with r_tool (OTC.md §1.5 [I])
 * @param additive ablation: final = α·r_tool + r_phi instead of α·r_tool·r_phi (the paper found it unstable)
 * @param version free-form version label carried into scored output, for re-scoring
 * @param advantageScale how GRPO scales a group's centred rewards ({@link AdvantageScale}; the paper: std)
 */
public record RewardConfig(
    RewardKind kind, double alpha, double c, WrongAnswerPolicy wrongAnswerPolicy, boolean additive, String version,
    AdvantageScale advantageScale) {

  /** Paper defaults for search: α = 1, c = 4. */
  public static final double DEFAULT_ALPHA = 1.0;
  public static final double DEFAULT_C_SEARCH = 4.0;
  public static final double DEFAULT_C_CODE = 3.0;

  public RewardConfig {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(wrongAnswerPolicy, "wrongAnswerPolicy");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(advantageScale, "advantageScale");
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be a positive finite number, got " + alpha);
    }
    if (!(c > 0) || Double.isInfinite(c)) {
      throw new IllegalArgumentException("c must be a positive finite number, got " + c);
    }
  }

  /**
   * The platform's default advantage scale: {@link AdvantageScale#STD}, the paper's. {@link AdvantageScale#NONE} kept
   * more of OTC-GRPO's EM on every world tried and removed excess calls more slowly (docs/DEMO.md, 2026-12-04): not
   * the default until it does both.
   */
  public static final AdvantageScale DEFAULT_ADVANTAGE_SCALE = AdvantageScale.STD;

  /**
   * The paper's recipe for a reward kind on the search task (α 1, c 4, the formula taken literally, multiplicative,
   * version v1, std-scaled advantages as Search-R1's verl).
   */
  public static RewardConfig paper(RewardKind kind) {
    return new RewardConfig(kind, DEFAULT_ALPHA, DEFAULT_C_SEARCH, WrongAnswerPolicy.LITERAL, false, "v1",
        AdvantageScale.STD);
  }

  /** The platform's defaults: the paper's recipe with {@link #DEFAULT_ADVANTAGE_SCALE}. */
  public static RewardConfig defaults(RewardKind kind) {
    return paper(kind).withAdvantageScale(DEFAULT_ADVANTAGE_SCALE);
  }

  public RewardConfig withAlpha(double a) {
    return new RewardConfig(kind, a, c, wrongAnswerPolicy, additive, version, advantageScale);
  }

  public RewardConfig withC(double newC) {
    return new RewardConfig(kind, alpha, newC, wrongAnswerPolicy, additive, version, advantageScale);
  }

  public RewardConfig withWrongAnswerPolicy(WrongAnswerPolicy p) {
    return new RewardConfig(kind, alpha, c, p, additive, version, advantageScale);
  }

  public RewardConfig withAdditive(boolean add) {
    return new RewardConfig(kind, alpha, c, wrongAnswerPolicy, add, version, advantageScale);
  }

  public RewardConfig withVersion(String v) {
    return new RewardConfig(kind, alpha, c, wrongAnswerPolicy, additive, v, advantageScale);
  }

  public RewardConfig withAdvantageScale(AdvantageScale scale) {
    return new RewardConfig(kind, alpha, c, wrongAnswerPolicy, additive, version, scale);
  }

  /** A stable label such as {@code otc-grpo:v1}, used in deterministic output ids. */
  public String label() {
    return kind.cliName() + ":" + version;
  }
}
