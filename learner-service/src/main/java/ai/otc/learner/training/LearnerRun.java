package ai.otc.learner.training;

import ai.otc.learner.batch.StalenessGate;
import ai.otc.learner.batch.TrainingBatch;
import ai.otc.learner.checkpoint.LearnerCheckpoint;
import ai.otc.learner.domain.LearnerMetrics;
import ai.otc.learner.domain.RewardSelector;
import ai.otc.learner.domain.LearnerSettings;
import ai.otc.learner.messaging.RewardedReader;
import ai.otc.learner.update.Algorithm;
import ai.otc.learner.update.PolicyUpdater;
import ai.otc.learner.update.UpdateStats;
import ai.otc.policy.model.AdamW;
import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.model.ReferencePolicy;
import ai.otc.policy.model.ValueModel;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.store.PolicyStore;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.proto.v1.PolicyManifest;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.StepMetrics;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.jboss.logging.Logger;

/**
 * One life of the learner: recovers from its checkpoint (or starts the run from the initial policy), then trains step
 * after step on the training thread, in the order {@link RecoveryPlan} documents: assemble the batch → update →
 * checkpoint → store → publish. Everything DJL runs on the thread that calls {@link #open} and {@link #step}. Kafka and
 * the store are reached through the objects it is given; any exception ends the life (the caller closes it and starts
 * a new one, which resumes from the checkpoint).
 */
public final class LearnerRun implements AutoCloseable {

  private static final Logger LOG = Logger.getLogger(LearnerRun.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long DEAD_LETTER_TIMEOUT_S = 60;

  /** Sends a dead letter; the stage completes when the broker acknowledged it. */
  public interface DeadLetterSink {
    CompletionStage<Void> send(Object source, String reason, String detail);
  }

  /** Publishes a manifest and (except for version 0) the step's metrics, atomically. */
  public interface Publication {
    void publish(PolicyManifest manifest, Optional<StepMetrics> metrics);
  }

  /** What {@link #step} did. */
  public enum Outcome { TRAINED, STOPPED }

  private final LearnerSettings settings;
  private final String rewardedTopic;
  private final PolicyStore store;
  private final RewardedReader reader;
  private final Publication publisher;
  private final DeadLetterSink deadLetters;
  private final LearnerMetrics metrics;
  private final LearnerStatus status;
  private final List<CompletionStage<Void>> pendingDeadLetters = new ArrayList<>();
  private final BatchAssembler.Sink sink;
  private WordTokenizer tokenizer;
  private ModelConfig modelConfig;
  private PolicyModel actor;
  private ReferencePolicy reference;
  private ValueModel critic;
  private PolicyUpdater updater;
  private GroupLedger ledger;
  private BatchAssembler assembler;
  private long version;

  private LearnerRun(LearnerSettings settings, String rewardedTopic, PolicyStore store, RewardedReader reader,
      Publication publisher, DeadLetterSink deadLetters, LearnerMetrics metrics, LearnerStatus status) {
    this.settings = settings;
    this.rewardedTopic = rewardedTopic;
    this.store = store;
    this.reader = reader;
    this.publisher = publisher;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.status = status;
    this.sink = new BatchAssembler.Sink() {
      @Override
      public void decided(ai.otc.learner.domain.GroupDecision d) {
        metrics.decided(d);
      }

      @Override
      public void deadLetter(BatchAssembler.Polled p, String reason, String detail) {
        LOG.warnf("dead letter: %s partition %d offset %d: %s (%s)", rewardedTopic, p.partition(), p.offset(), reason, detail);
        pendingDeadLetters.add(deadLetters.send(p.source(), reason, detail));
      }
    };
  }

  /**
   * Recovers (completing an interrupted step: {@link RecoveryPlan}) and positions the consumer.
   *
   * @param publishedVersion the newest version of this run on the policy topic
   * @throws IllegalStateException (from {@link RecoveryPlan}) when the run's state is inconsistent
   */
  public static LearnerRun open(LearnerSettings settings, String rewardedTopic, PolicyStore store, RewardedReader reader,
      Publication publisher, DeadLetterSink deadLetters, LearnerMetrics metrics, LearnerStatus status,
      Optional<Long> publishedVersion) {
    LearnerRun run = new LearnerRun(settings, rewardedTopic, store, reader, publisher, deadLetters, metrics, status);
    try {
      run.recover(publishedVersion);
      return run;
    } catch (RuntimeException e) {
      run.close();
      throw e;
    }
  }

  private void recover(Optional<Long> publishedVersion) {
    Optional<LearnerCheckpoint> ck = Checkpoints.read(settings.checkpointDir());
    RecoveryPlan.Plan plan = RecoveryPlan.plan(new RecoveryPlan.Facts(ck.map(LearnerCheckpoint::step), store.versions(),
        publishedVersion), settings.runId(), store.root().toString(), settings.checkpointDir().toString());
    Map<Integer, Long> offsets;
    ServiceState state;
    if (plan instanceof RecoveryPlan.Resume r) {
      LearnerCheckpoint c = ck.orElseThrow();
      state = Checkpoints.state(c);
      offsets = c.offsets().getOrDefault(rewardedTopic, Map.of());
      LOG.infof("resuming run %s from the checkpoint of step %d (%s)%s%s", settings.runId(), r.step(), settings.checkpointDir(),
          r.putVersion() ? "; storing its version, missing from the store" : "",
          r.publish() ? "; publishing its manifest and metrics, not on the topic yet" : "");
      resumeModels(c);
      version = r.step();
      if (r.putVersion()) {
        store.put(r.step(), c.actor());
      }
      if (r.publish()) {
        publish(state, 0, 0);
      } else {
        status.published(version, System.currentTimeMillis());
        metrics.version(version);
      }
    } else {
      PolicyArtifact initial = PolicyArtifact.load(settings.initialPolicy().orElseThrow());
      LOG.infof("starting run %s from %s (weights sha256 %s)", settings.runId(), settings.initialPolicy().get(), initial.checksum());
      offsets = reader.edgeOffsets(settings.startFrom() == ai.otc.learner.domain.StartFrom.LATEST);
      freshModels(initial);
      version = 0;
      PolicyArtifact v0 = artifact(initial.weights(), 0);
      state = new ServiceState(settings.runId(), 0, System.currentTimeMillis(), Optional.empty(), List.of());
      Checkpoints.write(settings.checkpointDir(), checkpoint(0, v0, offsets, state));
      store.put(0, v0);
      publish(state, 0, 0);
    }
    ledger = new GroupLedger(settings.dedupeSteps(), state.ledger());
    reader.assign(offsets);
    status.partitions(reader.assigned());
    RewardSelector rewards = RewardSelector.of(settings.rewardLabel());
    LOG.infof("run %s trains on %s; groups of the run scored with another reward are skipped (groups_other_reward)",
        settings.runId(), rewards.configured() ? "the groups scored with " + settings.rewardLabel().get() + " (otc.learner.reward)"
            : "the reward of its first group (otc.learner.reward unset)");
    assembler = new BatchAssembler(settings.runId(), rewards, settings.groupsPerStep(),
        new StalenessGate(settings.staleness(), settings.stalePolicy()),
        new BatchAssembler.Limits(modelConfig.vocabSize(), modelConfig.context()), ledger, offsets);
  }

  private void freshModels(PolicyArtifact initial) {
    tokenizer = initial.tokenizer();
    modelConfig = initial.modelConfig().withDevice(settings.device());
    actor = new PolicyModel(modelConfig, initial.weights());
    reference = ReferencePolicy.of(modelConfig, initial.weights());
    if (settings.update().algorithm() == Algorithm.PPO) {
      critic = ValueModel.fromWarmStart(modelConfig, initial.weights(), settings.seed());
    }
    updater = new PolicyUpdater(actor, reference, critic, settings.update());
  }

  private void resumeModels(LearnerCheckpoint c) {
    tokenizer = c.actor().tokenizer();
    modelConfig = c.actor().modelConfig().withDevice(settings.device());
    Map<String, float[]> refWeights;
    if (store.versions().contains(0L)) {
      refWeights = store.get(0).weights();
    } else if (c.step() == 0) {
      refWeights = c.actor().weights();
    } else {
      throw new RecoveryPlan.InconsistentRun("version 0 of run " + settings.runId() + " (the KL reference) is missing from " + store.root());
    }
    actor = new PolicyModel(modelConfig, c.actor().weights());
    reference = ReferencePolicy.of(modelConfig, refWeights);
    AdamW actorOpt = loadOptimizer(actor, c.actorOptimizer());
    AdamW criticOpt = null;
    if (settings.update().algorithm() == Algorithm.PPO) {
      // The critic as trained (its head included); a checkpoint without one (step 0 of a run that switched to PPO) gets a fresh head.
      critic = c.critic() != null
          ? ValueModel.restore(c.critic().modelConfig().withDevice(settings.device()), c.critic().weights())
          : ValueModel.fromWarmStart(modelConfig, c.actor().weights(), settings.seed());
      criticOpt = c.critic() != null ? loadOptimizer(critic.model(), c.criticOptimizer()) : null;
    }
    updater = new PolicyUpdater(actor, reference, critic, settings.update(), c.step(), actorOpt, criticOpt);
  }

  private static AdamW loadOptimizer(PolicyModel model, byte[] state) {
    if (state == null || state.length == 0) {
      return null;
    }
    try {
      return AdamW.load(model.parameters(), new ByteArrayInputStream(state));
    } catch (IOException e) {
      throw new UncheckedIOException("optimizer state in the checkpoint does not load", e);
    }
  }

  /**
   * Assembles the next batch (waiting for groups), trains step {@code version + 1}, checkpoints, stores and publishes.
   *
   * @param stop asked while waiting for groups; a step that has its batch is finished before returning
   */
  public Outcome step(BooleanSupplier stop) {
    long t0 = System.nanoTime();
    while (!assembler.fill(version, sink)) {
      if (stop.getAsBoolean()) {
        return Outcome.STOPPED;
      }
      List<BatchAssembler.Polled> polled = reader.poll(POLL);
      metrics.consumed(polled.size());
      polled.forEach(assembler::add);
      metrics.lag(reader.lag());
      metrics.batchGroups(assembler.size());
      status.batchGroups(assembler.size());
    }
    BatchAssembler.Batch batch = assembler.take();
    awaitDeadLetters();
    long t1 = System.nanoTime();
    long s = version + 1;
    TrainingBatch tb = TrainingBatch.ofSamples(batch.samples(), modelConfig.context());
    UpdateStats stats = updater.update(tb);
    long t2 = System.nanoTime();
    StepMetrics m = StepMetricsBuilder.build(settings.runId(), s, rewardLabel(batch), batch, tb, stats,
        new StepMetricsBuilder.Times(seconds(t1 - t0), seconds(t2 - t1)), java.time.Instant.now());
    List<String> trained = batch.groups().stream().map(a -> a.group().getId()).toList();
    ledger.close(s, trained, batch.droppedIds());
    ServiceState state = new ServiceState(settings.runId(), s, System.currentTimeMillis(), Optional.of(m), ledger.entries());
    PolicyArtifact art = artifact(actor.weights(), s);
    Checkpoints.write(settings.checkpointDir(), checkpoint(s, art, batch.offsets(), state));
    long t3 = System.nanoTime();
    store.put(s, art);
    long t4 = System.nanoTime();
    version = s;
    publish(state, seconds(t3 - t2), seconds(t4 - t3));
    long t5 = System.nanoTime();
    reader.commitInformational(batch.offsets());
    metrics.step(seconds(t1 - t0), seconds(t2 - t1), seconds(t3 - t2), seconds(t4 - t3), seconds(t5 - t4), stats.groupsSkipped());
    LOG.infof("step %d: %d groups (%d trajectories, %d zero-advantage skipped), em %.3f, tc %.2f, reward %.3f, loss %.4f, kl %.4f,"
            + " entropy %.3f, clip %.3f, grad %.3f; wait %.2f s, update %.2f s, checkpoint %.2f s, store %.2f s, publish %.2f s",
        s, batch.groups().size(), tb.samples().size(), stats.groupsSkipped(), m.getEm(), m.getTc(), m.getMeanReward(), m.getLoss(),
        m.getKl(), m.getEntropy(), m.getClipFraction(), m.getGradNorm(), seconds(t1 - t0), seconds(t2 - t1), seconds(t3 - t2),
        seconds(t4 - t3), seconds(t5 - t4));
    return Outcome.TRAINED;
  }

  /** The current (newest published) version = training steps completed. */
  public long version() {
    return version;
  }

  private void awaitDeadLetters() {
    if (pendingDeadLetters.isEmpty()) {
      return;
    }
    try {
      CompletableFuture.allOf(pendingDeadLetters.stream().map(CompletionStage::toCompletableFuture).toArray(CompletableFuture[]::new))
          .get(DEAD_LETTER_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("dead letters of the step were not acknowledged: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending dead letters", e);
    }
    pendingDeadLetters.clear();
  }

  private void publish(ServiceState state, double checkpointSeconds, double storeSeconds) {
    long v = state.step();
    var stored = store.describe(v).orElseThrow(() -> new IllegalStateException("version " + v + " is not in " + store.root()));
    PolicyManifest manifest = PolicyManifest.newBuilder()
        .setRunId(settings.runId())
        .setVersion(v)
        .setStep(v)
        .setChecksum(stored.checksum())
        .setLocation(stored.location().toString())
        .setModelConfigJson(modelConfigJson(modelConfig))
        .setCreatedAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(state.createdAtMs() / 1000)
            .setNanos((int) (state.createdAtMs() % 1000) * 1_000_000))
        .setReward(state.metrics().map(StepMetrics::getReward).orElse(settings.rewardLabel().orElse("")))
        .build();
    Optional<StepMetrics> m = state.metrics().map(x -> StepMetricsBuilder.withTimes(x, checkpointSeconds, storeSeconds));
    publisher.publish(manifest, m);
    status.published(v, System.currentTimeMillis());
    metrics.version(v);
  }

  private String rewardLabel(BatchAssembler.Batch batch) {
    if (settings.rewardLabel().isPresent()) {
      return settings.rewardLabel().get();
    }
    ScoredGroup g = batch.groups().getFirst().group();
    String name = RewardSelector.label(g.getReward().getName());
    return g.getReward().getVersion().isEmpty() ? name : name + ":" + g.getReward().getVersion();
  }

  private PolicyArtifact artifact(Map<String, float[]> weights, long v) {
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("run_id", settings.runId());
    provenance.put("step", v);
    provenance.put("algorithm", settings.update().algorithm().name().toLowerCase(Locale.ROOT));
    settings.rewardLabel().ifPresent(r -> provenance.put("reward", r));
    return new PolicyArtifact(modelConfig, tokenizer, weights, v, provenance);
  }

  private LearnerCheckpoint checkpoint(long s, PolicyArtifact actorArtifact, Map<Integer, Long> offsets, ServiceState state) {
    PolicyArtifact criticArtifact = critic == null ? null
        : new PolicyArtifact(critic.model().config(), tokenizer, critic.weights(), s, Map.of("role", "critic"));
    byte[] criticOpt = updater.criticOptimizer().map(LearnerCheckpoint::optimizerBytes).orElse(null);
    return Checkpoints.of(s, actorArtifact, LearnerCheckpoint.optimizerBytes(updater.actorOptimizer()), criticArtifact, criticOpt,
        Map.of(rewardedTopic, Map.copyOf(offsets)), state);
  }

  /** The manifest's {@code model_config_json}: the sizes (device excluded: it is each reader's choice). */
  static String modelConfigJson(ModelConfig c) {
    return String.format(Locale.ROOT, "{\"vocab_size\":%d,\"d_model\":%d,\"layers\":%d,\"heads\":%d,\"ff_dim\":%d,\"context\":%d,"
        + "\"value_head\":%s}", c.vocabSize(), c.dModel(), c.layers(), c.heads(), c.ffDim(), c.context(), c.valueHead());
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  /** Frees the models (native memory) and the updater; the Kafka clients belong to the caller. */
  @Override
  public void close() {
    if (updater != null) {
      updater.close();
    }
    if (critic != null) {
      critic.close();
    }
    if (reference != null) {
      reference.close();
    }
    if (actor != null) {
      actor.close();
    }
  }
}
