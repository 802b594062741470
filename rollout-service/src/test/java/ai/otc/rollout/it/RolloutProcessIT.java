package ai.otc.rollout.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ai.otc.contract.Topics;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.proto.v1.Trajectory;
import ai.otc.rollout.plan.QuestionPlan;
import ai.otc.rollout.support.LoopPlatform;
import ai.otc.rollout.support.PackagedServices;
import ai.otc.rollout.support.TrajectoryChecks;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.testkit.kafka.TopicRecord;
import ai.otc.testkit.process.ServiceProcess;
import ai.otc.world.Question;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged rollout service as real processes against a real embedded KRaft broker and the real packaged tool
 * gateway on a tiny world's corpus, with the learner's side (policy store + manifests) done by the test: trajectories
 * arrive with every field consistent and their tool calls match the gateway's usage events one to one; K = 0 holds
 * after each batch until the next version is published; two instances split each batch with no overlap and no gaps,
 * and with one of them SIGKILLed the other goes on with its share (and the restarted one resumes at the current
 * version); a configuration error stops the start naming the key. Each test uses its own run id.
 */
class RolloutProcessIT {
  private static final int B = 4;
  private static final long SEED = 17;
  private static final Duration LONG = Duration.ofSeconds(240);

  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass();

  @TempDir static Path tmp;

  private static LoopPlatform platform;

  @BeforeAll
  static void up() throws Exception {
    platform = new LoopPlatform(broker, tmp);
  }

  @AfterAll
  static void down() throws Exception {
    if (platform != null) {
      platform.close();
    }
  }

  private static List<TopicRecord<Trajectory>> ofBatch(List<TopicRecord<Trajectory>> records, String run, long batch) {
    return records.stream().filter(r -> r.value().getRunId().equals(run) && r.value().getRolloutBatch() == batch).toList();
  }

  private static long count(TopicReader<Trajectory> reader, String run) {
    return reader.values().stream().filter(t -> t.getRunId().equals(run)).count();
  }

  private static String ready(ServiceProcess p) throws Exception {
    var r = p.get("/q/health/ready");
    return r.statusCode() + " " + r.body();
  }

  private static double metric(ServiceProcess p, String series) throws Exception {
    String body = p.get("/q/metrics").body();
    for (String line : body.split("\n")) {
      if (line.startsWith(series + " ") || line.startsWith(series + "{")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    throw new AssertionError("no series " + series + " in /q/metrics");
  }

  @Test
  void kZeroHoldsAfterEachBatchUntilTheNextVersionAndEveryFieldIsConsistent() throws Exception {
    String run = "k0";
    int g = 3;
    Map<String, String> cfg = platform.rolloutConfig(run, 0, 1);
    cfg.put("otc.rollout.questions-per-step", Integer.toString(B));
    cfg.put("otc.rollout.group-size", Integer.toString(g));
    cfg.put("otc.rollout.staleness", "0");
    cfg.put("otc.rollout.max-batches", "2");
    try (ServiceProcess rollout = PackagedServices.rollout("rollout-k0").properties(cfg).start();
        TopicReader<Trajectory> reader = TopicReader.open(platform.bootstrap(), Topics.ROLLOUTS, Trajectory.parser());
        TopicReader<ToolUsage> usage = TopicReader.open(platform.bootstrap(), Topics.TOOL_USAGE, ToolUsage.parser())) {
      // alive but not ready while the learner has published nothing
      await().atMost(LONG).until(() -> {
        try {
          return ready(rollout).contains("WAITING_FOR_POLICY");
        } catch (java.io.IOException e) {
          return false;
        }
      });
      assertThat(ready(rollout)).startsWith("503");
      assertThat(rollout.get("/q/health/live").statusCode()).isEqualTo(200);

      platform.publishVersion(run, 0);
      rollout.awaitReady(LONG);
      reader.pollUntil(v -> count(reader, run) >= B * g, LONG);
      // K = 0: batch 1 needs version 1, which nobody has published
      reader.settle(Duration.ofSeconds(5));
      assertThat(count(reader, run)).isEqualTo(B * g);
      await().atMost(LONG).until(() -> ready(rollout).contains("WAITING_FOR_LEARNER"));
      assertThat(ready(rollout)).contains("\"batch\": 1");
      Set<String> batch0 = TrajectoryChecks.checkBatch(ofBatch(reader.records(), run, 0), platform.world(), run, 0, 0, g, SEED);
      assertThat(batch0).hasSize(B);

      platform.publishVersion(run, 1);
      reader.pollUntil(v -> count(reader, run) >= 2L * B * g, LONG);
      await().atMost(LONG).until(() -> ready(rollout).contains("\"DONE\""));
      reader.settle(Duration.ofSeconds(3));
      assertThat(count(reader, run)).as("max-batches 2").isEqualTo(2L * B * g);
      Set<String> batch1 = TrajectoryChecks.checkBatch(ofBatch(reader.records(), run, 1), platform.world(), run, 1, 1, g, SEED);
      assertThat(batch1).hasSize(B);

      // the questions are the plan's for (seed, batch)
      QuestionPlan plan = QuestionPlan.of(platform.world(), SEED, B, 0, 1);
      for (long b = 0; b < 2; b++) {
        long batch = b;
        assertThat(ofBatch(reader.records(), run, b).stream().map(r -> r.value().getQuestionId()).collect(Collectors.toSet()))
            .isEqualTo(plan.batch(batch).stream().map(Question::id).collect(Collectors.toSet()));
      }

      // every call that reached the gateway is exactly one usage event of the rollout's tenant, id = tenant/call id
      List<Trajectory> mine = reader.values().stream().filter(t -> t.getRunId().equals(run)).toList();
      Set<String> calls = TrajectoryChecks.executedCallIds(mine);
      assertThat(calls).as("the warm-started policy calls tools").isNotEmpty();
      Set<String> expected = calls.stream().map(c -> LoopPlatform.TENANT + "/" + c).collect(Collectors.toSet());
      usage.pollUntil(v -> ids(v, run).containsAll(expected), LONG);
      usage.settle(Duration.ofSeconds(2));
      assertThat(ids(usage.values(), run)).isEqualTo(expected);

      // metrics
      assertThat(metric(rollout, "otc_rollout_trajectories_total")).isEqualTo(2.0 * B * g);
      assertThat(metric(rollout, "otc_rollout_batches_total")).isEqualTo(2.0);
      assertThat(metric(rollout, "otc_rollout_policy_version")).isEqualTo(1.0);
      assertThat(metric(rollout, "otc_rollout_generated_tokens_total")).isEqualTo((double) mine.stream()
          .mapToLong(t -> t.getLossMaskList().stream().filter(m -> m == 1).count()).sum());
      double recordedCalls = 0;
      for (String line : rollout.get("/q/metrics").body().split("\n")) {
        if (line.startsWith("otc_rollout_tool_calls_total{")) {
          recordedCalls += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      assertThat(recordedCalls).isEqualTo(mine.stream().mapToInt(Trajectory::getToolCallCount).sum());
      assertThat(metric(rollout, "otc_rollout_phase_seconds_count")).isPositive();
      assertThat(metric(rollout, "otc_rollout_gateway_rpcs_total")).isPositive();
    }
  }

  /** Usage event ids of run {@code run}'s trajectories, refused attempts left out. */
  private static Set<String> ids(List<ToolUsage> events, String run) {
    return events.stream().filter(e -> e.getTrajectoryId().startsWith(run + "/") && !e.getId().contains(":refused:"))
        .map(ToolUsage::getId).collect(Collectors.toCollection(HashSet::new));
  }

  @Test
  void twoInstancesSplitEachBatchAndWhenOneIsKilledTheOtherGoesOn() throws Exception {
    String run = "pair";
    int g = 2;
    Map<String, String> base = Map.of("otc.rollout.questions-per-step", Integer.toString(B), "otc.rollout.group-size",
        Integer.toString(g), "otc.rollout.staleness", "1");
    platform.publishVersion(run, 0);
    QuestionPlan whole = QuestionPlan.of(platform.world(), SEED, B, 0, 1);
    QuestionPlan share0 = QuestionPlan.of(platform.world(), SEED, B, 0, 2);
    QuestionPlan share1 = QuestionPlan.of(platform.world(), SEED, B, 1, 2);
    Map<String, String> c0 = platform.rolloutConfig(run, 0, 2);
    c0.putAll(base);
    Map<String, String> c1 = platform.rolloutConfig(run, 1, 2);
    c1.putAll(base);
    try (TopicReader<Trajectory> reader = TopicReader.open(platform.bootstrap(), Topics.ROLLOUTS, Trajectory.parser());
        ServiceProcess r0 = PackagedServices.rollout("rollout-pair-0").properties(c0).start();
        ServiceProcess r1 = PackagedServices.rollout("rollout-pair-1").properties(c1).start()) {
      r0.awaitReady(LONG);
      r1.awaitReady(LONG);
      // K = 1 with version 0: batches 0 and 1, then both wait
      reader.pollUntil(v -> count(reader, run) >= 2L * B * g, LONG);
      reader.settle(Duration.ofSeconds(4));
      assertThat(count(reader, run)).isEqualTo(2L * B * g);
      for (long b = 0; b < 2; b++) {
        List<TopicRecord<Trajectory>> records = ofBatch(reader.records(), run, b);
        assertThat(records).hasSize(B * g); // no double: an overlap would repeat a trajectory id
        assertThat(records.stream().map(r -> r.value().getTrajectoryId()).distinct()).hasSize(B * g);
        Set<String> groups = TrajectoryChecks.checkBatch(records, platform.world(), run, b, 0, g, SEED);
        assertThat(questionsOf(records)).as("batch %d: no gaps", b).isEqualTo(ids(whole.batch(b)));
        assertThat(groups).hasSize(B);
      }
      assertThat(ids(share0.share(0))).doesNotContainAnyElementsOf(ids(share1.share(0)));

      // SIGKILL instance 1: instance 0 goes on with its share of every later batch
      r1.kill();
      platform.publishVersion(run, 1);
      reader.pollUntil(v -> ofBatch(reader.records(), run, 2).size() >= share0.share(2).size() * g, LONG);
      platform.publishVersion(run, 2);
      reader.pollUntil(v -> ofBatch(reader.records(), run, 3).size() >= share0.share(3).size() * g, LONG);
      reader.settle(Duration.ofSeconds(3));
      for (long b = 2; b < 4; b++) {
        List<TopicRecord<Trajectory>> records = ofBatch(reader.records(), run, b);
        assertThat(questionsOf(records)).as("batch %d: instance 0's share only", b).isEqualTo(ids(share0.share(b)));
        TrajectoryChecks.checkBatch(records, platform.world(), run, b, b - 1, g, SEED);
      }
      assertThat(ofBatch(reader.records(), run, 4)).as("K = 1 with version 2").isEmpty();

      // instance 1 restarted with the same index resumes at the current version (2), not at batch 0
      try (ServiceProcess again = PackagedServices.rollout("rollout-pair-1b").properties(c1).start()) {
        again.awaitReady(LONG);
        reader.pollUntil(v -> ofBatch(reader.records(), run, 3).size() >= B * g, LONG);
        reader.settle(Duration.ofSeconds(3));
        List<TopicRecord<Trajectory>> batch2 = ofBatch(reader.records(), run, 2);
        Set<String> lateShare = batch2.stream().filter(r -> ids(share1.share(2)).contains(r.value().getQuestionId()))
            .map(r -> r.value().getQuestionId()).collect(Collectors.toSet());
        assertThat(lateShare).as("instance 1's share of batch 2, generated after its restart").isEqualTo(ids(share1.share(2)));
        assertThat(batch2.stream().filter(r -> lateShare.contains(r.value().getQuestionId())))
            .allSatisfy(r -> assertThat(r.value().getPolicyVersion()).isEqualTo(2));
        assertThat(questionsOf(ofBatch(reader.records(), run, 3))).isEqualTo(ids(whole.batch(3)));
        long regenerated = reader.values().stream().filter(t -> t.getRunId().equals(run) && t.getRolloutBatch() < 2).count();
        assertThat(regenerated).as("batches 0 and 1 are not generated again").isEqualTo(2L * B * g);
        assertThat(ofBatch(reader.records(), run, 4)).as("K = 1 with version 2").isEmpty();
      }
    }
  }

  @Test
  void underTheGatewaysRateLimitTheServiceWaitsAndRetriesInsteadOfRecordingRefusals() throws Exception {
    String run = "tight";
    int g = 4;
    Map<String, String> cfg = platform.rolloutConfig(run, 0, 1);
    cfg.put("otc.rollout.gateway.token", LoopPlatform.TIGHT_TOKEN);
    cfg.put("otc.rollout.questions-per-step", Integer.toString(B));
    cfg.put("otc.rollout.group-size", Integer.toString(g));
    cfg.put("otc.rollout.max-batches", "1");
    platform.publishVersion(run, 0);
    try (TopicReader<Trajectory> reader = TopicReader.open(platform.bootstrap(), Topics.ROLLOUTS, Trajectory.parser());
        ServiceProcess rollout = PackagedServices.rollout("rollout-tight").properties(cfg).start()) {
      rollout.awaitReady(LONG);
      reader.pollUntil(v -> count(reader, run) >= B * g, LONG);
      List<Trajectory> batch = reader.values().stream().filter(t -> t.getRunId().equals(run)).toList();
      long searches = batch.stream().flatMap(t -> t.getTurnsList().stream())
          .filter(t -> t.hasToolCall() && t.getToolCall().getTool() == ai.otc.proto.v1.ToolKind.TOOL_KIND_SEARCH
              && t.getToolCall().getStatus() != ai.otc.proto.v1.ToolStatus.TOOL_STATUS_NOT_EXECUTED)
          .count();
      // more searches than the bucket holds: some had to wait for tokens
      org.junit.jupiter.api.Assumptions.assumeTrue(searches > LoopPlatform.TIGHT_RATE,
          "the policy made only " + searches + " searches");
      assertThat(batch).allSatisfy(t -> assertThat(t.getTurnsList()).noneMatch(turn -> turn.hasToolCall()
          && turn.getToolCall().getStatus() == ai.otc.proto.v1.ToolStatus.TOOL_STATUS_RATE_LIMITED));
      await().atMost(LONG).until(() -> metric(rollout, "otc_rollout_batches_total") == 1.0);
      double rateLimited = 0;
      for (String line : rollout.get("/q/metrics").body().split("\n")) {
        if (line.startsWith("otc_rollout_gateway_retries_total{cause=\"rate-limited\"")) {
          rateLimited = Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
      assertThat(rateLimited).as("retries after RESOURCE_EXHAUSTED").isPositive();
      assertThat(metric(rollout, "otc_rollout_gateway_backoff_seconds_total")).as("time waited for tokens").isPositive();
    }
  }

  private static Set<String> ids(List<Question> qs) {
    return qs.stream().map(Question::id).collect(Collectors.toSet());
  }

  private static Set<String> questionsOf(List<TopicRecord<Trajectory>> records) {
    return records.stream().map(r -> r.value().getQuestionId()).collect(Collectors.toSet());
  }

  @Test
  void aConfigurationErrorStopsTheStartNamingTheKey() throws Exception {
    Map<String, String> bad = platform.rolloutConfig("bad", 3, 2);
    try (ServiceProcess p = PackagedServices.rollout("rollout-bad-index").properties(bad).start()) {
      assertThat(p.awaitExit(LONG)).isNotZero();
      assertThat(p.logText()).contains("otc.rollout.instance-index (3) must be below otc.rollout.instance-count (2)");
    }
    Map<String, String> shortToken = platform.rolloutConfig("bad", 0, 1);
    shortToken.put("otc.rollout.gateway.token", "tooshort");
    shortToken.put("otc.rollout.staleness", "-2");
    try (ServiceProcess p = PackagedServices.rollout("rollout-bad-keys").properties(shortToken).start()) {
      assertThat(p.awaitExit(LONG)).isNotZero();
      assertThat(p.logText()).contains("otc.rollout.gateway.token").contains("otc.rollout.staleness")
          .doesNotContain("tooshort");
    }
  }
}
