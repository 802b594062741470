package ai.otc.policy.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.tokenizer.TestVocabulary;
import ai.otc.policy.tokenizer.WordTokenizer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyStoreTest {
  private static final WordTokenizer TK = TestVocabulary.tokenizer();
  private static PolicyModel model;

  @TempDir Path tmp;

  @BeforeAll
  static void model() {
    model = new PolicyModel(ModelConfig.tiny(TK.size()));
  }

  @AfterAll
  static void close() {
    model.close();
  }

  private static PolicyArtifact artifact(long version) {
    return PolicyArtifact.of(model, TK, version, Map.of("step", version));
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private List<String> files(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }

  @Test
  void putThenGetRoundTripsAndTheChecksumIsTheWholeFilesSha256() throws Exception {
    PolicyStore store = PolicyStores.open(tmp.resolve("run-1").toUri());
    assertThat(store.latest()).isEmpty();
    StoredPolicy sp = store.put(0, artifact(0));
    assertThat(sp.version()).isZero();
    assertThat(sp.location()).isEqualTo(tmp.resolve("run-1/policy-v0.zip").toUri());
    byte[] file = Files.readAllBytes(Path.of(sp.location()));
    assertThat(sp.checksum()).isEqualTo(sha256(file)).isNotEqualTo(artifact(0).checksum());
    assertThat(Files.readString(tmp.resolve("run-1/policy-v0.zip.sha256"))).isEqualTo(sha256(file) + "  policy-v0.zip\n");

    for (PolicyArtifact a : List.of(store.get(0), store.get(sp.location()), store.get(sp.location(), sp.checksum()))) {
      assertThat(a.policyVersion()).isZero();
      assertThat(a.checksum()).isEqualTo(artifact(0).checksum());
      assertThat(a.tokenizer().tokens()).isEqualTo(TK.tokens());
      assertThat(a.provenance()).containsEntry("step", 0);
    }
    store.put(3, artifact(3));
    assertThat(store.versions()).containsExactly(0L, 3L);
    assertThat(store.latest()).contains(store.describe(3).orElseThrow());
    assertThat(PolicyStores.open(store.root()).versions()).as("another reader of the same root").containsExactly(0L, 3L);
  }

  @Test
  void versionsAreImmutableAndIncreasing() {
    PolicyStore store = PolicyStores.open(tmp.toUri());
    store.put(2, artifact(2));
    assertThatThrownBy(() -> store.put(2, artifact(2))).hasMessageContaining("not after the latest version 2");
    assertThatThrownBy(() -> store.put(1, artifact(1))).hasMessageContaining("not after the latest version 2");
    assertThatThrownBy(() -> store.put(5, artifact(4))).hasMessageContaining("artifact says policy version 4, put as 5");
    assertThatThrownBy(() -> store.get(7)).isInstanceOf(PolicyStoreException.class).hasMessageContaining("no version 7");
  }

  @Test
  void aCorruptedFileIsReportedAsAChecksumMismatch() throws Exception {
    PolicyStore store = PolicyStores.open(tmp.toUri());
    StoredPolicy sp = store.put(0, artifact(0));
    Path f = Path.of(sp.location());
    byte[] b = Files.readAllBytes(f);
    b[b.length / 2] ^= 0x01;
    Files.write(f, b);
    assertThatThrownBy(() -> store.get(0)).isInstanceOf(PolicyStoreException.class)
        .hasMessageContaining("checksum mismatch").hasMessageContaining(sp.checksum()).hasMessageContaining(sha256(b));
    assertThatThrownBy(() -> store.get(sp.location())).hasMessageContaining("checksum mismatch");

    StoredPolicy ok = store.put(1, artifact(1));
    String other = sha256(new byte[] {1});
    assertThatThrownBy(() -> store.get(ok.location(), other)).isInstanceOf(PolicyStoreException.class)
        .hasMessageContaining("checksum mismatch (expected " + other);
    assertThatThrownBy(() -> store.get(ok.location(), "abc")).hasMessageContaining("64 lower-case hex");
  }

  @Test
  void retentionKeepsTheLastKVersionZeroAndPinnedOnesAndDeletesExactlyTheRest() throws Exception {
    PolicyStore store = PolicyStores.open(tmp.toUri(), Retention.keepLast(3, 4L));
    for (long v = 0; v <= 9; v++) {
      store.put(v, artifact(v));
    }
    assertThat(store.versions()).containsExactly(0L, 4L, 7L, 8L, 9L);
    assertThat(files(tmp)).containsExactly("policy-v0.zip", "policy-v0.zip.sha256", "policy-v4.zip", "policy-v4.zip.sha256",
        "policy-v7.zip", "policy-v7.zip.sha256", "policy-v8.zip", "policy-v8.zip.sha256", "policy-v9.zip", "policy-v9.zip.sha256");
    assertThatThrownBy(() -> store.get(5)).isInstanceOf(PolicyStoreException.class);

    PolicyStore stricter = PolicyStores.open(tmp.toUri(), Retention.keepLast(1));
    assertThat(stricter.prune()).containsExactly(4L, 7L, 8L);
    assertThat(stricter.versions()).containsExactly(0L, 9L);
    assertThat(Retention.keepLast(2).keep(List.of(3L, 5L, 6L))).as("no version 0 to keep").containsExactly(5L, 6L);
    assertThatThrownBy(() -> Retention.keepLast(0)).hasMessageContaining("keep-last must be >= 1");
  }

  @Test
  void unknownSchemesAndForeignLocationsAreRejectedClearly() {
    assertThatThrownBy(() -> PolicyStores.open(URI.create("s3://bucket/runs/run-1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported policy store scheme 's3'")
        .hasMessageContaining("supported: file");
    assertThatThrownBy(() -> PolicyStores.open(URI.create("policies/run-1"))).hasMessageContaining("has no scheme");
    assertThatThrownBy(() -> PolicyStores.open(URI.create("file:policies"))).hasMessageContaining("absolute file URI");
    PolicyStore store = PolicyStores.open(tmp.resolve("a").toUri());
    assertThatThrownBy(() -> store.get(tmp.resolve("b/policy-v0.zip").toUri())).hasMessageContaining("is not a version of");
    assertThatThrownBy(() -> store.get(tmp.resolve("a/other.zip").toUri())).hasMessageContaining("is not a version of");
  }

  @Test
  void leftoversOfACrashedWriteAreInvisibleAndReplaced() throws Exception {
    PolicyStore store = PolicyStores.open(tmp.toUri());
    store.put(0, artifact(0));
    Files.write(tmp.resolve("policy-v1.zip"), new byte[] {1, 2, 3}); // artifact moved in, checksum not yet
    Files.write(tmp.resolve(".policy-v1.zip.sha256.1234.tmp"), new byte[] {4});
    assertThat(store.versions()).containsExactly(0L);
    assertThat(store.latest().orElseThrow().version()).isZero();
    store.put(1, artifact(1));
    assertThat(store.get(1).policyVersion()).isEqualTo(1);
  }

  @Test
  void aConcurrentReaderSeesTheOldOrTheNewLatestVersionNeverAHalfWrittenOne() throws Exception {
    PolicyStore writer = PolicyStores.open(tmp.toUri(), Retention.keepLast(50));
    PolicyStore reader = PolicyStores.open(tmp.toUri(), Retention.keepLast(50));
    writer.put(0, artifact(0));
    int last = 25;
    AtomicBoolean done = new AtomicBoolean();
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    List<Long> seen = new ArrayList<>();
    CountDownLatch firstRead = new CountDownLatch(1);
    Thread t = new Thread(() -> {
      try {
        while (!done.get()) {
          StoredPolicy sp = reader.latest().orElseThrow();
          PolicyArtifact a = reader.get(sp.location(), sp.checksum());
          assertThat(a.policyVersion()).isEqualTo(sp.version());
          seen.add(sp.version());
          firstRead.countDown();
        }
      } catch (Throwable e) {
        errors.add(e);
      }
    });
    t.start();
    assertThat(firstRead.await(30, TimeUnit.SECONDS)).isTrue();
    for (long v = 1; v <= last; v++) {
      writer.put(v, artifact(v));
    }
    done.set(true);
    t.join(60_000);
    assertThat(errors).isEmpty();
    assertThat(seen).isNotEmpty().isSorted();
    assertThat(Set.copyOf(seen)).allMatch(v -> v >= 0 && v <= last).as("reads overlapped the writes").hasSizeGreaterThan(1);
    assertThat(reader.latest().orElseThrow().version()).isEqualTo(last);
  }
}
