package ai.otc.gateway.metering;

import ai.otc.gateway.messaging.Topics;
import ai.otc.proto.v1.ToolUsage;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * one: each event is first written to a spool directory ({@code <sha256(id)>.pb}, written to a temp
 * name then renamed, so a crash never leaves half an event), then sent; the file is deleted when the
 * broker acknowledges it. Events whose send failed or timed out (broker down) are re-sent every
 * {@code resendInterval}, and a new meter on the same spool directory (a gateway restart, also after a
 * crash) re-sends whatever the last one left. Delivery is therefore at-least-once; the event id is
 * deterministic, so consumers dedupe on it (also on the {@code ce_id} header).
 *
 * <p>The RPC thread only writes the spool file and queues the send; the Kafka client runs on its own
 * thread, so a broker outage does not slow tool calls down.
 */
public final class UsageMeter implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(UsageMeter.class);

  private final Producer<String, byte[]> producer;
  private final String topic;
  private final Path spool;
  private final ScheduledExecutorService sender;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private volatile boolean closed;

  /**
   * @param producerProps Kafka producer properties (at least {@code bootstrap.servers}); the meter adds
   *     serializers and durability settings that the caller may override
   */
  public UsageMeter(Map<String, Object> producerProps, String topic, Path spoolDir, Duration resendInterval) {
    this.topic = topic;
    this.spool = spoolDir;
    try {
      Files.createDirectories(spoolDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the metering spool directory " + spoolDir
          + " (otc.gateway.metering.spool-dir)", e);
    }
    Map<String, Object> p = new HashMap<>();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // Kafka 4 defaults to linger.ms=5; metering is async, but 1 ms keeps spool files short-lived.
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
    sender.scheduleWithFixedDelay(this::resendSpool, 0, every, TimeUnit.MILLISECONDS);
  }

  /** Spools and queues {@code event}; returns once it is on disk (it can no longer be lost). */
  public void record(ToolUsage event) {
    if (closed) {
      throw new IllegalStateException("usage meter is closed; event " + event.getId() + " not recorded");
    }
    String name = fileName(event.getId());
    byte[] bytes = event.toByteArray();
    Path tmp = spool.resolve(name + ".tmp");
    Path file = spool.resolve(name);
    try {
      Files.write(tmp, bytes);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot spool usage event " + event.getId() + " to " + spool, e);
    }
    if (inFlight.add(name)) {
      sender.execute(() -> send(name, event));
    }
  }

  /** Events written but not yet acknowledged by the broker. */
  public long pending() {
    try (Stream<Path> s = Files.list(spool)) {
      return s.filter(f -> f.getFileName().toString().endsWith(".pb")).count();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Events the broker acknowledged since start. */
  public long acknowledged() {
    return acked.get();
  }

  /** Failed send attempts since start (each is retried). */
  public long failedAttempts() {
    return failures.get();
  }

  private void send(String name, ToolUsage e) {
    if (closed) {
      inFlight.remove(name);
      return;
    }
    try {
      ProducerRecord<String, byte[]> rec = new ProducerRecord<>(topic, null, e.getTenant(), e.toByteArray());
      rec.headers().add(new RecordHeader(Topics.HEADER_TYPE, ToolUsage.getDescriptor().getFullName().getBytes(StandardCharsets.UTF_8)));
      rec.headers().add(new RecordHeader(Topics.HEADER_VERSION, "1".getBytes(StandardCharsets.UTF_8)));
      rec.headers().add(new RecordHeader(Topics.HEADER_CE_ID, e.getId().getBytes(StandardCharsets.UTF_8)));
      rec.headers().add(new RecordHeader(Topics.HEADER_CE_TYPE, Topics.USAGE_EVENT_TYPE.getBytes(StandardCharsets.UTF_8)));
      producer.send(rec, (meta, ex) -> {
        if (ex == null) {
          acked.incrementAndGet();
          try {
            Files.deleteIfExists(spool.resolve(name));
          } catch (IOException io) {
            // Left on disk it is sent again later: a duplicate with the same id, which consumers drop.
            LOG.warnf(io, "usage event %s sent but its spool file stays", e.getId());
          }
        } else {
          failures.incrementAndGet();
          LOG.debugf("usage event %s not acknowledged (%s); kept in the spool for resend", e.getId(), ex.toString());
        }
        inFlight.remove(name);
      });
    } catch (RuntimeException ex) {
      // Metadata timeout (broker unreachable) or a closed producer: the spool keeps it for the resender.
      failures.incrementAndGet();
      inFlight.remove(name);
      LOG.debugf("usage event %s not sent (%s); kept in the spool for resend", e.getId(), ex.toString());
    }
  }

  private void resendSpool() {
    if (closed) {
      return;
    }
    try (Stream<Path> s = Files.list(spool)) {
      for (Path f : (Iterable<Path>) s.filter(p -> p.getFileName().toString().endsWith(".pb"))::iterator) {
        String name = f.getFileName().toString();
        if (!inFlight.add(name)) {
          continue;
        }
        ToolUsage e;
        try {
          e = ToolUsage.parseFrom(Files.readAllBytes(f));
        } catch (InvalidProtocolBufferException bad) {
          inFlight.remove(name);
          Path aside = f.resolveSibling(name + ".corrupt");
          Files.move(f, aside, StandardCopyOption.REPLACE_EXISTING);
          LOG.errorf(bad, "unreadable usage event %s moved aside to %s", f, aside);
          continue;
        } catch (java.nio.file.NoSuchFileException gone) {
          // acknowledged between the listing and the read
          inFlight.remove(name);
          continue;
        }
        send(name, e);
      }
    } catch (IOException | RuntimeException ex) {
      LOG.warnf(ex, "resend pass over %s failed; next pass in the next interval", spool);
    }
  }

  /**
   * Waits up to {@code timeout} for every spooled event to be acknowledged; true when none is pending.
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
    return pending() == 0;
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
  }

  static String fileName(String id) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16) + ".pb";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing from the JDK", e);
    }
  }
}
