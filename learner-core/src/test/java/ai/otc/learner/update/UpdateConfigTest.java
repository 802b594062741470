package ai.otc.learner.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.learner.math.KlEstimator;
import ai.otc.learner.math.LossAggregation;
import org.junit.jupiter.api.Test;

/** Defaults and validation messages that name the field. */
class UpdateConfigTest {
  @Test
  void defaultsAreThePrototypesSettings() {
    UpdateConfig g = UpdateConfig.grpoDefaults();
    assertThat(g.algorithm()).isEqualTo(Algorithm.GRPO);
    assertThat(g.lr()).isEqualTo(3e-4);
    assertThat(g.clip()).isEqualTo(0.2);
    assertThat(g.klEstimator()).isEqualTo(KlEstimator.LOW_VAR_KL);
    assertThat(g.klCoef()).isEqualTo(0.01);
    assertThat(g.entropyCoef()).isEqualTo(0.001);
    assertThat(g.miniBatches()).isEqualTo(2);
    assertThat(g.epochs()).isEqualTo(1);
    assertThat(g.gradClip()).isEqualTo(1.0);
    assertThat(g.weightDecay()).isEqualTo(0.01);
    assertThat(g.lossAggregation()).isEqualTo(LossAggregation.TOKEN_MEAN);
    UpdateConfig p = UpdateConfig.ppoDefaults();
    assertThat(p.algorithm()).isEqualTo(Algorithm.PPO);
    assertThat(p.klCoef()).isZero();
    assertThat(p.klInRewardCoef()).isEqualTo(0.01);
    assertThat(p.klInRewardEstimator()).isEqualTo(KlEstimator.KL);
    assertThat(p.valueClip()).isEqualTo(0.5);
    assertThat(p.gamma()).isEqualTo(1.0);
    assertThat(p.lambda()).isEqualTo(1.0);
    assertThat(g.adamW().eps()).isEqualTo(1e-8f);
  }

  @Test
  void badValuesAreRefusedNamingTheField() {
    UpdateConfig.Builder b = UpdateConfig.grpoDefaults().toBuilder();
    assertThatThrownBy(() -> b.lr(-1).build()).hasMessageStartingWith("lr must be > 0");
    assertThatThrownBy(() -> UpdateConfig.grpoDefaults().toBuilder().clip(1.5).build())
        .hasMessageStartingWith("clip must be in (0, 1)");
    assertThatThrownBy(() -> UpdateConfig.grpoDefaults().toBuilder().miniBatches(0).build())
        .hasMessageStartingWith("miniBatches must be >= 1");
    assertThatThrownBy(() -> UpdateConfig.grpoDefaults().toBuilder().dualClip(0.5).build())
        .hasMessageStartingWith("dualClip");
    assertThatThrownBy(() -> UpdateConfig.grpoDefaults().toBuilder().klEstimator(null).build())
        .hasMessageStartingWith("klEstimator is required");
    assertThatThrownBy(() -> UpdateConfig.grpoDefaults().toBuilder().gamma(1.1).build())
        .hasMessageStartingWith("gamma must be in [0, 1]");
    assertThatThrownBy(() -> UpdateConfig.grpoDefaults().toBuilder().temperature(Double.NaN).build())
        .hasMessageStartingWith("temperature");
    assertThatThrownBy(() -> Algorithm.parse("a2c")).hasMessageContaining("grpo or ppo");
    assertThatThrownBy(() -> OldLogProbs.parse("vllm")).hasMessageContaining("rollout or recompute");
    assertThat(OldLogProbs.parse("Recompute")).isEqualTo(OldLogProbs.RECOMPUTE);
  }
}
