package ai.otc.learner.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.otc.learner.batch.Sample;
import ai.otc.learner.checkpoint.LearnerCheckpoint;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.ReferencePolicy;
import ai.otc.policy.model.SequenceScorer;
import ai.otc.policy.model.ValueModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The updater on a tiny real PolicyModel: learning direction, KL, old log-probs, zero-advantage skip, PPO, schedule. */
class PolicyUpdaterTest {
  static UpdateConfig grpo() {
    return UpdateConfig.grpoDefaults().toBuilder().lr(3e-3).build();
  }

  @Test
  void grpoLowersTheLossOnAFixedBatchAndMovesLogProbsWithTheAdvantageSign() {
    try (PolicyModel actor = new PolicyModel(Tiny.config()); ReferencePolicy ref = ReferencePolicy.copyOf(actor);
        PolicyUpdater u = new PolicyUpdater(actor, ref, null, grpo())) {
      List<Sample> samples = Tiny.samples(actor, 1, 4, 4, false, 0, false);
      double[] before = Tiny.meanLogProbBySign(actor, samples);
      List<Double> losses = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        UpdateStats s = u.update(Tiny.batch(samples));
        assertThat(s.stepped()).isTrue();
        assertThat(s.optimizerSteps()).isEqualTo(2);
        losses.add(s.pgLoss());
      }
      double[] after = Tiny.meanLogProbBySign(actor, samples);
      System.out.println("pg loss over 6 steps on a fixed batch: " + losses);
      assertThat(losses.get(5)).isLessThan(losses.get(0) - 0.05);
      for (int i = 1; i < losses.size(); i++) {
        assertThat(losses.get(i)).isLessThanOrEqualTo(losses.get(i - 1) + 1e-6);
      }
      assertThat(after[0]).as("A > 0 tokens more likely").isGreaterThan(before[0]);
      assertThat(after[1]).as("A < 0 tokens less likely").isLessThan(before[1]);
      assertThat(u.step()).isEqualTo(6);
    }
  }

  @Test
  void klToTheReferenceIsZeroBeforeTheFirstStepAndGrowsAfter() {
    UpdateConfig one = grpo().toBuilder().miniBatches(1).build();
    try (PolicyModel actor = new PolicyModel(Tiny.config()); ReferencePolicy ref = ReferencePolicy.copyOf(actor);
        PolicyUpdater u = new PolicyUpdater(actor, ref, null, one)) {
      List<Sample> samples = Tiny.samples(actor, 2, 2, 4, false, 0, false);
      UpdateStats first = u.update(Tiny.batch(samples));
      assertThat(first.kl()).isCloseTo(0.0, within(1e-7));
      assertThat(first.ppoKl()).isCloseTo(0.0, within(1e-6));
      UpdateStats second = u.update(Tiny.batch(samples));
      assertThat(second.kl()).isGreaterThan(1e-7);
    }
  }

  @Test
  void recomputedOldLogProbsAreTheModelsOwnAndBothSourcesGiveRatioOneOnPolicy() {
    try (PolicyModel actor = new PolicyModel(Tiny.config()); ReferencePolicy ref = ReferencePolicy.copyOf(actor)) {
      List<Sample> samples = Tiny.samples(actor, 3, 3, 3, false, 0, false);
      float[][] mine = ResponseScorer.logProbs(actor, samples, 1f, 2);
      float[][] full = SequenceScorer.logProbs(actor, samples.stream().map(Sample::tokens).toList(), 1f);
      for (int i = 0; i < samples.size(); i++) {
        Sample s = samples.get(i);
        for (int t = 0; t < s.responseLength(); t++) {
          assertThat(mine[i][t]).isCloseTo(full[i][s.promptLength() + t], within(1e-5f));
        }
      }
      for (OldLogProbs source : OldLogProbs.values()) {
        try (PolicyModel a = new PolicyModel(Tiny.config(), actor.weights());
            PolicyUpdater u = new PolicyUpdater(a, ref, null, grpo().toBuilder().oldLogProbs(source).build())) {
          UpdateStats s = u.update(Tiny.batch(samples));
          assertThat(s.initialRatioMean()).as(source.name()).isCloseTo(1.0, within(1e-6));
          assertThat(s.initialRatioMaxDev()).as(source.name()).isLessThan(1e-5);
        }
      }
    }
  }

  @Test
  void aBatchOfZeroAdvantageGroupsIsNotSteppedAndLeavesEverythingBitIdentical() {
    try (PolicyModel actor = new PolicyModel(Tiny.config()); ReferencePolicy ref = ReferencePolicy.copyOf(actor);
        PolicyUpdater u = new PolicyUpdater(actor, ref, null, grpo())) {
      List<Sample> samples = Tiny.samples(actor, 4, 3, 4, true, 0, false);
      Map<String, float[]> w0 = actor.weights();
      byte[] opt0 = LearnerCheckpoint.optimizerBytes(u.actorOptimizer());
      UpdateStats s = u.update(Tiny.batch(samples));
      assertThat(s.stepped()).isFalse();
      assertThat(s.groupsSkipped()).isEqualTo(3);
      assertThat(s.trajectoriesSkipped()).isEqualTo(12);
      assertThat(s.trajectories()).isZero();
      assertThat(u.step()).as("the training step is consumed").isEqualTo(1);
      assertThat(u.actorOptimizer().steps()).isZero();
      assertThat(LearnerCheckpoint.optimizerBytes(u.actorOptimizer())).isEqualTo(opt0);
      Map<String, float[]> w1 = actor.weights();
      for (String k : w0.keySet()) {
        assertThat(w1.get(k)).as(k).isEqualTo(w0.get(k));
      }
      // mixed: only the signal groups train
      List<Sample> mixed = new ArrayList<>(samples);
      mixed.addAll(Tiny.samples(actor, 5, 1, 4, false, 0, false));
      UpdateStats m = u.update(Tiny.batch(mixed));
      assertThat(m.stepped()).isTrue();
      assertThat(m.groupsSkipped()).isEqualTo(3);
      assertThat(m.trajectories()).isEqualTo(4);
    }
  }

  @Test
  void importanceCorrectionWeighsStaleTokensByTheTruncatedRatio() {
    try (PolicyModel actor = new PolicyModel(Tiny.config()); ReferencePolicy ref = ReferencePolicy.copyOf(actor)) {
      List<Sample> fresh = Tiny.samples(actor, 6, 2, 4, false, 3, false);
      List<Sample> stale = Tiny.samples(actor, 6, 2, 4, false, 1, true);
      // behaviour log-probs equal to the current ones: weight 1, the same update as fresh data
      Map<String, float[]> wFresh;
      Map<String, float[]> wStale;
      try (PolicyModel a = new PolicyModel(Tiny.config(), actor.weights());
          PolicyUpdater u = new PolicyUpdater(a, ref, null, grpo())) {
        u.update(Tiny.batch(fresh));
        wFresh = a.weights();
      }
      try (PolicyModel a = new PolicyModel(Tiny.config(), actor.weights());
          PolicyUpdater u = new PolicyUpdater(a, ref, null, grpo())) {
        UpdateStats s = u.update(Tiny.batch(stale));
        assertThat(s.importanceCorrected()).isEqualTo(8);
        assertThat(s.importanceWeightMean()).isCloseTo(1.0, within(1e-5));
        wStale = a.weights();
      }
      for (String k : wFresh.keySet()) {
        assertThat(wStale.get(k)).containsExactly(wFresh.get(k), within(1e-6f));
      }
      // behaviour less likely than now by 0.1 per token: w = min(e^0.1, cap); cap 1 truncates, cap 2 does not
      List<Sample> shifted = Tiny.withOldLogProbs(actor, stale, -0.1f);
      for (double cap : new double[] {1.0, 2.0}) {
        try (PolicyModel a = new PolicyModel(Tiny.config(), actor.weights());
            PolicyUpdater u = new PolicyUpdater(a, ref, null, grpo().toBuilder().importanceCap(cap).build())) {
          UpdateStats s = u.update(Tiny.batch(shifted));
          assertThat(s.importanceWeightMean()).isCloseTo(Math.min(Math.exp(0.1), cap), within(1e-4));
          assertThat(s.initialRatioMean()).as("ratio against the proximal policy").isCloseTo(1.0, within(1e-6));
        }
      }
    }
  }

  @Test
  void ppoRunsAndLowersTheValueLoss() {
    UpdateConfig c = UpdateConfig.ppoDefaults().toBuilder().lr(1e-3).criticLr(3e-3).build();
    try (PolicyModel actor = new PolicyModel(Tiny.config()); ReferencePolicy ref = ReferencePolicy.copyOf(actor);
        ValueModel critic = ValueModel.fromWarmStart(Tiny.config(), actor.weights(), 11);
        PolicyUpdater u = new PolicyUpdater(actor, ref, critic, c)) {
      List<Sample> samples = Tiny.samples(actor, 7, 3, 4, false, 0, false);
      List<Double> vl = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        UpdateStats s = u.update(Tiny.batch(samples));
        assertThat(s.stepped()).isTrue();
        assertThat(s.criticGradNorm()).isPositive();
        vl.add(s.valueLoss());
      }
      System.out.println("PPO value loss over 8 steps on a fixed batch: " + vl);
      assertThat(vl.get(7)).isLessThan(vl.get(0) * 0.5);
      assertThat(u.criticOptimizer()).isPresent();
      assertThat(u.criticOptimizer().get().steps()).isEqualTo(16);
    }
  }

  @Test
  void warmupFollowsVerl() {
    assertThat(LrSchedule.at(1e-4, 0, 1)).isEqualTo(1e-4);
    assertThat(LrSchedule.at(1e-4, 4, 1)).isEqualTo(0.0);
    assertThat(LrSchedule.at(1e-4, 4, 3)).isCloseTo(0.5e-4, within(1e-18));
    assertThat(LrSchedule.at(1e-4, 4, 5)).isEqualTo(1e-4);
    try (PolicyModel actor = new PolicyModel(Tiny.config()); ReferencePolicy ref = ReferencePolicy.copyOf(actor);
        PolicyUpdater u = new PolicyUpdater(actor, ref, null, grpo().toBuilder().warmupSteps(2).build())) {
      List<Sample> samples = Tiny.samples(actor, 8, 2, 4, false, 0, false);
      Map<String, float[]> w0 = actor.weights();
      UpdateStats s1 = u.update(Tiny.batch(samples));
      assertThat(s1.lr()).isZero();
      assertThat(u.actorOptimizer().steps()).as("moments advance at lr 0, as verl").isEqualTo(2);
      assertThat(actor.weights().get("tok_emb")).isEqualTo(w0.get("tok_emb"));
      assertThat(u.update(Tiny.batch(samples)).lr()).isCloseTo(grpo().lr() / 2, within(1e-12));
    }
  }

  @Test
  void refusesBadInputNamingIt() {
    try (PolicyModel actor = new PolicyModel(Tiny.config()); ReferencePolicy ref = ReferencePolicy.copyOf(actor)) {
      assertThatThrownBy(() -> new PolicyUpdater(actor, ref, null, UpdateConfig.ppoDefaults()))
          .hasMessageContaining("PPO needs a critic");
      try (PolicyUpdater u = new PolicyUpdater(actor, ref, null, grpo())) {
        Sample s = Tiny.samples(actor, 9, 1, 2, false, 0, false).get(0);
        int[] bad = s.tokens().clone();
        bad[bad.length - 1] = Tiny.V + 5;
        Sample b = new Sample("bad", "g", "g@x", bad, s.promptLength(), s.lossMask(), s.oldLogProbs(), 1, 1, true, 0,
            "", 0, 0, false);
        List<Sample> two = List.of(b, new Sample("bad2", "g", "g@x", bad, s.promptLength(), s.lossMask(),
            s.oldLogProbs(), -1, 0, false, 0, "", 0, 0, false));
        assertThatThrownBy(() -> u.update(Tiny.batch(two))).hasMessageContaining("trajectory bad")
            .hasMessageContaining("vocabulary");
      }
    }
  }
}
