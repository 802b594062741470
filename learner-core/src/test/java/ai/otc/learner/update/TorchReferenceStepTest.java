package ai.otc.learner.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.otc.learner.batch.TrainingBatch;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.ReferencePolicy;
import ai.otc.policy.model.ValueModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One whole training step against PyTorch ({@code bench/learner_reference.py}): column alignment, masks, the
 * zero-advantage skip, mini-/micro-batching with accumulation, global-norm clipping, AdamW, and for PPO the critic,
 * KL-in-reward, GAE and whitening. Every weight after the step must agree.
 */
class TorchReferenceStepTest {
  /** float32 noise of two implementations over one step (parameters ~0.3, updates ~1e-2). */
  static final double WEIGHT_TOL = 1e-6;

  static UpdateConfig.Builder common(Reference r, UpdateConfig base) {
    return base.toBuilder().lr(r.setting("lr")).eps(r.setting("eps")).miniBatches((int) r.setting("mini"))
        .microBatchSize((int) r.setting("micro")).gradClip(r.setting("grad_clip"))
        .entropyCoef(r.setting("entropy_coef")).weightDecay(0.01).beta1(0.9).beta2(0.999).epochs(1).warmupSteps(0)
        .clip(0.2).clipHigh(0.2).dualClip(0).logRatioClamp(20).oldLogProbs(OldLogProbs.ROLLOUT).temperature(1);
  }

  @Test
  void grpoStepEqualsPyTorch() {
    Reference r = new Reference();
    UpdateConfig c = common(r, UpdateConfig.grpoDefaults()).klCoef(r.setting("kl_coef")).build();
    try (PolicyModel actor = new PolicyModel(r.config, r.weights("actor"));
        ReferencePolicy ref = ReferencePolicy.of(r.config, r.weights("reference"));
        PolicyUpdater u = new PolicyUpdater(actor, ref, null, c)) {
      UpdateStats s = u.update(TrainingBatch.ofSamples(r.samples(), r.config.context()));
      double diff = Reference.maxDiff(actor.weights(), r.weights("grpo/actor"));
      System.out.printf("GRPO step vs PyTorch: max |Δw| = %.3g, grad norm %.6f%n", diff, s.gradNorm());
      assertThat(s.groupsSkipped()).isEqualTo(1);
      assertThat(s.trajectoriesSkipped()).isEqualTo(2);
      assertThat(s.trajectories()).isEqualTo(7);
      assertThat(s.optimizerSteps()).isEqualTo(2);
      double[] norms = r.list("grpo/grad_norms");
      assertThat(s.gradNorm()).isCloseTo((norms[0] + norms[1]) / 2, within(1e-5 * norms[0]));
      assertThat(diff).isLessThan(WEIGHT_TOL);
      assertThat(Reference.maxDiff(r.weights("actor"), r.weights("grpo/actor"))).as("the step moved the weights")
          .isGreaterThan(1e-3);
    }
  }

  @Test
  void ppoStepEqualsPyTorch() {
    Reference r = new Reference();
    UpdateConfig c = common(r, UpdateConfig.ppoDefaults()).klCoef(0).criticLr(r.setting("critic_lr"))
        .klInRewardCoef(r.setting("kl_in_reward")).gamma(r.setting("gamma")).lambda(r.setting("lambda"))
        .valueClip(0.5).criticWarmupSteps(0).build();
    try (PolicyModel actor = new PolicyModel(r.config, r.weights("actor"));
        ReferencePolicy ref = ReferencePolicy.of(r.config, r.weights("reference"));
        ValueModel critic = r.critic();
        PolicyUpdater u = new PolicyUpdater(actor, ref, critic, c)) {
      assertThat(Reference.maxDiff(critic.weights(), r.weights("critic"))).isZero();
      UpdateStats s = u.update(TrainingBatch.ofSamples(r.samples(), r.config.context()));
      double da = Reference.maxDiff(actor.weights(), r.weights("ppo/actor"));
      Map<String, float[]> cw = critic.weights();
      double dc = Reference.maxDiff(cw, r.weights("ppo/critic"));
      System.out.printf("PPO step vs PyTorch: max |Δw| actor %.3g, critic %.3g%n", da, dc);
      assertThat(s.groupsSkipped()).as("PPO trains every group").isZero();
      assertThat(s.trajectories()).isEqualTo(9);
      double[] cn = r.list("ppo/critic_grad_norms");
      assertThat(s.criticGradNorm()).isCloseTo((cn[0] + cn[1]) / 2, within(1e-5 * cn[0]));
      double[] an = r.list("ppo/grad_norms");
      assertThat(s.gradNorm()).isCloseTo((an[0] + an[1]) / 2, within(1e-5 * an[0]));
      assertThat(dc).isLessThan(WEIGHT_TOL);
      assertThat(da).isLessThan(WEIGHT_TOL);
    }
  }
}
