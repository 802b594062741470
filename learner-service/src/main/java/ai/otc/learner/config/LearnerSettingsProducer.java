package ai.otc.learner.config;

import ai.djl.engine.Engine;
import ai.otc.learner.batch.StalenessGate;
import ai.otc.learner.checkpoint.LearnerCheckpoint;
import ai.otc.learner.domain.LearnerSettings;
import ai.otc.learner.math.KlEstimator;
import ai.otc.learner.math.LossAggregation;
import ai.otc.learner.training.DeviceSelector;
import ai.otc.learner.update.Algorithm;
import ai.otc.learner.update.OldLogProbs;
import ai.otc.learner.update.UpdateConfig;
import ai.otc.policy.model.DjlRuntime;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.store.PolicyStores;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Turns the validated {@code otc.learner.*} mapping into the loop's {@link LearnerSettings} at start, checking what one
 * key's constraint cannot: the update's hyperparameters together ({@code UpdateConfig}'s own checks, re-thrown with the
 * key in front), the policy store URI, the initial policy (required and verified when there is no checkpoint yet), and
 * the device ({@code gpu} without a GPU fails here). Any failure stops the application's start with a message that
 * starts with the key.
 */
@ApplicationScoped
public class LearnerSettingsProducer {

  private static final Logger LOG = Logger.getLogger(LearnerSettingsProducer.class);

  /** {@code UpdateConfig} field → configuration key, for error messages. */
  private static final Map<String, String> KEYS = Map.ofEntries(
      Map.entry("lr", "lr"), Map.entry("warmupSteps", "warmup-steps"), Map.entry("clip", "clip"),
      Map.entry("clipHigh", "clip"), Map.entry("klCoef", "kl-coef"), Map.entry("klEstimator", "kl-estimator"),
      Map.entry("entropyCoef", "entropy-coef"), Map.entry("lossAggregation", "loss-agg"),
      Map.entry("miniBatches", "mini-batches"), Map.entry("epochs", "epochs"), Map.entry("gradClip", "grad-clip"),
      Map.entry("weightDecay", "weight-decay"), Map.entry("temperature", "temperature"),
      Map.entry("oldLogProbs", "old-log-probs"), Map.entry("criticLr", "critic-lr"),
      Map.entry("valueClip", "value-clip"), Map.entry("klInRewardCoef", "kl-in-reward-coef"),
      Map.entry("algorithm", "algorithm"));

  /** The update's hyperparameters from the mapping; an {@code UpdateConfig} refusal is re-thrown naming the key. */
  public static UpdateConfig updateConfig(LearnerServiceConfig c) {
    Algorithm algorithm = Algorithm.parse(c.algorithm());
    UpdateConfig base = algorithm == Algorithm.PPO ? UpdateConfig.ppoDefaults() : UpdateConfig.grpoDefaults();
    try {
      return base.toBuilder()
          .lr(c.lr())
          .warmupSteps(c.warmupSteps())
          .clip(c.clip())
          .clipHigh(c.clip())
          .klCoef(algorithm == Algorithm.PPO ? 0 : c.klCoef())
          .klEstimator(KlEstimator.parse(c.klEstimator()))
          .entropyCoef(c.entropyCoef())
          .lossAggregation(LossAggregation.parse(c.lossAgg()))
          .miniBatches(c.miniBatches())
          .epochs(c.epochs())
          .gradClip(c.gradClip())
          .weightDecay(c.weightDecay())
          .temperature(c.temperature())
          .oldLogProbs(OldLogProbs.parse(c.oldLogProbs()))
          .criticLr(c.criticLr())
          .valueClip(c.valueClip())
          .klInRewardCoef(c.klInRewardCoef())
          .build();
    } catch (IllegalArgumentException e) {
      String msg = String.valueOf(e.getMessage());
      String field = msg.split("[ :]", 2)[0];
      String key = KEYS.getOrDefault(field, null);
      throw new IllegalArgumentException((key == null ? "otc.learner.{lr,clip,kl-coef,...}" : "otc.learner." + key) + ": " + msg, e);
    }
  }

  /**
   * Builds the settings. {@code gpuCount} and {@code engineInfo} ask DJL's engine, only when {@code device} is not
   * {@code cpu} (so a CPU learner loads the engine on its training thread, not here).
   *
   * @throws IllegalArgumentException naming the key of the first problem
   */
  public static LearnerSettings toSettings(LearnerServiceConfig c, IntSupplier gpuCount, Supplier<String> engineInfo) {
    UpdateConfig update = updateConfig(c);
    StalenessGate.Policy stale = StalenessGate.Policy.parse(c.stalePolicy());
    URI storeRoot = runStore(c.policyStore(), c.runId());
    Path ckpt = c.checkpointDir().toAbsolutePath();
    if (Files.exists(ckpt) && !Files.isDirectory(ckpt)) {
      throw new IllegalArgumentException("otc.learner.checkpoint-dir (" + ckpt + ") exists and is not a directory");
    }
    boolean hasCheckpoint = hasCheckpoint(ckpt);
    if (!hasCheckpoint) {
      Path initial = c.initialPolicy().orElseThrow(() -> new IllegalArgumentException("otc.learner.initial-policy is required:"
          + " there is no checkpoint in otc.learner.checkpoint-dir (" + ckpt + "), so run " + c.runId() + " starts from it"));
      if (!Files.isRegularFile(initial)) {
        throw new IllegalArgumentException("otc.learner.initial-policy (" + initial + ") is not a readable file");
      }
      try {
        PolicyArtifact.load(initial);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("otc.learner.initial-policy (" + initial + ") is not a valid policy artifact: " + e.getMessage(), e);
      }
    }
    String device = switch (c.device()) {
      case CPU -> "cpu";
      default -> DeviceSelector.select(c.device(), gpuCount.getAsInt(), engineInfo.get());
    };
    c.reward().ifPresent(ai.otc.learner.domain.RewardSelector::parse);
    return new LearnerSettings(c.runId(), c.reward(), c.initialPolicy(), storeRoot, ckpt, c.groupsPerStep(), c.staleness(),
        stale, device, c.maxSteps(), c.startFrom(), update, c.seed(), c.dedupeSteps());
  }

  /** {@code <policy-store>/<run-id>/}, opened once to check the URI (a bad scheme or form fails naming the key). */
  static URI runStore(URI root, String runId) {
    String s = root.toString();
    URI run = URI.create((s.endsWith("/") ? s : s + "/") + runId + "/");
    try {
      PolicyStores.open(run);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("otc.learner.policy-store (" + root + "): " + e.getMessage(), e);
    }
    return run;
  }

  private static boolean hasCheckpoint(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try {
      return LearnerCheckpoint.read(dir).isPresent();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("otc.learner.checkpoint-dir (" + dir + ") holds no readable checkpoint: " + e.getMessage(), e);
    }
  }

  @Produces
  @Startup
  @jakarta.inject.Singleton
  LearnerSettings settings(LearnerServiceConfig config) {
    LearnerSettings s = toSettings(config, () -> DjlRuntime.engine().getGpuCount(), LearnerSettingsProducer::engineInfo);
    LOG.infof("run %s: device %s, B %d, K %d (%s), max steps %d, start from %s, dedupe window %d steps, store %s, checkpoints %s,"
            + " reward label %s, update %s", s.runId(), s.device(), s.groupsPerStep(), s.staleness(), c(s.stalePolicy()), s.maxSteps(),
        s.startFrom().wireName(), s.dedupeSteps(), s.storeRoot(), s.checkpointDir(), s.rewardLabel().orElse("(the groups')"), s.update());
    LOG.infof("engine: %s", DjlRuntime.describe());
    return s;
  }

  private static String c(StalenessGate.Policy p) {
    return p.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private static String engineInfo() {
    Engine e = DjlRuntime.engine();
    return e.getEngineName() + " " + e.getVersion() + ", " + Optional.ofNullable(System.getenv("PYTORCH_FLAVOR"))
        .map(f -> "PYTORCH_FLAVOR=" + f).orElse("native library flavour from the classpath");
  }
}
