package ai.otc.rollout.policy;

import ai.otc.proto.v1.PolicyManifest;

/**
 * Turns an announced version into a usable one: reads the artifact the manifest points at, verifies it, and builds
 * the model. {@link StorePolicyLoader} is the real one; a test may count or fail loads.
 */
public interface PolicyLoader {

  /**
   * Loads the version {@code manifest} announces.
   *
   * @throws RuntimeException when the artifact is missing, corrupt (checksum or shapes), outside the configured store,
   *     or not the announced version; nothing is returned (and nothing stays allocated) then
   */
  LoadedPolicy load(PolicyManifest manifest);
}
