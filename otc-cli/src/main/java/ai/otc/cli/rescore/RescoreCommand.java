package ai.otc.cli.rescore;

import ai.otc.cli.OtcSubcommand;
import ai.otc.contract.TopicSpec;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.cli.RewardOptions;
import ai.otc.core.reward.RewardConfig;
import ai.otc.reward.core.CorrectnessSource;
import ai.otc.reward.core.RescoreRange;
import ai.otc.reward.core.RescoreReport;
import ai.otc.reward.core.Rescorer;
import ai.otc.reward.core.TimeoutPolicy;
import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code otc rescore}: re-reads a range of otc.rollouts.v1 (by offset or by record time) and writes
 * the groups scored with another reward or reward version to a topic of the user's choice, without
 * touching the live reward-service: no consumer group, no committed offsets, its own n state that
 * starts empty, and a refusal to write into the live topics. The same range and options give the
 * same records (see {@link Rescorer}).
 */
@Command(
    name = "rescore",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
        "Re-score a range of otc.rollouts.v1 with another reward or version into a topic",
        "of your choice. Reads every partition of --source in [from, to) (offsets or",
        "record times; an open bound is the beginning / the end offset at start),",
        "assembles GRPO groups as reward-service does, scores them with its own",
        "per-question n (starting empty) and writes ScoredGroups (id",
        "<group>@<reward>:<version>) to --target. Never joins a consumer group, never",
        "commits offsets, never writes to the live topics. Re-running on the same range",
        "(pass the printed 'replay with' offsets) writes identical records.",
        "Exit codes: 0 done, 1 failed (broker, topic, write), 2 bad arguments.",
        ""})
public final class RescoreCommand implements OtcSubcommand {

  @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092", description = "Kafka bootstrap servers (default ${DEFAULT-VALUE})")
  String bootstrap;

  @Option(names = "--source", defaultValue = Topics.ROLLOUTS, description = "topic of trajectories to re-read (default ${DEFAULT-VALUE})")
  String source;

  @Option(names = "--target", required = true, description = "topic to write the re-scored groups to (created when missing)")
  String target;

  @Mixin RewardOptions rewardOptions = new RewardOptions();

  @Option(names = "--reward-version", defaultValue = "v1",
      description = "version label written into every ScoredGroup and its id (default ${DEFAULT-VALUE})")
  String rewardVersion;


  @Option(names = "--correctness", defaultValue = "recompute",
      description = "recompute (EM against golden_answers) | rollout (the rollout's flag) (default ${DEFAULT-VALUE})")
  String correctness;

  @Option(names = "--incomplete", defaultValue = "score-partial",
      description = "groups still incomplete at the end of the range: score-partial | drop-and-count (default ${DEFAULT-VALUE})")
  String incomplete;

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  RangeOptions range = new RangeOptions();

  /** Offsets or times, not both. */
  static final class RangeOptions {
    @ArgGroup(exclusive = false, multiplicity = "1")
    Offsets offsets;

    @ArgGroup(exclusive = false, multiplicity = "1")
    Times times;
  }

  /** An offset range, applied to every partition. */
  static final class Offsets {
    @Option(names = "--from-offset", paramLabel = "N|P:N,...",
        description = "first offset to read (inclusive): N for every partition, or per partition P:N,P:N (*:N for the rest)")
    String from;

    @Option(names = "--to-offset", paramLabel = "N|P:N,...",
        description = "offset to stop at (exclusive): N for every partition, or per partition P:N,P:N (*:N for the rest)")
    String to;
  }

  /** A record-time range. */
  static final class Times {
    @Option(names = "--from-time", description = "first record time to read (inclusive): ISO-8601 instant or epoch milliseconds")
    String from;

    @Option(names = "--to-time", description = "record time to stop at (exclusive): ISO-8601 instant or epoch milliseconds")
    String to;
  }

  @Option(names = "--target-partitions", description = "partitions of the target when it is created (default: the source's count)")
  Integer targetPartitions;

  @Option(names = "--target-replication-factor", defaultValue = "1",
      description = "replication factor of the target when it is created (default ${DEFAULT-VALUE})")
  short targetReplication;

  @Option(names = "--target-config", paramLabel = "KEY=VALUE",
      description = "topic config of the target when it is created (repeatable); default retention.ms=-1, since the"
          + " records keep their source times, which may be older than the broker's time-based retention")
  Map<String, String> targetConfig = new LinkedHashMap<>();

  @Option(names = {"-X", "--kafka-property"}, paramLabel = "KEY=VALUE",
      description = "extra Kafka client property for the consumer, producer and admin client (repeatable), e.g. security settings")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(names = "--quiet", description = "no per-record rejection lines; only the final report")
  boolean quiet;

  /** Streams, replaceable by tests. */
  PrintStream stdout = System.out;
  PrintStream stderr = System.err;

  /**
   * Topics a re-scoring must never write to: every platform topic of the contract's table (the live
   * output and dead letters of reward-service among them), and reward-service's changelogs.
   */
  static final Set<String> LIVE_TOPICS = Set.copyOf(TopicTable.all().stream().map(TopicSpec::name).toList());

  @Override
  public Integer call() {
    Rescorer.Request req;
    try {
      req = request();
    } catch (IllegalArgumentException e) {
      stderr.println("otc rescore: " + e.getMessage());
      return 2;
    }
    try {
      ensureTarget(req);
      Rescorer rescorer = new Rescorer(line -> {
        if (!quiet) {
          stderr.println("otc rescore: " + line);
        }
      });
      long t0 = System.nanoTime();
      RescoreReport report = rescorer.run(req);
      double secs = (System.nanoTime() - t0) / 1e9;
      stdout.println(report.describe());
      stdout.printf("written to %s with %s in %.2f s%n", req.targetTopic(), req.reward().label(), secs);
      stdout.flush();
      return 0;
    } catch (RuntimeException e) {
      // Broker unreachable, topic missing, a failed write: one line with the cause, exit 1.
      stderr.println("otc rescore: failed: " + e.getMessage() + (e.getCause() != null ? " (" + e.getCause() + ")" : ""));
      return 1;
    }
  }

  Rescorer.Request request() {
    if (target.isBlank()) {
      throw new IllegalArgumentException("--target must not be empty");
    }
    if (target.equals(source)) {
      throw new IllegalArgumentException("--target must differ from --source (" + source + ")");
    }
    if (LIVE_TOPICS.contains(target) || target.startsWith(Topics.REWARD_APPLICATION_ID + "-")) {
      throw new IllegalArgumentException("--target " + target + " is a live topic of the platform (ai.otc.contract.TopicTable);"
          + " re-scoring never writes there");
    }
    RewardConfig cfg = rewardOptions.toConfig(rewardVersion);
    if (!rewardVersion.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("--reward-version must be letters, digits, '.', '_' or '-', got '" + rewardVersion + "'");
    }
    RescoreRange r = RescoreRange.all();
    if (range != null && range.offsets != null) {
      r = RescoreRange.offsets(RescoreRange.parseOffsets("--from-offset", range.offsets.from),
          RescoreRange.parseOffsets("--to-offset", range.offsets.to));
    } else if (range != null && range.times != null) {
      r = RescoreRange.times(time("--from-time", range.times.from), time("--to-time", range.times.to));
    }
    return new Rescorer.Request(bootstrap, source, target, r, cfg, CorrectnessSource.parse(correctness),
        TimeoutPolicy.parse(incomplete), Map.copyOf(kafkaProperties));
  }

  static Instant time(String option, String s) {
    if (s == null) {
      return null;
    }
    if (s.matches("\\d+")) {
      return Instant.ofEpochMilli(Long.parseLong(s));
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(option + ": '" + s + "' is neither an ISO-8601 instant (2026-12-01T13:00:00Z) nor epoch milliseconds", e);
    }
  }

  /** Creates the target topic when missing, with the source's partition count unless told otherwise. */
  private void ensureTarget(Rescorer.Request req) {
    Map<String, Object> props = new LinkedHashMap<>(req.clientOverrides());
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, req.bootstrapServers());
    // An unreachable broker fails the command within ~15 s instead of Kafka's 60 s default.
    props.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
    props.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
    Admin admin = Admin.create(props);
    try {
      Set<String> names = admin.listTopics().names().get(20, TimeUnit.SECONDS);
      if (!names.contains(req.sourceTopic())) {
        throw new IllegalStateException("source topic " + req.sourceTopic() + " does not exist on " + req.bootstrapServers());
      }
      if (names.contains(req.targetTopic())) {
        return;
      }
      int partitions = targetPartitions != null ? targetPartitions : sourcePartitions(admin, req.sourceTopic());
      try {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("retention.ms", "-1");
        configs.putAll(targetConfig);
        admin.createTopics(List.of(new NewTopic(req.targetTopic(), partitions, targetReplication).configs(configs)))
            .all().get(30, TimeUnit.SECONDS);
        stderr.println("otc rescore: created topic " + req.targetTopic() + " (" + partitions + " partitions)");
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("creating " + req.targetTopic() + ": " + e.getCause().getMessage(), e.getCause());
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot reach the broker at " + req.bootstrapServers() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } finally {
      admin.close(java.time.Duration.ofSeconds(5));
    }
  }

  private static int sourcePartitions(Admin admin, String topic) throws ExecutionException, InterruptedException, TimeoutException {
    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
    return d.partitions().size();
  }
}
