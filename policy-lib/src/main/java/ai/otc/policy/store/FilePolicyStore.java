package ai.otc.policy.store;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@link PolicyStore} in one directory (local, or a volume every pod mounts): version {@code v} is
 * {@code policy-v<v>.zip} plus {@code policy-v<v>.zip.sha256} in {@code sha256sum} format, so
 * {@code sha256sum -c policy-v7.zip.sha256} checks a file from the shell.
 *
 * <p>Atomicity: both files are written to hidden temporary files, forced to disk and renamed into place, the
 * checksum file last; a version exists exactly when its checksum file does. A writer that dies midway leaves only
 * hidden temporaries or an artifact without checksum, which no reader lists and the next put of that version replaces.
 * Writers in one process are serialised on a monitor, writers in several processes on a file lock ({@code .writer.lock}).
 */
final class FilePolicyStore implements PolicyStore {
  private static final Pattern ARTIFACT = Pattern.compile("policy-v(0|[1-9][0-9]{0,17})\\.zip");
  private static final Pattern CHECKSUM_FILE = Pattern.compile("policy-v(0|[1-9][0-9]{0,17})\\.zip\\.sha256");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private final Path dir;
  private final Retention retention;
  private final Object writeMonitor = new Object();

  FilePolicyStore(Path dir, Retention retention) {
    this.dir = dir.toAbsolutePath().normalize();
    this.retention = retention;
    try {
      Files.createDirectories(this.dir);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot create the policy store directory " + this.dir + ": " + e, e);
    }
  }

  @Override
  public URI root() {
    return dir.toUri();
  }

  private static String fileName(long version) {
    return "policy-v" + version + ".zip";
  }

  private Path artifactFile(long version) {
    return dir.resolve(fileName(version));
  }

  private Path checksumFile(long version) {
    return dir.resolve(fileName(version) + ".sha256");
  }

  @Override
  public StoredPolicy put(long version, PolicyArtifact artifact) {
    if (version < 0) {
      throw new IllegalArgumentException("policy version must be >= 0, got " + version);
    }
    if (artifact.policyVersion() != version) {
      throw new IllegalArgumentException("artifact says policy version " + artifact.policyVersion() + ", put as " + version);
    }
    byte[] bytes = artifact.toBytes();
    String sha = artifact.fileChecksum();
    synchronized (writeMonitor) {
      try (FileChannel lockFile = FileChannel.open(dir.resolve(".writer.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock lock = lockFile.lock()) {
        Optional<StoredPolicy> latest = latest();
        if (latest.isPresent() && version <= latest.get().version()) {
          throw new IllegalStateException("version " + version + " is not after the latest version " + latest.get().version()
              + " of " + root() + ": versions are immutable and increase");
        }
        writeAtomically(artifactFile(version), bytes);
        writeAtomically(checksumFile(version), (sha + "  " + fileName(version) + "\n").getBytes(StandardCharsets.US_ASCII));
        pruneLocked();
      } catch (IOException e) {
        throw new PolicyStoreException("cannot write version " + version + " to " + root() + ": " + e, e);
      }
    }
    return new StoredPolicy(version, artifactFile(version).toUri(), sha);
  }

  private void writeAtomically(Path target, byte[] bytes) throws IOException {
    Path tmp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
          ch.write(b);
        }
        ch.force(true);
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public PolicyArtifact get(long version) {
    StoredPolicy sp = describe(version).orElseThrow(() -> new PolicyStoreException(
        root() + " has no version " + version + " (it has " + versions() + ")"));
    return read(version, sp.checksum(), "recorded");
  }

  @Override
  public PolicyArtifact get(URI location) {
    return get(versionAt(location));
  }

  @Override
  public PolicyArtifact get(URI location, String expectedChecksum) {
    if (expectedChecksum == null || !SHA256.matcher(expectedChecksum).matches()) {
      throw new IllegalArgumentException("a policy checksum is 64 lower-case hex digits (SHA-256), got '" + expectedChecksum + "'");
    }
    return read(versionAt(location), expectedChecksum, "expected");
  }

  /** The version a location of this store names. */
  private long versionAt(URI location) {
    if (!"file".equals(location.getScheme()) || location.isOpaque()) {
      throw new IllegalArgumentException("'" + location + "' is not a location in the file policy store " + root());
    }
    Path p = Path.of(location).toAbsolutePath().normalize();
    Matcher m = ARTIFACT.matcher(p.getFileName().toString());
    if (!dir.equals(p.getParent()) || !m.matches()) {
      throw new IllegalArgumentException("'" + location + "' is not a version of the policy store " + root()
          + " (expected " + root() + "policy-v<N>.zip)");
    }
    return Long.parseLong(m.group(1));
  }

  private PolicyArtifact read(long version, String expected, String which) {
    URI where = artifactFile(version).toUri();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(artifactFile(version));
    } catch (NoSuchFileException e) {
      throw new PolicyStoreException("version " + version + " is not in " + root() + " (never written, or deleted by retention)", e);
    } catch (IOException e) {
      throw new PolicyStoreException("cannot read " + where + ": " + e, e);
    }
    String actual = PolicyArtifact.sha256(bytes);
    if (!actual.equals(expected)) {
      throw new PolicyStoreException(where + ": checksum mismatch (" + which + " " + expected + ", file " + actual
          + "): the file is corrupt or was replaced");
    }
    PolicyArtifact a;
    try {
      a = PolicyArtifact.fromBytes(bytes, where.toString());
    } catch (IllegalArgumentException e) {
      throw new PolicyStoreException(e.getMessage(), e);
    }
    if (a.policyVersion() != version) {
      throw new PolicyStoreException(where + " holds policy version " + a.policyVersion() + ", not " + version);
    }
    return a;
  }

  @Override
  public Optional<StoredPolicy> describe(long version) {
    String line;
    try {
      line = Files.readString(checksumFile(version), StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new PolicyStoreException("cannot read the checksum of version " + version + " in " + root() + ": " + e, e);
    }
    String sha = line.length() >= 64 ? line.substring(0, 64) : line;
    if (!SHA256.matcher(sha).matches()) {
      throw new PolicyStoreException(checksumFile(version) + " does not start with a SHA-256: '" + line.strip() + "'");
    }
    return Optional.of(new StoredPolicy(version, artifactFile(version).toUri(), sha));
  }

  @Override
  public List<Long> versions() {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> CHECKSUM_FILE.matcher(p.getFileName().toString()))
          .filter(Matcher::matches).map(m -> Long.parseLong(m.group(1))).sorted().toList();
    } catch (IOException e) {
      throw new PolicyStoreException("cannot list " + root() + ": " + e, e);
    }
  }

  @Override
  public Optional<StoredPolicy> latest() {
    // A version listed here can vanish before it is described only when newer versions pushed it out of retention.
    for (int attempt = 0; attempt < 3; attempt++) {
      List<Long> vs = versions();
      if (vs.isEmpty()) {
        return Optional.empty();
      }
      Optional<StoredPolicy> sp = describe(vs.get(vs.size() - 1));
      if (sp.isPresent()) {
        return sp;
      }
    }
    throw new PolicyStoreException("the latest version of " + root() + " kept disappearing while read");
  }

  @Override
  public List<Long> prune() {
    synchronized (writeMonitor) {
      try (FileChannel lockFile = FileChannel.open(dir.resolve(".writer.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
           FileLock lock = lockFile.lock()) {
        return pruneLocked();
      } catch (IOException e) {
        throw new PolicyStoreException("cannot apply retention in " + root() + ": " + e, e);
      }
    }
  }

  private List<Long> pruneLocked() throws IOException {
    List<Long> existing = versions();
    Set<Long> keep = retention.keep(existing);
    List<Long> deleted = new ArrayList<>();
    for (long v : existing) {
      if (!keep.contains(v)) {
        Files.deleteIfExists(checksumFile(v)); // first: the version leaves every listing before its file goes
        Files.deleteIfExists(artifactFile(v));
        deleted.add(v);
      }
    }
    return deleted;
  }
}
