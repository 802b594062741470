package ai.otc.loop;

import ai.otc.core.reward.GroupScorer;
import ai.otc.core.reward.InMemoryOptimalCallState;
import ai.otc.core.reward.RewardConfig;
import ai.otc.learner.batch.TrainingBatch;
import ai.otc.learner.update.Algorithm;
import ai.otc.learner.update.PolicyUpdater;
import ai.otc.learner.update.UpdateConfig;
import ai.otc.learner.update.UpdateStats;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.ReferencePolicy;
import ai.otc.policy.model.ValueModel;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.tools.ToolBackend;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.Trajectory;
import ai.otc.reward.core.CorrectnessSource;
import ai.otc.reward.core.OutcomeMapper;
import ai.otc.reward.core.ScoredGroupWriter;
import ai.otc.reward.core.TrajectoryView;
import ai.otc.rollout.plan.QuestionPlan;
import ai.otc.rollout.sampling.GroupSampler;
import ai.otc.rollout.sampling.SampledBatch;
import ai.otc.rollout.sampling.SamplerConfig;
import ai.otc.world.Question;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The RL loop in one process, without Kafka or gRPC: rollout-core's {@link GroupSampler} (tools given by the caller,
 * in-process for the bench), reward-core's {@link ScoredGroupWriter} (the reward service's scoring path, byte for byte)
 * and learner-core's {@link PolicyUpdater}, synchronously and on-policy (staleness 0: batch {@code b} is sampled with
 * version {@code b}, the weights after {@code b} updates).
 *
 * <p>It is what the platform's step is compared against ({@code bench/loop-bench.sh}) and what shows, cheaply and
 * deterministically, that the update math learns ({@code LocalLoopLearnsIT}). Its pieces are exactly the services'
 * pieces, so whatever differs between this and the platform is transport: Kafka hops, gRPC tool calls, weight
 * publication and load.
 *
 * <p>Not thread-safe. Owns the models it creates from the initial artifact and closes them in {@link #close()}.
 */
public final class LocalLoop implements AutoCloseable {
  /**
   * What a local run needs.
   *
   * @param runId            the run id written into every trajectory
   * @param seed             questions' order and every trajectory's sampling seed
   * @param questionsPerStep B, groups per training step
   * @param sampler          G, temperature, turn limits
   * @param reward           the reward (em / otc-grpo / otc-ppo and its parameters)
   * @param update           the learner's hyperparameters (its algorithm must fit the reward: PPO for otc-ppo)
   * @param device           DJL device spec for the models ("cpu", "gpu", "auto")
   */
  public record Settings(String runId, long seed, int questionsPerStep, SamplerConfig sampler, RewardConfig reward,
      UpdateConfig update, String device) {
    public Settings {
      Objects.requireNonNull(runId, "runId");
      Objects.requireNonNull(sampler, "sampler");
      Objects.requireNonNull(reward, "reward");
      Objects.requireNonNull(update, "update");
      if (questionsPerStep < 1) {
        throw new IllegalArgumentException("questions-per-step must be >= 1, got " + questionsPerStep);
      }
    }
  }

  /** Wall time of one step's phases, in milliseconds; {@code generationMs} excludes {@code toolMs}. */
  public record Timing(double generationMs, double toolMs, double rewardMs, double updateMs, double totalMs) {}

  /**
   * One training step.
   *
   * @param step          the training step (1-based) the update ran as
   * @param policyVersion the version that sampled the batch (= step − 1)
   * @param groups        the scored groups the update trained on (the reward service's output for this batch)
   * @param batch         the training batch built from them (its {@code stats()} are the batch's EM / TC / TP)
   * @param update        what the update did
   * @param timing        the phases' wall time
   */
  public record StepReport(long step, long policyVersion, List<ScoredGroup> groups, TrainingBatch batch,
      UpdateStats update, Timing timing) {}

  private final Settings settings;
  private final PolicyArtifact initial;
  private final PolicyModel actor;
  private final ReferencePolicy reference;
  private final ValueModel critic;
  private final PolicyUpdater updater;
  private final GroupSampler sampler;
  private final QuestionPlan plan;
  private final ScoredGroupWriter writer;
  private final InMemoryOptimalCallState optimalCalls = new InMemoryOptimalCallState();

  /**
   * @param initial the warm start (version 0)
   * @param train   the questions to draw from (a world's train split)
   * @param tools   every tool call goes here (not closed by the loop)
   */
  public LocalLoop(PolicyArtifact initial, List<Question> train, ToolBackend tools, Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.initial = Objects.requireNonNull(initial, "initial");
    boolean ppo = settings.update().algorithm() == Algorithm.PPO;
    PolicyModel a = initial.newModel(settings.device());
    ReferencePolicy r = null;
    ValueModel c = null;
    try {
      r = ReferencePolicy.of(initial.modelConfig(), initial.weights());
      c = ppo ? ValueModel.fromWarmStart(initial.modelConfig(), initial.weights(), settings.seed()) : null;
      this.updater = new PolicyUpdater(a, r, c, settings.update());
    } catch (RuntimeException e) {
      closeQuietly(e, c, r, a);
      throw e;
    }
    this.actor = a;
    this.reference = r;
    this.critic = c;
    this.sampler = new GroupSampler(actor, initial.tokenizer(), tools, settings.sampler());
    this.plan = new QuestionPlan(train, settings.seed(), settings.questionsPerStep(), 0, 1);
    this.writer = new ScoredGroupWriter(new GroupScorer(settings.reward()), new OutcomeMapper(CorrectnessSource.RECOMPUTE));
  }

  /** Samples the next batch with the current weights, scores it, and trains one step on it. */
  public StepReport step() {
    long t0 = System.nanoTime();
    long batch = updater.step();
    SampledBatch sampled = sampler.sample(settings.runId(), batch, batch, plan.share(batch), settings.seed());
    long t1 = System.nanoTime();
    List<ScoredGroup> groups = score(sampled.trajectories());
    long t2 = System.nanoTime();
    TrainingBatch training = TrainingBatch.of(groups, actor.config().context());
    UpdateStats update = updater.update(training);
    long t3 = System.nanoTime();
    double toolMs = sampled.timing().toolMs();
    Timing timing = new Timing((t1 - t0) / 1e6 - toolMs, toolMs, (t2 - t1) / 1e6, (t3 - t2) / 1e6, (t3 - t0) / 1e6);
    return new StepReport(update.step(), batch, groups, training, update, timing);
  }

  /**
   * Scores trajectories group by group, in order of first appearance, exactly as the reward service does: each
   * trajectory's wire bytes through {@link TrajectoryView} and {@link ScoredGroupWriter}, n kept across steps.
   */
  List<ScoredGroup> score(List<Trajectory> trajectories) {
    Map<String, List<TrajectoryView>> byGroup = new LinkedHashMap<>();
    for (Trajectory t : trajectories) {
      try {
        byGroup.computeIfAbsent(t.getGroupId(), k -> new ArrayList<>()).add(TrajectoryView.parse(t.toByteArray()));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException("trajectory " + t.getTrajectoryId() + " does not decode", e);
      }
    }
    List<ScoredGroup> out = new ArrayList<>(byGroup.size());
    for (Map.Entry<String, List<TrajectoryView>> e : byGroup.entrySet()) {
      List<TrajectoryView> members = e.getValue();
      TrajectoryView first = members.get(0);
      ScoredGroupWriter.Result r = writer.write(e.getKey(), first.questionId(), first.groupSize(), members,
          members.size() < first.groupSize(), System.currentTimeMillis(), optimalCalls);
      try {
        out.add(ScoredGroup.parseFrom(r.bytes()));
      } catch (InvalidProtocolBufferException ex) {
        throw new IllegalStateException("scored group " + e.getKey() + " does not decode", ex);
      }
    }
    return out;
  }

  /**
   * Times {@code rounds} more training steps on the same batch and returns the fastest in seconds (a benchmark of the
   * update phase alone; it changes the weights, so call it last).
   */
  public double timeUpdate(TrainingBatch batch, int rounds) {
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < rounds; i++) {
      long t0 = System.nanoTime();
      updater.update(batch);
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return best;
  }

  /** The live policy (the weights after {@code step()} updates); do not close it. */
  public PolicyModel policy() {
    return actor;
  }

  /** The learner's hyperparameters. */
  public UpdateConfig updateConfig() {
    return settings.update();
  }

  /** Training steps done so far (= the current policy version). */
  public long steps() {
    return updater.step();
  }

  /** The current weights as an artifact with the initial tokenizer, tagged with the current version. */
  public PolicyArtifact snapshot(Map<String, Object> provenance) {
    return PolicyArtifact.of(actor, initial.tokenizer(), updater.step(), provenance);
  }

  @Override
  public void close() {
    closeQuietly(null, updater, critic, reference, actor);
  }

  private static void closeQuietly(RuntimeException primary, AutoCloseable... all) {
    RuntimeException failure = primary;
    for (AutoCloseable c : all) {
      if (c == null) {
        continue;
      }
      try {
        c.close();
      } catch (Exception e) {
        if (failure == null) {
          failure = new IllegalStateException("closing the local loop failed", e);
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (primary == null && failure != null) {
      throw failure;
    }
  }
}
