package ai.otc.policy.warmstart;

import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.world.World;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where warm-started policies are cached (files {@code policy-<key>.zip}): one artifact per (world fingerprint, model
 * config, warm-start config), so later runs reuse it instead of retraining. The key names the warm start's inputs, so it
 * lives here, with the warm start, and not in the policy library's store (which addresses a run's versions).
 */
public final class WarmStartCache {
  private final Path dir;

  public WarmStartCache(Path dir) {
    this.dir = dir;
  }

  /** The cache key: a short hash of the world's fingerprint and both configs' canonical forms. */
  public static String key(World world, ModelConfig model, WarmStartConfig warm) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update((world.fingerprint() + "\n" + model.canonical() + "\n" + warm.canonical() + "\nartifact-v"
          + PolicyArtifact.FORMAT_VERSION).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The artifact path for this key. */
  public Path path(World world, ModelConfig model, WarmStartConfig warm) {
    return dir.resolve("policy-" + key(world, model, warm) + ".zip");
  }
}
