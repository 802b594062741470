package ai.otc.learner.math;

import ai.djl.ndarray.NDArray;
import ai.otc.policy.model.OwnedArrays;
import java.util.Locale;

/**
 * The per-token KL estimators of verl's {@code kl_penalty(logprob, ref_logprob, kind)} (LEARNER.md §7). {@code logprob}
 * is {@code log πθ} in the KL loss (GRPO) and {@code log πold} in the KL-in-reward penalty (PPO).
 *
 * <p>{@link #LOW_VAR_KL} (Schulman's k3) clamps {@code x = ref − logprob} to [−20, 20] before {@code exp} as current
 * verl does, and its output to [−10, 10] as both SR1 and verl do. The input clamp never changes a value (|x| ≥ 20
 * already gives k3 ≥ 19, clamped to 10) but keeps the gradient finite where SR1's {@code exp} would overflow (its
 * gradient there is 0 either way).
 */
public enum KlEstimator {
  /** k1: {@code logprob − ref}. */
  KL("kl"),
  /** {@code |logprob − ref|}. */
  ABS("abs"),
  /** k2: {@code 0.5·(logprob − ref)²}. */
  MSE("mse"),
  /** k3: {@code clamp(exp(x) − x − 1, −10, 10)} with {@code x = clamp(ref − logprob, −20, 20)}. */
  LOW_VAR_KL("low_var_kl");

  /** Output clamp of k3 (SR1 and verl). */
  public static final double K3_BOUND = 10;
  /** Input clamp of k3 before {@code exp} (current verl). */
  public static final double K3_INPUT_BOUND = 20;

  private final String wireName;

  KlEstimator(String wireName) {
    this.wireName = wireName;
  }

  /** The name verl's config uses ({@code kl}, {@code abs}, {@code mse}, {@code low_var_kl}). */
  public String wireName() {
    return wireName;
  }

  /**
   * Parses a config value: the wire names, case-insensitive, with {@code -} for {@code _}, and verl's aliases {@code k1}
   * (kl), {@code k2} (mse), {@code k3} (low_var_kl). Throws naming the accepted values.
   */
  public static KlEstimator parse(String s) {
    String v = s == null ? "" : s.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    return switch (v) {
      case "kl", "k1" -> KL;
      case "abs" -> ABS;
      case "mse", "k2" -> MSE;
      case "low_var_kl", "k3" -> LOW_VAR_KL;
      default -> throw new IllegalArgumentException(
          "unknown KL estimator '" + s + "': expected kl (k1), abs, mse (k2) or low_var_kl (k3)");
    };
  }

  /** The estimator for one token, in double precision. */
  public double value(double logprob, double ref) {
    double d = logprob - ref;
    return switch (this) {
      case KL -> d;
      case ABS -> Math.abs(d);
      case MSE -> 0.5 * d * d;
      case LOW_VAR_KL -> {
        double x = Math.max(-K3_INPUT_BOUND, Math.min(K3_INPUT_BOUND, -d));
        yield Math.max(-K3_BOUND, Math.min(K3_BOUND, Math.exp(x) - x - 1));
      }
    };
  }

  /**
   * The estimator element-wise on same-shaped arrays (differentiable in {@code logprob}; {@code ref} is a constant).
   * Unmasked: multiply by a mask or aggregate with one.
   */
  public NDArray apply(NDArray logprob, NDArray ref) {
    NDArray d = logprob.sub(ref);
    return switch (this) {
      case KL -> d;
      case ABS -> d.abs();
      case MSE -> d.mul(d).mul(OwnedArrays.scalar(d, 0.5f));
      case LOW_VAR_KL -> {
        NDArray x = d.neg().clip(-K3_INPUT_BOUND, K3_INPUT_BOUND);
        yield x.exp().sub(x).sub(OwnedArrays.scalar(x, 1f)).clip(-K3_BOUND, K3_BOUND);
      }
    };
  }
}
