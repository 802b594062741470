package ai.otc.gateway.metering;

import ai.otc.contract.CloudEvents;
import ai.otc.contract.Headers;
import ai.otc.contract.TopicTable;
import ai.otc.contract.Topics;
import ai.otc.contract.kafka.ContractHeaders;
import ai.otc.proto.v1.ToolUsage;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

/**
 * Sends one {@link ToolUsage} per tool call to {@code otc.tool-usage.v1} (key = tenant) and never loses
 * one: each event is first appended to the current segment file of a spool directory (see {@link
 * SpoolSegment}: one {@code write} per event, so a process crash, SIGKILL included, cannot lose it),
 * then sent; a segment file is deleted once the broker has acknowledged every event in it and it takes
 * no more (after {@code segmentEvents} events, or as soon as it is fully acknowledged on an idle
 * resend pass). Events whose send failed or timed out (broker down) are re-sent every {@code
 * resendInterval}, and a new meter on the same spool directory (a gateway restart, also after a crash)
 * re-sends every event of the segments the last one left. Delivery is therefore at-least-once (a crash
 * re-sends at most one segment's already acknowledged events); the event id is deterministic, so
 * consumers dedupe on it (also on the {@code ce_id} header). Nothing is sent before the {@link
 * TopicGate} has made sure the topic exists as the contract's topic table says.
 *
 * <p>The RPC thread only appends to the segment and queues the send; the Kafka client runs on its own
 * thread, so a broker outage does not slow tool calls down. The heap held by pending events is bounded:
 * at most {@code maxQueuedSends} sends wait in memory for the sender thread (an event beyond that stays
 * only in its segment file, and the resend pass reads it back), the Kafka client holds at most its
 * {@code buffer.memory}, and a resend pass reads one segment at a time; per spooled event the meter
 * keeps two bits. While the topic gate is closed (broker down at start) a resend pass reads nothing.
 *
 * <p>An event that cannot be appended to the spool makes {@link #record} throw {@link
 * MeteringSpoolException}: the caller fails the tool call instead of answering it unmetered. The
 * segment being written is then sealed, so a torn record can only ever be the last of its file.
 */
public final class UsageMeter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(UsageMeter.class);
  static final String SUFFIX = ".seg";

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final TopicGate gate;
  private final Path spool;
  private final int segmentEvents;
  private final String prefix;
  private final ScheduledExecutorService sender;
  private final Map<Path, SpoolSegment> segments = new ConcurrentHashMap<>();
  private final Object appendLock = new Object();
  private SpoolSegment current;
  private long segmentSeq;
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final int maxQueuedSends;
  private final AtomicInteger queued = new AtomicInteger();
  private SegmentFactory segmentFactory = SpoolSegment::create;
  private volatile boolean closed;

  /**
   * A meter that creates {@code topic} when missing as the topic table's otc.tool-usage.v1 row says,
   * with replication factor 1 (the local default).
   */
  public UsageMeter(Map<String, Object> producerProps, String topic, Path spoolDir, Duration resendInterval, int segmentEvents) {
    this(producerProps, new TopicGate(producerProps, TopicTable.get(Topics.TOOL_USAGE).withName(topic), true, (short) 1,
        resendInterval), spoolDir, resendInterval, segmentEvents, DEFAULT_MAX_QUEUED_SENDS);
  }

  /** Default of {@code otc.gateway.metering.max-queued-sends}. */
  public static final int DEFAULT_MAX_QUEUED_SENDS = 4096;

  /**
   * @param producerProps Kafka producer properties (at least {@code bootstrap.servers}); the meter adds
   *     serializers and durability settings that the caller may override
   * @param gate makes sure the topic exists before the first send ({@link TopicGate#topic()} is the topic)
   * @param segmentEvents events per spool segment file (the most a crash can make it re-send)
   * @param maxQueuedSends the most sends waiting in memory for the sender thread; more wait on disk only
   */
  public UsageMeter(Map<String, Object> producerProps, TopicGate gate, Path spoolDir, Duration resendInterval, int segmentEvents,
      int maxQueuedSends) {
    String topic = gate.topic();
    this.gate = gate;
    if (segmentEvents < 1) {
      throw new IllegalArgumentException("otc.gateway.metering.segment-events must be >= 1, was " + segmentEvents);
    }
    if (maxQueuedSends < 1) {
      throw new IllegalArgumentException("otc.gateway.metering.max-queued-sends must be >= 1, was " + maxQueuedSends);
    }
    this.maxQueuedSends = maxQueuedSends;
    this.topic = topic;
    this.spool = spoolDir;
    this.segmentEvents = segmentEvents;
    // Start time, pid and a random part: two meters never write the same segment name, also in one JVM.
    this.prefix = Long.toHexString(System.currentTimeMillis()) + "-" + Long.toHexString(ProcessHandle.current().pid()) + "-"
        + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt() & 0x7fffffff) + "-";
    try {
      Files.createDirectories(spoolDir);
      try (Stream<Path> s = Files.list(spoolDir)) {
        for (Path f : s.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
          SpoolSegment seg = SpoolSegment.recover(f);
          if (seg.count() == 0) {
            Files.deleteIfExists(f);
          } else {
            segments.put(f, seg);
            LOG.infof("metering spool: %d event(s) of a previous run in %s will be re-sent", seg.count(), f);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot use the metering spool directory " + spoolDir
          + " (otc.gateway.metering.spool-dir)", e);
    }
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // Kafka 4 defaults to linger.ms=5; metering is async, but 1 ms keeps segments short-lived.
    p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    // Bounded: after this the send fails and the spool re-sends it; infinite would pin memory.
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
    p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    p.putAll(producerProps);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    if (!p.containsKey(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG)) {
      throw new IllegalArgumentException("metering needs kafka.bootstrap.servers");
    }
    this.producer = new KafkaProducer<>(p);
    this.sender = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "usage-sender");
      t.setDaemon(true);
      return t;
    });
    long every = resendInterval.toMillis();
    // First pass at once: events a previous instance left behind go out before new ones pile up.
    sender.scheduleWithFixedDelay(this::resendPass, 0, every, TimeUnit.MILLISECONDS);
  }

  /**
   * Spools and queues {@code event}; returns once it is in the spool file (it can no longer be lost).
   *
   * @throws MeteringSpoolException when the spool cannot be written: the event is not recorded
   */
  public void record(ToolUsage event) {
    if (closed) {
      throw new IllegalStateException("usage meter is closed; event " + event.getId() + " not recorded");
    }
    byte[] bytes = event.toByteArray();
    SpoolSegment seg;
    int index;
    synchronized (appendLock) {
      try {
        if (current == null || current.count() >= segmentEvents) {
          if (current != null && current.seal()) {
            delete(current);
          }
          current = null;
          Path f = spool.resolve(prefix + String.format("%08d", segmentSeq++) + SUFFIX);
          current = segmentFactory.create(f);
          segments.put(f, current);
        }
        seg = current;
        index = seg.append(bytes);
      } catch (IOException e) {
        abandonCurrent();
        throw new MeteringSpoolException("cannot write usage event " + event.getId() + " to the metering spool " + spool
            + " (otc.gateway.metering.spool-dir): " + e, e);
      }
    }
    if (queued.incrementAndGet() > maxQueuedSends) {
      // Bounded heap: this one waits on disk only; the next resend pass reads it back from the segment.
      queued.decrementAndGet();
      seg.failed(index);
      return;
    }
    sender.execute(() -> {
      queued.decrementAndGet();
      send(seg, index, event);
    });
  }

  /**
   * After a failed append: no further event goes into the segment (its tail may be a torn record, which
   * is only harmless as the last one of the file); the next record starts a new segment.
   */
  private void abandonCurrent() {
    SpoolSegment c = current;
    current = null;
    if (c == null) {
      return;
    }
    try {
      if (c.seal()) {
        delete(c);
      }
    } catch (IOException e) {
      LOG.warnf(e, "sealing metering spool segment %s after a failed write", c.file());
    }
  }

  /** Sends waiting in memory for the sender thread (at most {@code maxQueuedSends}). */
  int queuedSends() {
    return queued.get();
  }

  /** Test seam: how segment files are created (a test injects one whose writes fail). */
  interface SegmentFactory {
    SpoolSegment create(Path file) throws IOException;
  }

  void segmentFactory(SegmentFactory f) {
    synchronized (appendLock) {
      segmentFactory = f;
    }
  }

  /** Events spooled but not yet acknowledged by the broker (also those a previous run left). */
  public long pending() {
    long n = 0;
    for (SpoolSegment s : segments.values()) {
      n += s.unacknowledged();
    }
    return n;
  }

  /** Events the broker acknowledged since start. */
  public long acknowledged() {
    return acked.get();
  }

  /** Failed send attempts since start (each is retried). */
  public long failedAttempts() {
    return failures.get();
  }

  private void send(SpoolSegment seg, int index, ToolUsage e) {
    if (closed) {
      seg.failed(index);
      return;
    }
    if (!gate.open()) {
      // Not sent before the topic exists as the table says (never by auto-creation); the spool keeps it.
      failures.incrementAndGet();
      seg.failed(index);
      return;
    }
    try {
      ProducerRecord<String, byte[]> rec = new ProducerRecord<>(topic, null, e.getTenant(), e.toByteArray());
      ContractHeaders.stamp(rec.headers(), Headers.TYPE_TOOL_USAGE);
      rec.headers().add(new RecordHeader(CloudEvents.HEADER_ID, e.getId().getBytes(StandardCharsets.UTF_8)));
      rec.headers().add(new RecordHeader(CloudEvents.HEADER_TYPE, CE_TYPE));
      producer.send(rec, (meta, ex) -> {
        if (ex == null) {
          acked.incrementAndGet();
          if (seg.acknowledge(index)) {
            delete(seg);
          }
        } else {
          failures.incrementAndGet();
          seg.failed(index);
          LOG.debugf("usage event %s not acknowledged (%s); kept in the spool for resend", e.getId(), ex.toString());
        }
      });
    } catch (RuntimeException ex) {
      // Metadata timeout (broker unreachable) or a closed producer: the spool keeps it for the resender.
      failures.incrementAndGet();
      seg.failed(index);
      LOG.debugf("usage event %s not sent (%s); kept in the spool for resend", e.getId(), ex.toString());
    }
  }

  private static final byte[] CE_TYPE = CloudEvents.TYPE_TOOL_USAGE.getBytes(StandardCharsets.UTF_8);

  private void delete(SpoolSegment seg) {
    segments.remove(seg.file(), seg);
    try {
      Files.deleteIfExists(seg.file());
    } catch (IOException io) {
      // Left on disk it is sent again by the next run: duplicates with the same ids, which consumers drop.
      LOG.warnf(io, "metering spool segment %s fully sent but not deleted", seg.file());
    }
  }

  /** Seals the current segment when everything in it is acknowledged, so an idle spool is empty. */
  private void rollIfIdle() throws IOException {
    synchronized (appendLock) {
      if (current != null && current.count() > 0 && current.unacknowledged() == 0) {
        SpoolSegment c = current;
        current = null;
        if (c.seal()) {
          delete(c);
        }
      }
    }
  }

  private void resendPass() {
    if (closed) {
      return;
    }
    try {
      rollIfIdle();
      if (!gate.open()) {
        // Nothing can be sent: do not read the spool back (an outage at start can leave much on disk).
        return;
      }
      for (SpoolSegment seg : List.copyOf(segments.values())) {
        List<Integer> unsent = seg.claimUnsent();
        if (unsent.isEmpty()) {
          continue;
        }
        List<byte[]> records = SpoolSegment.readAll(seg.file(), seg.count());
        for (int i : unsent) {
          if (i >= records.size()) {
            seg.failed(i);
            continue;
          }
          ToolUsage e;
          try {
            e = ToolUsage.parseFrom(records.get(i));
          } catch (InvalidProtocolBufferException bad) {
            LOG.errorf(bad, "unreadable usage event #%d in %s: counted as sent, kept in the file for inspection", i, seg.file());
            seg.acknowledge(i);
            continue;
          }
          send(seg, i, e);
        }
      }
    } catch (IOException | RuntimeException ex) {
      LOG.warnf(ex, "resend pass over %s failed; next pass in the next interval", spool);
    }
  }

  /**
   * Waits up to {@code timeout} for every spooled event to be acknowledged; true when none is pending
   * (the spool directory is then empty).
   */
  public boolean flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    producer.flush();
    while (pending() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    if (pending() > 0) {
      return false;
    }
    try {
      rollIfIdle();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return true;
  }

  /** Stops sending; events not yet acknowledged stay in the spool for the next meter on it. */
  @Override
  public void close() {
    closed = true;
    sender.shutdown();
    try {
      sender.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close(Duration.ofSeconds(5));
    synchronized (appendLock) {
      if (current != null) {
        try {
          if (current.seal()) {
            delete(current);
          }
        } catch (IOException e) {
          LOG.warnf(e, "closing metering spool segment %s", current.file());
        }
        current = null;
      }
    }
  }
}
