package ai.otc.rollout.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.otc.proto.v1.Trajectory;
import ai.otc.rollout.plan.QuestionPlan;
import ai.otc.rollout.policy.LoadedPolicy;
import ai.otc.rollout.policy.PolicyFollower;
import ai.otc.rollout.policy.StorePolicyLoader;
import ai.otc.rollout.sampling.BatchTiming;
import ai.otc.rollout.sampling.RolloutIds;
import ai.otc.rollout.sampling.SampledBatch;
import ai.otc.rollout.support.RecordingMetrics;
import ai.otc.rollout.support.TinyPolicies;
import ai.otc.world.Question;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generation loop with a real policy follower over a real store of tiny policies, a sampler that only builds the
 * trajectories' ids (what it was asked is recorded) and a collecting sink: the staleness gate as the loop applies
 * it (K = 0, K = 1, a version jump), the start batch, max-batches, and retries of failed batches.
 */
class RolloutLoopTest {
  private static final String RUN = "loop-run";
  private static final int B = 4;
  private static final int G = 2;
  private static World world;

  @TempDir Path tmp;

  private TinyPolicies policies;
  private PolicyFollower follower;
  private final RecordingMetrics metrics = new RecordingMetrics();
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private final List<Published> published = new CopyOnWriteArrayList<>();
  private Thread thread;
  private RolloutLoop loop;

  private record Published(long batch, List<Trajectory> trajectories) {}

  @BeforeAll
  static void world() {
    world = WorldGenerator.generate(WorldConfig.tiny(0));
  }

  @BeforeEach
  void setUp() {
    policies = new TinyPolicies(RUN, tmp.resolve(RUN));
    follower = new PolicyFollower(RUN, new StorePolicyLoader(tmp.toUri(), "cpu"), metrics, System::nanoTime,
        Duration.ofMillis(10), Duration.ofMillis(50));
    follower.caughtUp();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (loop != null) {
      loop.stop();
      thread.join(10_000);
    }
    follower.close();
    policies.close();
  }

  /** Announces and loads version {@code v}, as the feed thread would. */
  private void learnerPublishes(long v) {
    follower.offer(policies.publish(v));
    assertThat(follower.tryLoad()).isTrue();
  }

  /** A sampler that builds G trajectories per question with the loop protocol's ids, recording each call. */
  private final class IdSampler implements BatchSampler {
    @Override
    public SampledBatch sample(LoadedPolicy policy, long batch, List<Question> questions) {
      asked.add(batch + "@" + policy.version());
      List<Trajectory> out = new ArrayList<>();
      for (Question q : questions) {
        String group = RolloutIds.groupId(RUN, batch, q.id());
        for (int k = 0; k < G; k++) {
          out.add(Trajectory.newBuilder().setRunId(RUN).setGroupId(group).setTrajectoryId(RolloutIds.trajectoryId(group, k))
              .setQuestionId(q.id()).setGroupSize(G).setPolicyVersion(policy.version()).setRolloutBatch(batch).build());
        }
      }
      return new SampledBatch(out, new BatchTiming(5, 3, 1, out.size(), 0, 10L * out.size(), 0, 0));
    }
  }

  private void start(int staleness, long maxBatches, BatchSampler sampler, TrajectorySink sink) {
    start(new RolloutLoop.Settings(RUN, staleness, maxBatches, Duration.ofMillis(10), Duration.ofMillis(40),
        Duration.ofSeconds(30)), sampler, sink);
  }

  private void start(RolloutLoop.Settings settings, BatchSampler sampler, TrajectorySink sink) {
    QuestionPlan plan = QuestionPlan.of(world, 11, B, 0, 1);
    loop = new RolloutLoop(settings, follower, plan, sampler, sink, metrics);
    thread = new Thread(loop, "loop-under-test");
    thread.start();
  }

  private void start(int staleness, long maxBatches) {
    start(staleness, maxBatches, new IdSampler(), (b, t) -> published.add(new Published(b, t)));
  }

  private List<Long> publishedBatches() {
    return published.stream().map(Published::batch).toList();
  }

  private void holdsAt(long batch) throws InterruptedException {
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.status().state() == RolloutLoop.State.WAITING_FOR_LEARNER
        && loop.status().batch() == batch);
    int before = published.size();
    Thread.sleep(300);
    assertThat(published).hasSize(before);
    assertThat(loop.status().state()).isEqualTo(RolloutLoop.State.WAITING_FOR_LEARNER);
  }

  @Test
  void nothingIsGeneratedBeforeVersionZero() throws Exception {
    start(1, 0);
    Thread.sleep(400);
    assertThat(loop.status().state()).isEqualTo(RolloutLoop.State.WAITING_FOR_POLICY);
    assertThat(asked).isEmpty();
    learnerPublishes(0);
    await().atMost(Duration.ofSeconds(30)).until(() -> published.size() >= 2);
    assertThat(asked).startsWith("0@0", "1@0");
  }

  @Test
  void kZeroGeneratesBatchBOnlyWithVersionB() throws Exception {
    learnerPublishes(0);
    start(0, 3);
    await().atMost(Duration.ofSeconds(30)).until(() -> published.size() == 1);
    holdsAt(1);
    learnerPublishes(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> published.size() == 2);
    holdsAt(2);
    learnerPublishes(2);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.status().state() == RolloutLoop.State.DONE);
    assertThat(asked).containsExactly("0@0", "1@1", "2@2");
    assertThat(publishedBatches()).containsExactly(0L, 1L, 2L);
    for (Published p : published) {
      assertThat(p.trajectories()).hasSize(B * G).allSatisfy(t -> {
        assertThat(t.getPolicyVersion()).isEqualTo(p.batch());
        assertThat(t.getRolloutBatch()).isEqualTo(p.batch());
      });
    }
    assertThat(metrics.published).containsExactly(0L, 1L, 2L);
  }

  @Test
  void kOneRunsOneBatchAheadOfTheLearner() throws Exception {
    learnerPublishes(0);
    start(1, 4);
    await().atMost(Duration.ofSeconds(30)).until(() -> published.size() == 2);
    holdsAt(2);
    learnerPublishes(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> published.size() == 3);
    holdsAt(3);
    learnerPublishes(2);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.status().state() == RolloutLoop.State.DONE);
    assertThat(asked).containsExactly("0@0", "1@0", "2@1", "3@2");
  }

  @Test
  void withALastVersionGenerationGoesOnUntilTheLearnerHasItAndStopsThere() throws Exception {
    learnerPublishes(0);
    // a run of 2 steps whose learner dropped stale groups: it needs a third batch, which max-batches 2 would not give
    start(new RolloutLoop.Settings(RUN, 1, 2, 2, Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofSeconds(30)),
        new IdSampler(), (b, t) -> published.add(new Published(b, t)));
    await().atMost(Duration.ofSeconds(30)).until(() -> published.size() == 2);
    holdsAt(2);
    learnerPublishes(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> published.size() == 3);
    holdsAt(3);
    learnerPublishes(2); // the last version: nothing more is generated
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.status().state() == RolloutLoop.State.DONE);
    Thread.sleep(300);
    assertThat(asked).containsExactly("0@0", "1@0", "2@1");
    assertThat(publishedBatches()).containsExactly(0L, 1L, 2L);
  }

  @Test
  void aVersionJumpMovesTheLoopUpToTheLearner() throws Exception {
    learnerPublishes(0);
    start(1, 7);
    await().atMost(Duration.ofSeconds(30)).until(() -> published.size() == 2);
    holdsAt(2);
    learnerPublishes(5); // the learner went on with other instances' groups
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.status().state() == RolloutLoop.State.DONE);
    assertThat(asked).containsExactly("0@0", "1@0", "5@5", "6@5");
    assertThat(publishedBatches()).containsExactly(0L, 1L, 5L, 6L);
  }

  @Test
  void aLoopStartedLateStartsAtTheCurrentVersionAndTheBatchesAreTheSameAsTheirFirstGeneration() throws Exception {
    learnerPublishes(3);
    start(1, 5);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.status().state() == RolloutLoop.State.DONE);
    assertThat(asked).containsExactly("3@3", "4@3");
    // the same batch of the same plan in another life: same questions, same ids
    QuestionPlan again = QuestionPlan.of(world, 11, B, 0, 1);
    List<String> ids = again.share(3).stream().map(q -> RolloutIds.groupId(RUN, 3, q.id())).toList();
    assertThat(published.get(0).trajectories().stream().map(Trajectory::getGroupId).distinct().toList()).isEqualTo(ids);
  }

  @Test
  void aFailedPublicationIsRetriedWithTheSameTrajectoriesAndAFailedGenerationIsRepeated() throws Exception {
    learnerPublishes(0);
    AtomicInteger publishCalls = new AtomicInteger();
    List<List<Trajectory>> attempts = new CopyOnWriteArrayList<>();
    TrajectorySink flaky = (b, t) -> {
      attempts.add(t);
      if (publishCalls.incrementAndGet() <= 2) {
        throw new IllegalStateException("broker unreachable");
      }
      published.add(new Published(b, t));
    };
    AtomicInteger sampleCalls = new AtomicInteger();
    IdSampler ids = new IdSampler();
    BatchSampler failingOnce = (p, b, q) -> {
      if (b == 1 && sampleCalls.incrementAndGet() == 1) {
        throw new IllegalStateException("generation failed");
      }
      return ids.sample(p, b, q);
    };
    start(1, 2, failingOnce, flaky);
    await().atMost(Duration.ofSeconds(30)).until(() -> loop.status().state() == RolloutLoop.State.DONE);
    assertThat(publishedBatches()).containsExactly(0L, 1L);
    assertThat(attempts.get(0)).isSameAs(attempts.get(1)).isSameAs(attempts.get(2));
    assertThat(asked).containsExactly("0@0", "1@0");
    assertThat(metrics.batchFailures.get()).isEqualTo(3);
    assertThat(loop.status().consecutiveFailures()).isZero();
  }

  @Test
  void aFencedPublisherStopsTheLoop() throws Exception {
    learnerPublishes(0);
    start(1, 0, new IdSampler(), (b, t) -> {
      throw new TrajectorySink.SinkFencedException("fenced", null);
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> !thread.isAlive());
    assertThat(loop.status().state()).isEqualTo(RolloutLoop.State.FENCED);
    assertThat(asked).containsExactly("0@0");
  }
}
