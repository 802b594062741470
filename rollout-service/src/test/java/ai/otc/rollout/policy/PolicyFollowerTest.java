package ai.otc.rollout.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.policy.model.PolicySlot;
import ai.otc.proto.v1.PolicyManifest;
import ai.otc.rollout.domain.IgnoredManifest;
import ai.otc.rollout.support.RecordingMetrics;
import ai.otc.rollout.support.TinyPolicies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The follower against a real file policy store with real (tiny) artifacts: which manifests it follows, the order it
 * loads in, and that a corrupt or missing artifact is counted, retried with back-off and never loaded.
 */
class PolicyFollowerTest {
  private static final String RUN = "run-a";

  @TempDir Path tmp;

  private TinyPolicies policies;
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final RecordingMetrics metrics = new RecordingMetrics();
  private final List<Long> loads = new ArrayList<>();
  private PolicyFollower follower;

  @BeforeEach
  void setUp() {
    policies = new TinyPolicies(RUN, tmp.resolve("store").resolve(RUN));
    StorePolicyLoader store = new StorePolicyLoader(tmp.resolve("store").toUri(), "cpu");
    PolicyLoader counting = m -> {
      loads.add(m.getVersion());
      return store.load(m);
    };
    follower = new PolicyFollower(RUN, counting, metrics, clock::get, Duration.ofSeconds(1), Duration.ofSeconds(4));
  }

  @AfterEach
  void tearDown() {
    follower.close();
    policies.close();
  }

  private void advance(Duration d) {
    clock.addAndGet(d.toNanos());
  }

  @Test
  void nothingIsLoadedBeforeTheInitialReadReachesTheEndThenOnlyTheNewest() {
    PolicyManifest v0 = policies.publish(0);
    PolicyManifest v1 = policies.publish(1);
    PolicyManifest v2 = policies.publish(2);
    assertThat(follower.offer(v0)).isNull();
    assertThat(follower.tryLoad()).isFalse();
    assertThat(follower.offer(v1)).isNull();
    assertThat(follower.offer(v2)).isNull();
    assertThat(follower.tryLoad()).isFalse();
    assertThat(follower.version()).isEqualTo(-1);
    assertThatThrownBy(follower::acquire).isInstanceOf(IllegalStateException.class).hasMessageContaining("no policy version");

    follower.caughtUp();
    assertThat(follower.tryLoad()).isTrue();
    assertThat(loads).containsExactly(2L);
    assertThat(follower.version()).isEqualTo(2);
    try (PolicySlot.Lease<LoadedPolicy> lease = follower.acquire()) {
      assertThat(lease.version()).isEqualTo(2);
      assertThat(lease.model().artifact().policyVersion()).isEqualTo(2);
    }
    assertThat(follower.tryLoad()).isFalse(); // nothing pending
    assertThat(metrics.loaded).containsExactly(2L);
  }

  @Test
  void otherRunsAndVersionsThatAreNotNewerAreIgnored() {
    follower.caughtUp();
    PolicyManifest v0 = policies.publish(0);
    PolicyManifest v1 = policies.publish(1);
    TinyPolicies other = new TinyPolicies("run-b", tmp.resolve("store").resolve("run-b"));
    try {
      PolicyManifest foreign = other.publish(0).toBuilder().setVersion(7).build();
      assertThat(follower.offer(foreign)).isEqualTo(IgnoredManifest.OTHER_RUN);
      assertThat(follower.offer(v1)).isNull();
      assertThat(follower.offer(v0)).isEqualTo(IgnoredManifest.NOT_NEWER); // older than the pending one
      assertThat(follower.offer(v1)).isEqualTo(IgnoredManifest.NOT_NEWER); // a re-delivery
      assertThat(follower.tryLoad()).isTrue();
      assertThat(follower.offer(v0)).isEqualTo(IgnoredManifest.NOT_NEWER); // older than the loaded one
      assertThat(follower.offer(v1)).isEqualTo(IgnoredManifest.NOT_NEWER);
      assertThat(follower.tryLoad()).isFalse();
      assertThat(loads).containsExactly(1L);
      assertThat(metrics.ignored(IgnoredManifest.OTHER_RUN)).isEqualTo(1);
      assertThat(metrics.ignored(IgnoredManifest.NOT_NEWER)).isEqualTo(4);
    } finally {
      other.close();
    }
  }

  @Test
  void unusableManifestsAreIgnoredAsInvalid() {
    follower.caughtUp();
    PolicyManifest v0 = policies.publish(0);
    assertThat(follower.offer(v0.toBuilder().setVersion(-1).build())).isEqualTo(IgnoredManifest.INVALID);
    assertThat(follower.offer(v0.toBuilder().setLocation("").build())).isEqualTo(IgnoredManifest.INVALID);
    assertThat(follower.offer(v0.toBuilder().setChecksum("ABC").build())).isEqualTo(IgnoredManifest.INVALID);
    assertThat(metrics.ignored(IgnoredManifest.INVALID)).isEqualTo(3);
    assertThat(follower.tryLoad()).isFalse();
    assertThat(loads).isEmpty();
  }

  @Test
  void aCorruptArtifactIsCountedRetriedWithBackOffAndNeverLoaded() throws Exception {
    follower.caughtUp();
    PolicyManifest v0 = policies.publish(0);
    assertThat(follower.offer(v0)).isNull();
    assertThat(follower.tryLoad()).isTrue();
    PolicyManifest v1 = policies.publish(1);
    Path file = Path.of(java.net.URI.create(v1.getLocation()));
    byte[] good = Files.readAllBytes(file);
    byte[] bad = good.clone();
    bad[bad.length / 2] ^= 0x55;
    Files.write(file, bad, StandardOpenOption.TRUNCATE_EXISTING);

    assertThat(follower.offer(v1)).isNull();
    assertThat(follower.tryLoad()).isFalse();
    assertThat(follower.version()).isEqualTo(0);
    assertThat(follower.pendingVersion()).isEqualTo(1);
    assertThat(follower.lastError()).contains("version 1").containsIgnoringCase("checksum");
    assertThat(metrics.loadFailed).containsExactly(1L);
    // back-off: 1 s, then 2 s, then capped at 4 s; no attempt before its time
    assertThat(follower.tryLoad()).isFalse();
    assertThat(loads).containsExactly(0L, 1L);
    advance(Duration.ofMillis(999));
    follower.tryLoad();
    assertThat(loads).containsExactly(0L, 1L);
    advance(Duration.ofMillis(1));
    follower.tryLoad();
    assertThat(loads).containsExactly(0L, 1L, 1L);
    advance(Duration.ofMillis(1999));
    follower.tryLoad();
    assertThat(loads).hasSize(3);
    advance(Duration.ofMillis(1));
    follower.tryLoad();
    assertThat(loads).hasSize(4);
    advance(Duration.ofSeconds(4));
    follower.tryLoad();
    assertThat(loads).hasSize(5);
    advance(Duration.ofSeconds(4));
    follower.tryLoad();
    assertThat(loads).hasSize(6);
    assertThat(metrics.loadFailed).hasSize(5).containsOnly(1L);
    try (PolicySlot.Lease<LoadedPolicy> lease = follower.acquire()) {
      assertThat(lease.version()).isZero();
    }

    // the file repaired (a re-upload): the next retry loads it
    Files.write(file, good, StandardOpenOption.TRUNCATE_EXISTING);
    advance(Duration.ofSeconds(4));
    assertThat(follower.tryLoad()).isTrue();
    assertThat(follower.version()).isEqualTo(1);
    assertThat(follower.lastError()).isEmpty();
  }

  @Test
  void aMissingArtifactIsRetriedUntilANewerVersionReplacesIt() throws Exception {
    follower.caughtUp();
    PolicyManifest v0 = policies.publish(0);
    PolicyManifest v1 = policies.publish(1);
    Files.delete(Path.of(java.net.URI.create(v1.getLocation())));
    follower.offer(v0);
    follower.tryLoad();
    follower.offer(v1);
    assertThat(follower.tryLoad()).isFalse();
    assertThat(follower.lastError()).contains("version 1");
    PolicyManifest v2 = policies.publish(2);
    assertThat(follower.offer(v2)).isNull(); // replaces the failing one, retried at once
    assertThat(follower.tryLoad()).isTrue();
    assertThat(follower.version()).isEqualTo(2);
    assertThat(loads).containsExactly(0L, 1L, 2L);
  }

  @Test
  void aLocationOutsideTheStoreOrAWrongVersionIsNotLoaded() throws Exception {
    follower.caughtUp();
    PolicyManifest v0 = policies.publish(0);
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    Path copy = elsewhere.resolve("policy-v0.zip");
    Files.copy(Path.of(java.net.URI.create(v0.getLocation())), copy);
    follower.offer(v0.toBuilder().setLocation(copy.toUri().toString()).build());
    assertThat(follower.tryLoad()).isFalse();
    assertThat(follower.lastError()).contains("outside the policy store");

    // the artifact says version 0 while the manifest says 3
    PolicyManifest lying = v0.toBuilder().setVersion(3).build();
    follower.offer(lying);
    assertThat(follower.tryLoad()).isFalse();
    assertThat(follower.lastError()).contains("is policy version 0, the manifest announces 3");
    assertThat(follower.version()).isEqualTo(-1);
  }

  @Test
  void awaitVersionReturnsWhenAVersionIsSwappedIn() throws Exception {
    follower.caughtUp();
    PolicyManifest v0 = policies.publish(0);
    long t0 = System.nanoTime();
    assertThat(follower.awaitVersion(0, Duration.ofMillis(200))).isEqualTo(-1);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isGreaterThanOrEqualTo(190);
    Thread loader = new Thread(() -> {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        return;
      }
      follower.offer(v0);
      follower.tryLoad();
    });
    loader.start();
    assertThat(follower.awaitVersion(0, Duration.ofSeconds(30))).isZero();
    loader.join();
  }
}
