package ai.otc.rollout.policy;

import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.store.PolicyStore;
import ai.otc.policy.store.PolicyStores;
import ai.otc.proto.v1.PolicyManifest;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads announced versions from the policy store ({@code PolicyStores}): the manifest's {@code location} must lie
 * under the configured store root (a manifest on a topic never makes the service read an arbitrary path), the
 * artifact's file checksum must equal the manifest's {@code checksum} (verified by the store before anything is
 * decoded), and the artifact must carry the announced version. The store is opened at the location's directory, so
 * both layouts work: versions directly in the root, or in {@code <root>/<run-id>/} (the learner's run layout).
 */
public final class StorePolicyLoader implements PolicyLoader {
  private final Path root;
  private final String device;
  private final Map<Path, PolicyStore> stores = new ConcurrentHashMap<>();

  /**
   * @param storeRoot the configured {@code otc.rollout.policy-store} (a {@code file:} URI; other schemes are refused
   *     by {@link PolicyStores#open} with the supported list)
   * @param device    where models are built ({@code cpu}, {@code auto}, {@code gpu}...)
   */
  public StorePolicyLoader(URI storeRoot, String device) {
    Objects.requireNonNull(storeRoot, "storeRoot");
    // opening it checks the scheme and the form of the URI now (at start), not at the first manifest
    PolicyStore store = PolicyStores.open(storeRoot);
    this.root = Path.of(store.root()).toAbsolutePath().normalize();
    this.device = Objects.requireNonNull(device, "device");
  }

  /** The store root locations must lie under. */
  public Path root() {
    return root;
  }

  @Override
  public LoadedPolicy load(PolicyManifest manifest) {
    URI location;
    try {
      location = URI.create(manifest.getLocation());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("manifest location '" + manifest.getLocation() + "' is not a URI", e);
    }
    if (!"file".equals(location.getScheme()) || location.isOpaque()) {
      throw new IllegalArgumentException("manifest location '" + location + "' is not a file: URI (store " + root.toUri() + ")");
    }
    Path file = Path.of(location).toAbsolutePath().normalize();
    if (!file.startsWith(root) || file.getParent() == null) {
      throw new IllegalArgumentException("manifest location '" + location + "' is outside the policy store " + root.toUri());
    }
    PolicyStore store = stores.computeIfAbsent(file.getParent(), d -> PolicyStores.open(d.toUri()));
    PolicyArtifact artifact = store.get(location, manifest.getChecksum());
    if (artifact.policyVersion() != manifest.getVersion()) {
      throw new IllegalStateException("artifact at " + location + " is policy version " + artifact.policyVersion()
          + ", the manifest announces " + manifest.getVersion());
    }
    PolicyModel model = artifact.newModel(device);
    return new LoadedPolicy(manifest.getVersion(), artifact, model);
  }
}
