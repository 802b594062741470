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
 */
public record RewardConfig(
    RewardKind kind, double alpha, double c, WrongAnswerPolicy wrongAnswerPolicy, boolean additive, String version) {

  /** Paper defaults for search: α = 1, c = 4. */
  public static final double DEFAULT_ALPHA = 1.0;
  public static final double DEFAULT_C_SEARCH = 4.0;
  public static final double DEFAULT_C_CODE = 3.0;

  public RewardConfig {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(wrongAnswerPolicy, "wrongAnswerPolicy");
    Objects.requireNonNull(version, "version");
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be a positive finite number, got " + alpha);
    }
    if (!(c > 0) || Double.isInfinite(c)) {
      throw new IllegalArgumentException("c must be a positive finite number, got " + c);
    }
  }

  /** The paper's recipe for a reward kind on the search task (α 1, c 4, the formula taken literally, multiplicative, version v1). */
  public static RewardConfig paper(RewardKind kind) {
    return new RewardConfig(kind, DEFAULT_ALPHA, DEFAULT_C_SEARCH, WrongAnswerPolicy.LITERAL, false, "v1");
  }

  public RewardConfig withAlpha(double a) {
    return new RewardConfig(kind, a, c, wrongAnswerPolicy, additive, version);
  }

  public RewardConfig withC(double newC) {
    return new RewardConfig(kind, alpha, newC, wrongAnswerPolicy, additive, version);
  }

  public RewardConfig withWrongAnswerPolicy(WrongAnswerPolicy p) {
    return new RewardConfig(kind, alpha, c, p, additive, version);
  }

  public RewardConfig withAdditive(boolean add) {
    return new RewardConfig(kind, alpha, c, wrongAnswerPolicy, add, version);
  }

  public RewardConfig withVersion(String v) {
    return new RewardConfig(kind, alpha, c, wrongAnswerPolicy, additive, v);
  }

  /** A stable label such as {@code otc-grpo:v1}, used in deterministic output ids. */
  public String label() {
    return kind.cliName() + ":" + version;
  }
}
