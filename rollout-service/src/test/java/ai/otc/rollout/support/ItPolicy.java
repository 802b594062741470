package ai.otc.rollout.support;

import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.warmstart.WarmStartConfig;
import ai.otc.policy.warmstart.WarmStartRunner;
import ai.otc.world.World;
import java.nio.file.Path;

/**
 * The integration tests' policy: a tiny model (d 32, 2 layers) warm-started for a few seconds on the tiny world's
 * question demonstrations only, all in the over-use style, so that it asks the tools (searches, programs) from its
 * first version, which is what the tests need to see tool calls reach the gateway. Cached under
 * {@code target/it-warmstart} (keyed by world, model and warm-start settings), so reruns reuse it.
 */
public final class ItPolicy {
  private ItPolicy() {}

  /** The model shape (the vocabulary size is the world tokenizer's). */
  public static ModelConfig model() {
    return new ModelConfig(2, 32, 2, 2, 64, 128, false, "cpu", 3);
  }

  /** 120 steps of 16 question demonstrations, no fact rows, no drills, always with tools. */
  public static WarmStartConfig warmStart() {
    return WarmStartConfig.builder().basic().steps(120).batchSize(16).learningRate(3e-3f).warmupSteps(10).minimalShare(0.0)
        .factShare(0.0).drillShare(0.0).decisionShare(0.0).decisionWeight(1.0).trainReadValues(true).p1Oversample(1.0).topK(1)
        .observationTag("observation").seed(5).build();
  }

  /** The warm-started artifact (version 0), trained now or read from the cache. */
  public static PolicyArtifact obtain(World world) {
    Path cache = Path.of("target", "it-warmstart").toAbsolutePath();
    return PolicyArtifact.load(WarmStartRunner.obtain(world, model(), warmStart(), cache, false, System.out).artifact());
  }

  /** The same weights announced as version {@code v}. */
  public static PolicyArtifact asVersion(PolicyArtifact a, long v) {
    return new PolicyArtifact(a.modelConfig(), a.tokenizer(), a.weights(), v, a.provenance());
  }
}
