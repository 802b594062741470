package ai.otc.rollout.support;

import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.warmstart.WarmStartConfig;
import ai.otc.policy.warmstart.WarmStartRunner;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import java.nio.file.Path;

/**
 * A tiny world (12 entities) and a tiny policy warm-started on it with the real warm start (policy-offline), cached
 * under {@code target/tiny-policies} so only the first test run of a build pays for the training (~10-30 s).
 */
public final class TinyPolicy {
  /** The tiny world of seed 0. */
  public static final World WORLD = WorldGenerator.generate(WorldConfig.tiny(0));

  private static PolicyArtifact artifact;

  private TinyPolicy() {}

  /** The warm-start settings: enough steps for the protocol and the entity names to be learned. */
  static WarmStartConfig warmStart() {
    WarmStartConfig d = WarmStartConfig.defaults();
    // the mixture of the default before issue 11 (no decision rows), pinned: the tests rely on this policy's behaviour
    return d.toBuilder().basic().steps(800).batchSize(32).warmupSteps(20).minimalShare(0.2).factShare(0.35).drillShare(0.35)
        .decisionShare(0.0).decisionWeight(1.0).trainReadValues(true).p1Oversample(2.0).topK(1).seed(0).build();
  }

  /** The warm-started artifact (trained once, then loaded from the cache). */
  public static synchronized PolicyArtifact artifact() {
    if (artifact == null) {
      ModelConfig m = ModelConfig.tiny(0).withValueHead(false);
      Path file = WarmStartRunner.obtain(WORLD, m, warmStart(), Path.of("target/tiny-policies"), false, System.out)
          .artifact();
      artifact = PolicyArtifact.load(file);
    }
    return artifact;
  }
}
