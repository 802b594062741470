package ai.otc.learner.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.DeadLetterHeaders;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.learner.checkpoint.LearnerCheckpoint;
import ai.otc.learner.support.Groups;
import ai.otc.learner.support.PackagedLearner;
import ai.otc.learner.support.RunFeed;
import ai.otc.learner.support.TinyPolicy;
import ai.otc.learner.training.Checkpoints;
import ai.otc.learner.training.GroupLedger;
import ai.otc.learner.training.ServiceState;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.proto.v1.PolicyManifest;
import ai.otc.proto.v1.ScoredGroup;
import ai.otc.proto.v1.ScoredTrajectory;
import ai.otc.proto.v1.StepMetrics;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.testkit.kafka.TopicRecord;
import ai.otc.testkit.process.ServiceProcess;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged learner against a real KRaft broker with a tiny random-weight policy: (PPO) version 0 announced at start,
 * one version per {@code groups-per-step} groups with its step metrics, the store's files verifying by checksum, other
 * runs' groups, duplicates, stale groups and a poison record decided and counted; and a learner SIGKILLed mid-run that
 * (GRPO) resumes from its checkpoint and, over both lives, trains every produced group exactly once (counted by group id from
 * the checkpoint's ledger) and publishes every version and step exactly once.
 */
class LearnerServiceIT {

  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int V = TinyPolicy.tokenizer().size();

  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass();

  @BeforeAll
  static void topics() throws Exception {
    RunFeed.createTopics(broker.bootstrap());
  }

  @Test
  void trainsStepByStepAndCountsEveryDecision(@TempDir Path dir) throws Exception {
    TinyPolicy.write(dir.resolve("initial.zip"));
    String run = "it-a";
    try (RunFeed feed = new RunFeed(broker.bootstrap(), run);
        ServiceProcess svc = PackagedLearner.start("learner-a", broker.bootstrap(), run, dir, Map.of(
            "otc.learner.groups-per-step", "3", "otc.learner.staleness", "1", "otc.learner.max-steps", "3",
            // PPO here (critic, KL-in-reward, its checkpoint); GRPO in the kill test.
            "otc.learner.algorithm", "ppo",
            // Other tests' runs share the topic: start at its end, so the other-run count is this test's one record.
            "otc.learner.start-from", "latest"));
        TopicReader<byte[]> dlq = TopicReader.openRaw(broker.bootstrap(), Topics.REWARDED_DLQ)) {
      // Version 0: the initial policy, announced with the contract's headers, stored, its checksum the file's.
      List<PolicyManifest> ms = feed.awaitVersion(0, WAIT);
      PolicyManifest v0 = ms.getFirst();
      assertThat(v0.getVersion()).isZero();
      assertThat(v0.getStep()).isZero();
      assertThat(v0.getModelConfigJson()).contains("\"vocab_size\":" + V);
      assertStored(v0);
      for (TopicRecord<PolicyManifest> r : feed.manifestReader().records()) {
        assertThat(r.key()).isEqualTo(r.value().getRunId());
        assertThat(ContractHeaders.problems(Topics.POLICY, r.raw().headers())).isEmpty();
      }

      // Step 1: three groups of version 0, among another run's group, a duplicate and a poison record. (One partition
      // here: the learner decides records in poll order, which interleaves partitions.)
      List<ScoredGroup> b0 = List.of(Groups.group(run, 0, 0, 4, 0, V, 1), Groups.group(run, 0, 1, 4, 0, V, 1),
          Groups.group(run, 0, 2, 4, 0, V, 1));
      feed.send(b0.get(0), 0);
      feed.send(Groups.group("it-other", 0, 0, 4, 0, V, 1), 0);
      feed.send(b0.get(0), 0);
      long[] poisonAt = feed.sendRaw(run + "/b0/poison", "{\"not\": \"a protobuf\"}".getBytes(StandardCharsets.UTF_8), 0);
      feed.send(b0.get(1), 0);
      feed.send(b0.get(2), 0);
      StepMetrics s1 = feed.awaitStep(1, WAIT).getFirst();
      assertThat(s1.getRunId()).isEqualTo(run);
      assertThat(s1.getPolicyVersion()).isEqualTo(1);
      assertThat(s1.getReward()).isEqualTo("otc-grpo:v1");
      assertThat(s1.getTrajectories()).isEqualTo(12);
      assertThat(s1.getEm()).isEqualTo(emOf(b0));
      assertThat(s1.getTc()).isEqualTo(tcOf(b0));
      assertThat(s1.getExtraMap()).containsEntry("groups_fresh", 3.0).containsEntry("groups_duplicate", 1.0)
          .containsEntry("groups_other_run", 1.0).containsEntry("groups_dead_letter", 1.0)
          .containsEntry("groups_stale_dropped", 0.0).containsKeys("em/1p", "tc/2h0", "excess_calls/2h0", "wait_seconds",
              "update_seconds", "checkpoint_seconds", "store_seconds", "lr", "pg_loss");
      assertThat(s1.getLoss()).isFinite();
      assertThat(s1.getEntropy()).isPositive();
      assertThat(s1.getGradNorm()).isPositive();
      assertThat(s1.getExtraMap().get("value_loss")).as("the critic trained").isPositive();
      assertThat(s1.getExtraMap().get("critic_lr")).isEqualTo(1e-3);
      dlq.pollUntil(1, WAIT);
      TopicRecord<byte[]> d = dlq.records().getFirst();
      assertThat(d.header(DeadLetterHeaders.REASON)).isEqualTo("undecodable");
      assertThat(d.header(DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(Topics.REWARDED);
      assertThat(d.header(DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo(Long.toString(poisonAt[0]));
      assertThat(d.header(DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo(Long.toString(poisonAt[1]));
      assertThat(d.key()).isEqualTo(run + "/b0/poison");

      // Step 2 at version 1; step 3 at version 2, where a group of version 0 is stale (K = 1) and dropped.
      for (int q = 0; q < 3; q++) {
        feed.send(Groups.group(run, 1, q, 3, 1, V, 2), 0);
      }
      feed.awaitVersion(2, WAIT);
      feed.send(Groups.group(run, 0, 9, 3, 0, V, 3), 0);
      for (int q = 0; q < 3; q++) {
        feed.send(Groups.group(run, 2, q, 3, 2, V, 3), 0);
      }
      List<StepMetrics> steps = feed.awaitStep(3, WAIT);
      assertThat(steps).extracting(StepMetrics::getStep).containsExactly(1L, 2L, 3L);
      assertThat(steps.get(2).getExtraMap()).containsEntry("groups_stale_dropped", 1.0).containsEntry("groups_fresh", 3.0);
      for (TopicRecord<StepMetrics> r : feed.metricsReader().records()) {
        assertThat(ContractHeaders.problems(Topics.METRICS, r.raw().headers())).isEmpty();
      }
      List<PolicyManifest> all = feed.awaitVersion(3, WAIT);
      assertThat(all).extracting(PolicyManifest::getVersion).containsExactly(0L, 1L, 2L, 3L);
      for (PolicyManifest m : all) {
        assertStored(m);
      }
      assertThat(PolicyArtifact.load(Path.of(URI.create(all.get(1).getLocation()))).weights().get("tok_emb"))
          .as("step 1 changed the weights").isNotEqualTo(PolicyArtifact.load(dir.resolve("initial.zip")).weights().get("tok_emb"));

      // Done at max-steps: ready, and says so; the counters agree.
      awaitBody(svc, "/q/health/ready", "\"done\": true");
      String prom = svc.get("/q/metrics").body();
      assertThat(prom).contains("otc_learner_steps_total 3.0", "otc_learner_policy_version 3.0", "otc_learner_done 1.0",
          "otc_learner_groups_total{decision=\"duplicate\"} 1.0", "otc_learner_groups_total{decision=\"other-run\"} 1.0",
          "otc_learner_groups_total{decision=\"dead-letter\"} 1.0", "otc_learner_groups_total{decision=\"stale-dropped\"} 1.0",
          "otc_learner_groups_total{decision=\"fresh\"} 9.0");

      // The checkpoint's ledger: what each step trained and dropped.
      ServiceState st = Checkpoints.state(Checkpoints.read(dir.resolve("checkpoint")).orElseThrow());
      assertThat(st.step()).isEqualTo(3);
      assertThat(st.ledger()).extracting(GroupLedger.Entry::trained).containsExactly(
          List.of(Groups.id(run, 0, 0), Groups.id(run, 0, 1), Groups.id(run, 0, 2)),
          List.of(Groups.id(run, 1, 0), Groups.id(run, 1, 1), Groups.id(run, 1, 2)),
          List.of(Groups.id(run, 2, 0), Groups.id(run, 2, 1), Groups.id(run, 2, 2)));
      assertThat(st.ledger().get(2).dropped()).containsExactly(Groups.id(run, 0, 9));
    }
  }

  @Test
  void aLearnerKilledMidRunResumesAndTrainsEveryGroupExactlyOnce(@TempDir Path dir) throws Exception {
    TinyPolicy.write(dir.resolve("initial.zip"));
    String run = "it-k";
    int steps = 6;
    // K large: polls interleave partitions, so a group may be trained a step or two later than its batch number says;
    // staleness drops are trainsStepByStepAndCountsEveryDecision's subject, exactly-once is this one's.
    Map<String, String> props = Map.of("otc.learner.groups-per-step", "2", "otc.learner.max-steps", Integer.toString(steps),
        "otc.learner.staleness", "100");
    List<String> produced = new ArrayList<>();
    ServiceProcess first = PackagedLearner.start("learner-k1", broker.bootstrap(), run, dir, props);
    try (RunFeed feed = new RunFeed(broker.bootstrap(), run)) {
      // Batch b (for step b + 1) is made by version max(0, b - 1), as a rollout one version behind would.
      for (int b = 0; b < 3; b++) {
        feed.awaitVersion(Math.max(0, b - 1), WAIT);
        produced.addAll(sendBatch(feed, run, b));
      }
      feed.awaitVersion(2, WAIT);
      produced.addAll(sendBatch(feed, run, 3));
      Thread.sleep(50 + (System.nanoTime() % 200));
      first.kill();
      long before = feed.latestVersion();

      try (ServiceProcess second = PackagedLearner.start("learner-k2", broker.bootstrap(), run, dir, props)) {
        // A rollout instance that restarted re-generates its batch with the same ids: dedupe keeps it out.
        sendBatch(feed, run, 3);
        for (int b = 4; b < steps; b++) {
          feed.awaitVersion(b - 1, WAIT);
          produced.addAll(sendBatch(feed, run, b));
        }
        List<PolicyManifest> ms = feed.awaitVersion(steps, WAIT);
        List<StepMetrics> ss = feed.awaitStep(steps, WAIT);
        awaitBody(second, "/q/health/ready", "\"done\": true");
        assertThat(second.logText()).contains("resuming run " + run + " from the checkpoint of step");

        // Every version announced once and every step's metrics once, across both lives (one transaction each).
        assertThat(ms).extracting(PolicyManifest::getVersion).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(ss).extracting(StepMetrics::getStep).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        for (PolicyManifest m : ms) {
          assertStored(m);
        }
        // Every produced group trained exactly once, none skipped: the ledger of the final checkpoint.
        LearnerCheckpoint ck = Checkpoints.read(dir.resolve("checkpoint")).orElseThrow();
        ServiceState st = Checkpoints.state(ck);
        List<String> trained = st.ledger().stream().flatMap(e -> e.trained().stream()).toList();
        assertThat(trained).as("killed at version %d", before).hasSize(produced.size()).containsExactlyInAnyOrderElementsOf(produced);
        assertThat(st.ledger()).extracting(GroupLedger.Entry::step).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        int total = ss.stream().mapToInt(StepMetrics::getTrajectories).sum();
        assertThat(total).isEqualTo(produced.size() * 3);
      }
    } finally {
      first.close();
    }
  }

  private static List<String> sendBatch(RunFeed feed, String run, int b) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int q = 0; q < 2; q++) {
      ScoredGroup g = Groups.group(run, b, q, 3, Math.max(0, b - 1), V, 7);
      feed.send(g);
      ids.add(g.getId());
    }
    return ids;
  }

  /** The manifest's location holds a file whose SHA-256 is the manifest's checksum, and it loads as that version. */
  private static void assertStored(PolicyManifest m) throws Exception {
    Path file = Path.of(URI.create(m.getLocation()));
    assertThat(file).exists();
    assertThat(PolicyArtifact.sha256(Files.readAllBytes(file))).as("checksum of %s", file).isEqualTo(m.getChecksum());
    PolicyArtifact a = PolicyArtifact.load(file);
    assertThat(a.policyVersion()).isEqualTo(m.getVersion());
    assertThat(a.tokenizer().size()).isEqualTo(V);
  }

  private static double emOf(List<ScoredGroup> gs) {
    return gs.stream().flatMap(g -> g.getMembersList().stream()).collect(Collectors.averagingDouble(t -> t.getCorrect() ? 1 : 0));
  }

  private static double tcOf(List<ScoredGroup> gs) {
    return gs.stream().flatMap(g -> g.getMembersList().stream()).collect(Collectors.averagingDouble(ScoredTrajectory::getToolCalls));
  }

  private static void awaitBody(ServiceProcess svc, String path, String needle) throws Exception {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String body = "";
    while (System.nanoTime() < deadline) {
      body = svc.get(path).body();
      if (body.contains(needle)) {
        return;
      }
      Thread.sleep(200);
    }
    throw new AssertionError(path + " never contained " + needle + ": " + body);
  }
}
