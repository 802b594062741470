package ai.otc.policy.store;

import java.net.URI;

/**
 * One version in a {@link PolicyStore}: what a {@code PolicyManifest} announces ({@code version}, {@code location},
 * {@code checksum}).
 *
 * @param version  the policy version (0 = the warm start)
 * @param location where the artifact file lives ({@code file:///...} for a file store)
 * @param checksum SHA-256, lower-case hex, of the artifact file's bytes exactly as stored at {@code location}
 */
public record StoredPolicy(long version, URI location, String checksum) {}
