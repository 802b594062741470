package ai.otc.gateway.config;

import ai.otc.tools.search.SearchEngine;
import ai.otc.tools.search.SearchRanking;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;

/**
 * Every setting of the tool gateway, under {@code otc.gateway}. Validated when the application
 * starts: a missing or malformed value (SmallRye Config conversion) or one out of its range (the
 * Hibernate Validator constraints on each key) stops the start with an error naming the key; the
 * rules that span several keys are checked by {@link GatewayBeans} at start, also naming the keys.
 * The broker is {@code kafka.bootstrap.servers}.
 */
@ConfigMapping(prefix = "otc.gateway")
public interface GatewayConfig {
  /** Largest byte bound of a cache (64 GiB): a larger one is a typo, not a heap. */
  long MAX_CACHE_BYTES = 64L << 30;

  /** Identity: how a call's credential becomes a tenant. */
  Auth auth();

  /** The BM25 search tool. */
  Search search();

  /** The python code tool and its sandbox. */
  Code code();

  /** Token buckets, concurrency caps and budgets. */
  Limits limits();

  /** The shared result cache. */
  Cache cache();

  /** Idempotency of code calls by {@code call_id}. */
  Idempotency idempotency();

  /** Usage events on {@code otc.tool-usage.v1}. */
  Metering metering();

  /** Several replicas: which replica owns which tenant's limits. */
  Replicas replicas();

  /** Graceful shutdown. */
  Drain drain();

  /** Identity settings. */
  interface Auth {
    /**
     * Bearer tokens by tenant: {@code otc.gateway.auth.tenants.<tenant>.token=<secret>}. A call's
     * {@code authorization: Bearer <secret>} header selects the tenant; the request body never does.
     */
    Map<String, TenantAuth> tenants();

    /**
     * mTLS: client-certificate subjects (X.500 distinguished names, e.g. {@code CN=rollout-a,O=otc}, compared
     * in RFC 2253 canonical form) mapped to tenants, used when the TLS session carries a verified client
     * certificate and the call sends no {@code authorization} header. A subject holds {@code =} and often
     * {@code .}, so the key is quoted and, in a properties file, its {@code =} escaped:
     * {@code otc.gateway.auth.mtls-principals."CN\=rollout-a,O\=otc"=alpha}.
     */
    Map<String, String> mtlsPrincipals();
  }

  /** One tenant's credential. */
  interface TenantAuth {
    /** The bearer token (a secret: set it from the environment or a Kubernetes Secret, at least 16 characters). */
    @Size(min = 16)
    String token();
  }

  /** Search tool settings. */
  interface Search {
    /** JSON Lines corpus ({@code id}, {@code title}, {@code text} per line). */
    Path corpus();

    /** Directory of the on-disk index; reused while the corpus hash is unchanged. */
    Path indexDir();

    /** Largest {@code top_k} a request may ask for. */
    @WithDefault("10")
    @Min(1)
    @Max(SearchEngine.MAX_TOP_K)
    int maxTopK();

    /** {@code top_k} used when a request sends 0 (Search-R1's 3); at most {@link #maxTopK()}. */
    @WithDefault("3")
    @Min(1)
    int defaultTopK();

    /** Longest query accepted, in characters. */
    @WithDefault("2048")
    @Min(1)
    int maxQueryChars();

    /** Most queries in one {@code BatchSearch}. */
    @WithDefault("512")
    @Min(1)
    int maxBatch();

    /**
     * How passages are ranked: {@code bm25} (Lucene BM25, Pyserini's defaults: Search-R1's retriever) or
     * {@code world} (the task world's exact-name-first search that the warm-started policy was trained with,
     * see {@link SearchRanking}; what {@code ./otc up} serves a world with). One index serves both.
     */
    @WithDefault("bm25")
    SearchRanking ranking();
  }

  /** Code tool settings. */
  interface Code {
    /** Largest program accepted, in UTF-8 bytes. */
    @WithDefault("65536")
    @Min(1)
    int maxCodeBytes();

    /** Most programs in one {@code BatchExecuteCode}. */
    @WithDefault("256")
    @Min(1)
    int maxBatch();

    /** python3 inside the sandbox (a system path; the sandbox cannot see home directories). */
    @WithDefault("/usr/bin/python3")
    Path python();

    /** bubblewrap binary. */
    @WithDefault("/usr/bin/bwrap")
    Path bwrap();

    /** util-linux prlimit. */
    @WithDefault("/usr/bin/prlimit")
    Path prlimit();

    /** util-linux setpriv. */
    @WithDefault("/usr/bin/setpriv")
    Path setpriv();

    /** Host directories bound read-only into the sandbox (absent ones are skipped). */
    @WithDefault("/usr,/bin,/lib,/lib64,/etc/alternatives")
    List<Path> roBinds();

    /** First uid of the per-run uid pool (one uid per concurrent run, so the process cap holds); unprivileged, >= 1000. */
    @WithDefault("61000")
    @Min(1000)
    int uidBase();

    /** Concurrent sandboxes (uids in the pool). */
    @WithDefault("16")
    @Min(1)
    int slots();

    /** Address-space limit per run (RLIMIT_AS), bytes. */
    @WithDefault("1073741824")
    @Positive
    long addressSpaceBytes();

    /** CPU-seconds limit per run (RLIMIT_CPU). */
    @WithDefault("10")
    @Positive
    int cpuSeconds();

    /**
     * Process limit per run (RLIMIT_NPROC of the run's uid; threads count too), 1..4096. Together with
     * {@link #addressSpaceBytes()} it bounds the address space of a whole run between two samples of the tree watch.
     */
    @WithDefault("16")
    @Positive
    @Max(4096)
    int maxProcesses();

    /** Largest file a run may write (RLIMIT_FSIZE), bytes. */
    @WithDefault("16777216")
    @Positive
    long maxFileBytes();

    /** Open files per run (RLIMIT_NOFILE). */
    @WithDefault("64")
    @Positive
    int maxOpenFiles();

    /** Size of each private writable tmpfs ({@code /work}, {@code /tmp}, {@code /dev/shm}), bytes. */
    @WithDefault("67108864")
    @Positive
    long tmpfsBytes();

    /** Wall-clock limit when a request sends {@code timeout_ms = 0} (ToRL's sandbox: 20 s); at most {@link #maxTimeout()}. */
    @WithDefault("20s")
    @DurationMin(millis = 1)
    Duration defaultTimeout();

    /** Largest wall-clock limit a request may ask for. */
    @WithDefault("60s")
    @DurationMin(millis = 1)
    Duration maxTimeout();

    /**
     * Resident memory of all the processes of one run together, bytes (≥ 1 MiB); above it the whole run is killed
     * with status OOM. Measured every {@link #treeWatchInterval()}.
     */
    @WithDefault("1073741824")
    @Min(1048576)
    long treeMemoryBytes();

    /** CPU seconds of all the processes of one run together; above it the whole run is killed with status TIMEOUT. */
    @WithDefault("10")
    @Positive
    int treeCpuSeconds();

    /** How often a run's process tree is measured for the two caps above, 10ms..1s. */
    @WithDefault("100ms")
    @DurationMin(millis = 10)
    @DurationMax(millis = 1000)
    Duration treeWatchInterval();

    /**
     * Load the sandbox's seccomp filter (no new namespaces, mounts, bpf, io_uring, ptrace, memfd, SysV shared
     * memory …); x86_64 and aarch64 only. Off only on a host where the filter cannot load.
     */
    @WithDefault("true")
    boolean seccomp();

    /** Bytes kept from the start and from the end of stdout and stderr each. */
    @WithDefault("32768")
    @PositiveOrZero
    int outputKeepBytes();
  }

  /** Limits settings. */
  interface Limits {
    /** Shadow mode: count and meter what would be refused, but let it through. */
    @WithDefault("false")
    boolean shadow();

    /** Default per-tenant token bucket and per-tool concurrency cap for the search tool. */
    ToolLimits search();

    /** Default per-tenant token bucket and per-tool concurrency cap for the code tool. */
    ToolLimits code();

    /** Per-tenant cost budget per window. */
    Budget budget();

    /** Per-tenant overrides of the token buckets: {@code otc.gateway.limits.tenants.<tenant>.search.rate=…}. */
    Map<String, TenantLimits> tenants();

    /** Retry-after sent when the concurrency cap or a tenant's share refuses (nothing to compute it from). */
    @WithDefault("50ms")
    @DurationMin(millis = 0)
    Duration concurrencyRetryAfter();

    /**
     * Fairness: the largest fraction, in (0, 1], of a tool's concurrent calls on this replica that one
     * tenant may hold at once. The capacity is {@code max-concurrency} for search, and for code the
     * smaller of {@code code.max-concurrency} and {@code code.slots} (the sandboxes that really run); a
     * tenant's cap is {@code floor(share × capacity)}, at least 1. A call over it is refused at once with
     * {@code RESOURCE_EXHAUSTED} (limit {@code tenant-share}, retry-after {@link #concurrencyRetryAfter()}),
     * never queued, so the other tenants always find the rest free. The default 0.5 gives two tenants an
     * equal half each; a deployment with a single tenant sets 1 to give it everything.
     */
    @WithDefault("0.5")
    @DecimalMin(value = "0", inclusive = false)
    @DecimalMax("1")
    double maxTenantShare();
  }

  /** A tool's bucket and cap. */
  interface ToolLimits {
    /** Tokens added per {@link #period()} (sustained rate); at most one per nanosecond of the period. */
    @WithDefault("1000")
    @Min(1)
    long rate();

    /** Refill period of {@link #rate()}. */
    @WithDefault("1s")
    @DurationMin(nanos = 1)
    Duration period();

    /** Bucket capacity: the largest burst a tenant may send at once. */
    @WithDefault("2000")
    @Min(1)
    long burst();

    /** Calls of this tool running at once on this replica, all tenants together. */
    @WithDefault("256")
    @Min(1)
    int maxConcurrency();

    /** Cost units one call charges against the tenant's budget (0: free). */
    @WithDefault("1")
    @PositiveOrZero
    double costUnits();
  }

  /** One tenant's overrides. */
  interface TenantLimits {
    /** Search bucket override. */
    Optional<BucketOverride> search();

    /** Code bucket override. */
    Optional<BucketOverride> code();

    /** Budget override: cost units per budget window (> 0; at most 1,000,000 per second of the window). */
    Optional<@Positive Double> budgetUnits();
  }

  /** A bucket override. */
  interface BucketOverride {
    /** Tokens added per period (at most one per nanosecond of it). */
    @Min(1)
    long rate();

    /** Refill period. */
    @DurationMin(nanos = 1)
    Duration period();

    /** Bucket capacity. */
    @Min(1)
    long burst();
  }

  /** Budget settings. */
  interface Budget {
    /** Cost units a tenant may spend per {@link #window()} (> 0; at most 1,000,000 per second of the window). */
    @WithDefault("1000000")
    @Positive
    double units();

    /** The budget window; the whole budget returns at the end of each window. */
    @WithDefault("1h")
    @DurationMin(millis = 1)
    Duration window();
  }

  /** Cache settings. */
  interface Cache {
    /** Whether results are cached (a hit still counts and is metered as the caller's call). */
    @WithDefault("true")
    boolean enabled();

    /**
     * Estimated bytes of all cached search results together (value's serialised size, key and a fixed
     * overhead per entry; see {@code EntryWeight}), 0..64 GiB; 0 keeps none. Over it the least useful
     * entries are evicted (W-TinyLFU).
     */
    @WithDefault("67108864")
    @PositiveOrZero
    @Max(MAX_CACHE_BYTES)
    long searchMaxBytes();

    /**
     * Estimated bytes of all cached code results together, all tenants (each tenant's results are its
     * own: another tenant's identical program is a miss), 0..64 GiB; 0 keeps none.
     */
    @WithDefault("16777216")
    @PositiveOrZero
    @Max(MAX_CACHE_BYTES)
    long codeMaxBytes();

    /**
     * Whether search results (public corpus passages) are shared by all tenants of the replica; false
     * keys them per tenant, so a hit no longer tells a tenant that another searched the same query.
     */
    @WithDefault("true")
    boolean searchShared();

    /**
     * Single flight for code: concurrent identical programs of one tenant (same code-cache key) run once,
     * each caller still admitted, charged, metered and answered on its own (a joined call is a cache hit).
     * Only while the cache is enabled.
     */
    @WithDefault("true")
    boolean codeSingleFlight();

    /** How long a result stays cached. */
    @WithDefault("10m")
    @DurationMin(millis = 0)
    Duration ttl();
  }

  /** Idempotency settings. */
  interface Idempotency {
    /**
     * Estimated bytes of all code results remembered by {@code (tenant, call_id)} together (as for the
     * cache), 0..64 GiB; 0 remembers none (a retry runs again). An evicted result only makes a late retry run again.
     */
    @WithDefault("33554432")
    @PositiveOrZero
    @Max(MAX_CACHE_BYTES)
    long maxBytes();

    /** How long a code result is replayed for a retried {@code call_id}. */
    @WithDefault("1h")
    @DurationMin(millis = 0)
    Duration ttl();
  }

  /** Metering settings. */
  interface Metering {
    /** Topic of the usage events (the contract's otc.tool-usage.v1 unless renamed). */
    @WithDefault(ai.otc.contract.Topics.TOOL_USAGE)
    @NotBlank
    String topic();

    /**
     * Create the usage topic when it is missing, as the contract's topic table says (partitions,
     * retention, cleanup), before the first event is sent. Off where topics are managed (Strimzi
     * KafkaTopic resources made from the same table): a missing topic is then an ERROR naming it, and
     * events wait in the spool.
     */
    @WithDefault("true")
    boolean createTopic();

    /** Replication factor of the usage topic when the gateway creates it. */
    @WithDefault("1")
    @Min(1)
    short replicationFactor();

    /**
     * Directory where every event is appended (segment files) before it is sent; a segment is deleted
     * once the broker has all of its events, so a broker outage or a gateway restart (or crash) loses none.
     */
    Path spoolDir();

    /**
     * Events per spool segment file: after a crash the next start re-sends the unfinished segments whole,
     * so this bounds the duplicates (same ids, dropped by consumers) a crash can cause.
     */
    @WithDefault("1024")
    @Min(1)
    int segmentEvents();

    /**
     * The most sends of spooled events waiting in memory for the Kafka sender thread. During a broker
     * outage more events arrive than can be sent: beyond this many they wait in the spool files only
     * (the resend pass reads them back), so the heap held by an outage does not grow with its length.
     */
    @WithDefault("" + ai.otc.gateway.metering.UsageMeter.DEFAULT_MAX_QUEUED_SENDS)
    @Min(1)
    int maxQueuedSends();

    /** How often unacknowledged events are re-sent. */
    @WithDefault("1s")
    @DurationMin(millis = 1)
    Duration resendInterval();

    /** CloudEvents {@code source} of the events; also this replica's instance name. */
    @WithDefault("/tool-gateway/local")
    @NotBlank
    String source();

    /** Extra Kafka producer properties ({@code otc.gateway.metering.producer."linger.ms"=1}). */
    Map<String, String> producer();
  }

  /** Replica settings. */
  interface Replicas {
    /** This replica's name (e.g. the StatefulSet pod name); unset: this replica owns every tenant. */
    Optional<String> self();

    /** All replicas' names; tenants are assigned by consistent hashing over them. Unset: one replica. */
    Optional<List<String>> members();

    /** Virtual nodes per replica on the hash ring (more: a more even spread). */
    @WithDefault("128")
    @Min(1)
    int virtualNodes();
  }

  /** Drain settings. */
  interface Drain {
    /** Longest wait for in-flight calls at shutdown after health turned NOT_SERVING. */
    @WithDefault("30s")
    @DurationMin(millis = 0)
    Duration timeout();
  }
}
