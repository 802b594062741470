package ai.otc.reward.config;

import ai.otc.contract.Topics;
import ai.otc.core.reward.RewardKind;
import ai.otc.core.reward.AdvantageScale;
import ai.otc.core.reward.WrongAnswerPolicy;
import ai.otc.reward.core.CorrectnessSource;
import ai.otc.reward.core.TimeoutPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The reward service's own settings, {@code otc.reward.*}. Every key is validated when the
 * application starts: an unknown enum spelling or an out-of-range value stops the start with an
 * error naming the key (SmallRye Config conversion plus Hibernate Validator constraints). The broker
 * is {@code kafka.bootstrap.servers}.
 */
@ConfigMapping(prefix = "otc.reward")
public interface RewardServiceConfig {

  /** Which reward scores the groups: {@code em} (the Search-R1 baseline), {@code otc-ppo} or {@code otc-grpo}. */
  @WithDefault("otc-grpo")
  RewardKind kind();

  /** α of OTC.md Eq. 7 (paper: 1; it has no effect on GRPO advantages). Must be > 0. */
  @WithDefault("1")
  @Positive
  double alpha();

  /** The smooth constant c of the cosine branch (paper: 4 for search = max turns, 3 for code). Must be > 0. */
  @WithDefault("4")
  @Positive
  double c();

  /** How a wrong answer combines with r_tool: {@code literal}, {@code zero-when-wrong} or {@code tool-only-when-correct} (OTC.md §1.5). */
  @WithDefault("literal")
  WrongAnswerPolicy wrongAnswerPolicy();

  /** The additive ablation α·r_tool + r_phi instead of the paper's product (the paper found it unstable). */
  @WithDefault("false")
  boolean additive();

  /**
   * How a group's GRPO advantages are scaled: {@code std} ((r − mean) / (std + 1e-6), the paper's verl; the default) or
   * {@code none} (r − mean, Dr. GRPO: keeps more EM, removes excess calls more slowly; measured in docs/DEMO.md). See
   * {@code AdvantageScale}.
   */
  @WithDefault("std")
  AdvantageScale advantageScale();

  /** Version label written into every ScoredGroup's reward spec and id ({@code <group>@<kind>:<version>}). */
  @WithDefault("v1")
  @Pattern(regexp = "[A-Za-z0-9._-]+", message = "must be letters, digits, '.', '_' or '-'")
  String version();

  /** Where correctness comes from: {@code recompute} (EM against the golden answers) or {@code rollout} (the rollout's flag). */
  @WithDefault("recompute")
  CorrectnessSource correctness();

  /**
   * Identity of the service on the broker: the consumer group of otc.rollouts.v1, the prefix of the
   * transactional id and of the two changelog topics ({@code <id>-groups}, {@code <id>-optimal-calls}).
   * Instances with the same id share the work; a different id is an independent service.
   */
  @WithDefault(Topics.REWARD_APPLICATION_ID)
  @Pattern(regexp = "[A-Za-z0-9._-]+", message = "must be letters, digits, '.', '_' or '-'")
  String applicationId();

  /**
   * This instance's stable name, unique among the instances of one application id: its
   * transactional id is {@code <application-id>-<instance-id>}, so a restarted instance fences its
   * predecessor and aborts the transaction it left open. Also the {@code served_by} of gRPC answers.
   * Default: {@code <host name>-<quarkus.http.port>} (a StatefulSet pod name is a good choice).
   */
  Optional<@Pattern(regexp = "[A-Za-z0-9._-]+", message = "must be letters, digits, '.', '_' or '-'") String> instanceId();

  /**
   * How long one transaction collects outputs before it commits (exactly-once consume-produce):
   * outputs become visible to read_committed consumers at commit, so this bounds end-to-end latency;
   * longer intervals amortise the commit's round trips (see the README's Benchmark).
   */
  @WithDefault("500ms")
  @DurationMin(millis = 1)
  Duration commitInterval();

  /**
   * Whether an open transaction also commits as soon as the rollouts input is drained (a 5 ms poll comes back empty)
   * rather than only when {@code commit-interval} has passed. A synchronous trainer (staleness 0) waits for the last
   * group of its batch, so this takes the interval off every step; under a continuous stream the input is never
   * drained and commits stay one per interval. {@code false}: commit by the interval only.
   */
  @WithDefault("true")
  boolean commitWhenIdle();

  /**
   * Only trajectories of these runs are scored; the others are skipped and counted
   * ({@code otc_reward_other_run_total}). Unset: every run's. The optimal-call table is kept per question, so one
   * service that scores several runs estimates each question's n over all of their policies: a service per run
   * ({@code ./otc train}, the demo) names its run here.
   */
  Optional<List<@Pattern(regexp = "[A-Za-z0-9._-]+", message = "must be letters, digits, '.', '_' or '-'") String>> runIds();

  /** How often the stream logs a progress line (rate, where the loop's time went, pending groups, lag) while it has work. */
  @WithDefault("30s")
  @DurationMin(millis = 100)
  Duration progressInterval();

  /**
   * Extra settings of the rollouts consumer ({@code otc.reward.consumer."max.poll.records"=5000}),
   * applied over the service's defaults; the group id, isolation level and auto-commit are fixed.
   */
  Map<String, String> consumer();

  /**
   * Extra settings of the transactional producer ({@code otc.reward.producer."linger.ms"=20}),
   * applied over the service's defaults; the transactional id and idempotence are fixed.
   */
  Map<String, String> producer();

  /** Group assembly. */
  Groups groups();

  /** Topic names and creation. */
  TopicsConfig topics();

  /** Bounds on record sizes and on the memory of pending groups. */
  Limits limits();

  /**
   * What one oversized record or one hostile group may cost: record sizes written, the declared group size, and the
   * memory of incomplete groups (beyond which the service pauses its partitions instead of growing the heap).
   */
  interface Limits {

    /**
     * The largest record the service writes to otc.rewarded.v1 and to the dead-letter topic, in bytes as Kafka
     * counts them (key, value, headers, batch overhead). Topics the service creates get it as
     * {@code max.message.bytes}; an existing topic with a lower {@code max.message.bytes} lowers it for that topic.
     * A scored group larger than this goes to the dead-letter topic member by member ({@code group-too-large}); a
     * dead letter larger than this is written as a reference copy without the value. Default 1 MiB (Kafka's own
     * default message size), 64 KiB to 1 GiB.
     */
    @WithDefault("1048576")
    @Min(65536)
    @Max(1073741824)
    int maxRecordBytes();

    /** The largest {@code group_size} a rollout may declare; a larger one is refused ({@code invalid-field}). 1 to 100,000. */
    @WithDefault("256")
    @Min(1)
    @Max(100000)
    int maxGroupSize();

    /** How many incomplete groups may be held; at the cap the rollouts partitions are paused until groups finish or time out. */
    @WithDefault("100000")
    @Min(1)
    int maxPendingGroups();

    /**
     * How many bytes of members incomplete groups may hold (their wire bytes); at the cap the rollouts partitions are
     * paused until groups finish or time out. At least 1 MiB and at least {@code max-record-bytes}.
     */
    @WithDefault("268435456")
    @Min(1048576)
    long maxPendingBytes();
  }

  /** Group assembly settings. */
  interface Groups {

    /** How long a group may stay incomplete after its first member arrived (wall clock) before the timeout policy applies. */
    @WithDefault("5m")
    @DurationMin(millis = 1)
    Duration timeout();

    /** What to do with a group still incomplete at its timeout: {@code score-partial} or {@code drop-and-count}. */
    @WithDefault("score-partial")
    TimeoutPolicy timeoutPolicy();

    /** How often timeouts and marker expiries are checked (wall clock). */
    @WithDefault("1s")
    @DurationMin(millis = 1)
    Duration punctuateInterval();

    /**
     * How long a finished group is remembered, so its late members and duplicates are ignored rather
     * than starting it again (about 150 bytes of heap per group). Must be longer than {@code timeout}:
     * after a restart the service re-reads the source from its oldest pending group, and the markers
     * of groups finished since then must still be there to recognise them.
     */
    @WithDefault("1h")
    @DurationMin(millis = 1)
    Duration completedRetention();
  }

  /** Topic names and creation; the defaults are the contract's ({@code ai.otc.contract.TopicTable}). */
  interface TopicsConfig {

    /** Input topic of trajectories, key = group id. */
    @WithDefault(Topics.ROLLOUTS)
    @NotBlank
    String rollouts();

    /** Output topic of scored groups, key = group id. */
    @WithDefault(Topics.REWARDED)
    @NotBlank
    String rewarded();

    /** Dead-letter topic for rollout records that cannot be decoded or break the group contract. */
    @WithDefault(Topics.ROLLOUTS_DLQ)
    @NotBlank
    String dlq();

    /**
     * Create the three topics at start when they are missing, as the topic table says (off where topics
     * are managed, e.g. by Strimzi KafkaTopic resources made from the same table: then a missing one is
     * an error naming it).
     */
    @WithDefault("true")
    boolean create();

    /** Partitions of the three topics when created at start; unset: the topic table's. */
    Optional<@Min(1) @Max(10000) Integer> partitions();

    /** Replication factor of topics created at start, changelogs included. */
    @WithDefault("1")
    @Min(1)
    @Max(32)
    short replicationFactor();
  }

}
