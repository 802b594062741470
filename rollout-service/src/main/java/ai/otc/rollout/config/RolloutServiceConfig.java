package ai.otc.rollout.config;

import ai.otc.contract.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * The rollout service's own settings, {@code otc.rollout.*}. Every key is validated when the application starts: a
 * malformed or out-of-range value stops the start with an error naming the key (SmallRye Config conversion plus
 * Hibernate Validator constraints); rules across keys (instance index below the count, the world and the policy store
 * usable, the plan possible) are checked by {@link RolloutBeans}. The broker is {@code kafka.bootstrap.servers}.
 */
@ConfigMapping(prefix = "otc.rollout")
public interface RolloutServiceConfig {

  /** Id pattern: letters, digits, '.', '_' and '-' (it is the first segment of every group id, so no '/'). */
  String ID = "[A-Za-z0-9._-]+";

  /**
   * The training run this instance generates for. Only {@code PolicyManifest}s with this run id are followed, and it
   * starts every group id ({@code <run-id>/b<batch>/<question id>}) and transactional id. Required.
   */
  @Pattern(regexp = ID, message = "must be letters, digits, '.', '_' or '-'")
  String runId();

  /** The task world's directory, as written by {@code ./otc world}: its train split is the question pool. Required. */
  Path world();

  /** The run's question seed: batch b's questions and every trajectory's sampling seed are functions of (seed, b). */
  @WithDefault("0")
  long seed();

  /** G: trajectories sampled per question (one GRPO group), 1..1024. */
  @WithDefault("8")
  @Min(1)
  @Max(1024)
  int groupSize();

  /** B: questions per rollout batch (one learner step's groups), shared by all instances, 1..100000. */
  @WithDefault("32")
  @Min(1)
  @Max(100_000)
  int questionsPerStep();

  /** This instance's index i in 0..instance-count − 1: it takes the batch positions p with p mod N = i. */
  @WithDefault("0")
  @Min(0)
  int instanceIndex();

  /** N: rollout instances sharing each batch, 1..1024 (at most questions-per-step). */
  @WithDefault("1")
  @Min(1)
  @Max(1024)
  int instanceCount();

  /**
   * K, the staleness bound: batch b starts only when the newest loaded policy version is at least b − K. 0 is fully
   * synchronous (on-policy); 0..1000.
   */
  @WithDefault("1")
  @Min(0)
  @Max(1000)
  int staleness();

  /**
   * The run's policy store, a URI whose scheme names the kind ({@code file:///var/otc/policies/run-1}); versions are
   * read from the manifests' locations and verified against their checksums. Required.
   */
  URI policyStore();

  /** Sampling temperature τ (the 1.0); old log-probs are exact under it. Must be > 0, at most 100. */
  @WithDefault("1.0")
  @Positive
  @DecimalMax("100")
  double temperature();

  /** Nucleus (top-p) mass kept when sampling, in (0, 1]; 1 samples from the full tempered softmax. */
  @WithDefault("1.0")
  @Positive
  @DecimalMax("1")
  double topP();

  /** Most model turns per trajectory (search protocol: at most this many executed searches), 1..64. */
  @WithDefault("4")
  @Min(1)
  @Max(64)
  int maxTurns();

  /** Most executed code calls per trajectory (the code protocol's C), 0..64. */
  @WithDefault("3")
  @Min(0)
  @Max(64)
  int maxCodeCalls();

  /** Passages per search observation (the warm start's: 1), 1..10. */
  @WithDefault("1")
  @Min(1)
  @Max(10)
  int topK();

  /** Tokens per trajectory, prompt included; 0 = the model's context length. */
  @WithDefault("0")
  @Min(0)
  @Max(1_000_000)
  int maxLength();

  /** Stop after batch max-batches − 1 (absolute batch numbers); 0 = never stop. */
  @WithDefault("0")
  @Min(0)
  long maxBatches();

  /**
   * The learner's last policy version (its step count), when the run has one: generation stops once that version is
   * loaded, and goes on past {@code max-batches} until then. Groups the learner drops as stale (older than K versions,
   * when batches reach it out of order) are then replaced by later batches instead of leaving its last step short of
   * groups forever; with K ≥ 1 one batch more than the steps is usually generated. Unset: {@code max-batches} alone.
   */
  Optional<@Min(1) Long> untilVersion();

  /** Where the policy runs: {@code auto} (a GPU when the engine reports one), {@code cpu}, {@code gpu}, {@code gpu:N}. */
  @WithDefault("cpu")
  @Pattern(regexp = "auto|cpu|gpu|gpu:[0-9]+", message = "must be auto, cpu, gpu or gpu:N")
  String device();

  /**
   * First wait before failed work is retried: a policy version that cannot be loaded (missing or corrupt artifact),
   * a batch whose generation or publication failed. Doubled per consecutive failure up to {@code max-backoff}.
   */
  @WithDefault("1s")
  @DurationMin(millis = 1)
  Duration backoff();

  /** Longest wait between retries of failed work (at least {@code backoff}). */
  @WithDefault("30s")
  @DurationMin(millis = 1)
  Duration maxBackoff();

  /**
   * At shutdown (SIGTERM), how long the batch in flight may take to finish and be published before the process stops
   * anyway (it is then generated again by the next start, with the same ids).
   */
  @WithDefault("30s")
  @DurationMin(millis = 0)
  Duration drainTimeout();

  /** How often a progress line is logged while the loop runs. */
  @WithDefault("30s")
  @DurationMin(millis = 100)
  Duration progressInterval();

  /** The tool gateway client. */
  Gateway gateway();

  /** Topic names and creation. */
  TopicsConfig topics();

  /**
   * Extra settings of the trajectory producer ({@code otc.rollout.producer."linger.ms"=20}) over the service's
   * defaults; the transactional id, idempotence and {@code acks=all} are fixed.
   */
  Map<String, String> producer();

  /**
   * Extra settings of the policy-topic consumer ({@code otc.rollout.consumer."fetch.max.wait.ms"=100}); it assigns
   * itself every partition (no group), reads from the beginning, read_committed, without auto-commit (fixed).
   */
  Map<String, String> consumer();

  /** The gateway client: where, who, and how long a call may take. */
  interface Gateway {

    /** The tool gateway's gRPC address, {@code host:port} (plain text). */
    @WithDefault("127.0.0.1:8090")
    @Pattern(regexp = "[^\\s:]+:[0-9]{1,5}", message = "must be host:port")
    String target();

    /** The bearer token of this run's tenant at the gateway (at least 16 characters; never logged). Required. */
    @Size(min = 16, message = "must be at least 16 characters")
    String token();

    /** Deadline of one attempt of one gateway RPC (a {@code BatchSearch} of a generation step, or one program); at least 10 ms. */
    @WithDefault("30s")
    @DurationMin(millis = 10)
    Duration deadline();

    /** Wall-clock limit asked for each program; 0 = the gateway's default (its {@code code.default-timeout}). */
    @WithDefault("0s")
    @DurationMin(millis = 0)
    Duration codeTimeout();

    /**
     * Programs of one generation step in flight at a time, and the most one {@code BatchExecuteCode} carries (with all
     * their copies), 1..1024: the gateway lets one tenant run at most {@code max-tenant-share} (0.5) of its 16 sandbox
     * slots at once, more would be refused and retried.
     */
    @WithDefault("8")
    @Min(1)
    @Max(1024)
    int codeParallelism();

    /** Searches per {@code BatchSearch} RPC (a step with more is split), 1..100000; at most the gateway's {@code search.max-batch}. */
    @WithDefault("256")
    @Min(1)
    @Max(100_000)
    int maxBatch();

    /** Retries and back-pressure. */
    Retry retry();
  }

  /**
   * How a gateway call is retried: {@code UNAVAILABLE} / {@code DEADLINE_EXCEEDED} with capped exponential back-off
   * and jitter (then the call's status is recorded in the trajectory); {@code RESOURCE_EXHAUSTED} after the wait the
   * gateway's {@code retry-after-ms} trailer asks for, while the total wait stays within {@code max-rate-limit-wait}.
   */
  interface Retry {

    /** Attempts for a transient failure, the first included, 1..100. */
    @WithDefault("5")
    @Min(1)
    @Max(100)
    int maxAttempts();

    /** Back-off before the second attempt. */
    @WithDefault("100ms")
    @DurationMin(millis = 0)
    Duration initialBackoff();

    /** Cap of one back-off (at least initial-backoff). */
    @WithDefault("2s")
    @DurationMin(millis = 0)
    Duration maxBackoff();

    /** Growth of the back-off per attempt, 1..10. */
    @WithDefault("2.0")
    @DecimalMin("1")
    @DecimalMax("10")
    double multiplier();

    /** Share of a back-off drawn at random, 0..1 (1 = full jitter). */
    @WithDefault("1.0")
    @DecimalMin("0")
    @DecimalMax("1")
    double jitter();

    /** Total time one call may wait on the gateway's limits before its refusal is recorded. */
    @WithDefault("60s")
    @DurationMin(millis = 0)
    Duration maxRateLimitWait();

    /** Wait after a refusal without a {@code retry-after-ms} trailer. */
    @WithDefault("100ms")
    @DurationMin(millis = 0)
    Duration defaultRetryAfter();
  }

  /** Topic names and creation; the defaults are the contract's ({@code ai.otc.contract.TopicTable}). */
  interface TopicsConfig {

    /** Output topic of trajectories, key = group id. */
    @WithDefault(Topics.ROLLOUTS)
    @NotBlank
    String rollouts();

    /** Input topic of policy manifests (compacted, key = run id). */
    @WithDefault(Topics.POLICY)
    @NotBlank
    String policy();

    /**
     * Create the two topics at start when they are missing, as the topic table says (off where topics are managed,
     * e.g. by Strimzi KafkaTopic resources made from the same table).
     */
    @WithDefault("true")
    boolean create();

    /** Replication factor of topics created at start. */
    @WithDefault("1")
    @Min(1)
    @Max(32)
    short replicationFactor();
  }
}
