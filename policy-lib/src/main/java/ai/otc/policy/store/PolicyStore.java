package ai.otc.policy.store;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The versions {@code 0..N} of one run's policy, each a {@link PolicyArtifact} file with its checksum, addressed by a
 * URI: the learner puts a version and announces its {@link StoredPolicy} (version, location, checksum) in a
 * {@code PolicyManifest}; rollouts get it by that location and verify it. Open one with {@link PolicyStores#open}.
 *
 * <p>Contract for every implementation (a local or shared volume now, an object store later):
 *
 * <ul>
 *   <li>The checksum is the SHA-256 (lower-case hex) of the artifact <em>file's</em> bytes exactly as stored (the whole
 *       zip, manifest and weights), the value of {@code PolicyManifest.checksum}; {@code get} verifies it before it
 *       decodes anything, and {@link PolicyArtifact} then checks its internal weights checksum and shapes.</li>
 *   <li>Versions are immutable and increase: {@code put} refuses a version that is not after the latest.</li>
 *   <li>A put is atomic: a version becomes visible (in {@link #versions()}, {@link #latest()}, {@code get}) only once
 *       its artifact and checksum are completely written, so a reader sees the old latest or the new one, never a
 *       half-written file.</li>
 *   <li>After a put, versions outside the store's {@link Retention} are deleted (checksum first, so a version
 *       disappears from listings before its file goes).</li>
 *   <li>One writer per run (the learner); any number of readers, in any process that can reach the location.</li>
 * </ul>
 */
public interface PolicyStore {
  /** The run's root location (e.g. {@code file:///var/otc/policies/run-1/}). */
  URI root();

  /**
   * Stores {@code artifact} as {@code version} (which must equal {@code artifact.policyVersion()} and be after the
   * latest version), then applies the retention rule.
   *
   * @return what a {@code PolicyManifest} announces about it
   */
  StoredPolicy put(long version, PolicyArtifact artifact);

  /** Reads and verifies a version. @throws PolicyStoreException when it is missing or corrupt */
  PolicyArtifact get(long version);

  /** Reads and verifies the version at {@code location} against the checksum the store recorded for it. */
  PolicyArtifact get(URI location);

  /**
   * Reads the version at {@code location} and verifies it against {@code expectedChecksum} (a manifest's checksum).
   *
   * @throws PolicyStoreException on a checksum mismatch, naming both checksums
   */
  PolicyArtifact get(URI location, String expectedChecksum);

  /** Location and checksum of a version, if the store has it. */
  Optional<StoredPolicy> describe(long version);

  /** The stored versions, ascending. */
  List<Long> versions();

  /** The newest version, if any. */
  Optional<StoredPolicy> latest();

  /** Deletes the versions the retention rule does not keep; returns them, ascending. */
  List<Long> prune();
}
