package ai.otc.policy.store;

import java.net.URI;
import java.nio.file.Path;

/**
 * Opens the {@link PolicyStore} of a run by URI scheme: {@code file:} (a local directory, or a shared volume mounted
 * into every pod) is implemented; an object store (e.g. {@code s3:}) would be one more case here. Unknown schemes are
 * refused with the list of supported ones, so a misconfigured location fails at start.
 */
public final class PolicyStores {
  /** The schemes {@link #open} accepts. */
  public static final String SUPPORTED = "file";

  private PolicyStores() {}

  /** Opens the store at {@code root} keeping every version. */
  public static PolicyStore open(URI root) {
    return open(root, Retention.keepAll());
  }

  /**
   * Opens (creating a {@code file:} directory when missing) the store at {@code root} with a retention rule.
   *
   * @throws IllegalArgumentException when the URI has no scheme, an unsupported one, or is not a usable location
   */
  public static PolicyStore open(URI root, Retention retention) {
    if (root.getScheme() == null) {
      throw new IllegalArgumentException("policy store location '" + root + "' has no scheme; use e.g. file:///var/otc/policies/run-1"
          + " (supported: " + SUPPORTED + ")");
    }
    return switch (root.getScheme()) {
      case "file" -> {
        if (root.isOpaque() || root.getQuery() != null || root.getFragment() != null) {
          throw new IllegalArgumentException("policy store location '" + root
              + "' must be an absolute file URI without query or fragment, e.g. file:///var/otc/policies/run-1");
        }
        yield new FilePolicyStore(Path.of(root), retention);
      }
      default -> throw new IllegalArgumentException("unsupported policy store scheme '" + root.getScheme() + "' in '" + root
          + "' (supported: " + SUPPORTED + "; mount a shared volume and use its file: path)");
    };
  }
}
