package ai.otc.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.gateway.domain.Tool;
import ai.otc.contract.Topics;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.contract.TopicTable;
import com.google.protobuf.ByteString;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metering spool against a real KRaft broker that goes away and comes back: no event is lost, and
 * a new meter on the same spool (a gateway restart) sends what the last one could not.
 */
class UsageMeterIT {
  @TempDir Path tmp;

  private static ToolUsage event(UsageEvents ev, int i) {
    CallContext ctx = CallContext.newBuilder().setTrajectoryId("traj-" + i).setCallIndex(0).build();
    return ev.event("traj-" + i + ":0", "alpha", Tool.SEARCH, ctx, ToolStatus.TOOL_STATUS_OK, 1, 0.1, null, false, false, false);
  }

  private static UsageMeter meter(String bootstrap, Path spool) {
    return new UsageMeter(Map.of("bootstrap.servers", bootstrap, "delivery.timeout.ms", 3000, "request.timeout.ms", 1000,
        "max.block.ms", 1000), ai.otc.contract.Topics.TOOL_USAGE, spool, Duration.ofMillis(300), 16);
  }

  @Test
  void eventsSurviveABrokerOutageAndAGatewayRestart() throws Exception {
    Path spool = tmp.resolve("spool");
    UsageEvents ev = new UsageEvents("/tool-gateway/it");

    // The broker does not auto-create topics: the meter's TopicGate creates otc.tool-usage.v1 from the contract's table.
    try (KafkaBroker b = KafkaBroker.create().start()) {
      String bootstrap = b.bootstrap();
      UsageMeter m1 = meter(bootstrap, spool);
      for (int i = 0; i < 50; i++) {
        m1.record(event(ev, i));
      }
      assertThat(m1.flush(Duration.ofSeconds(20))).isTrue();

      // outage: the broker goes away (its data kept), calls go on
      b.stop();
      for (int i = 50; i < 100; i++) {
        m1.record(event(ev, i));
      }
      Thread.sleep(1500);
      assertThat(m1.pending()).as("spooled while the broker is down").isEqualTo(50);
      // gateway restart during the outage: the first meter stops with events unsent
      m1.close();
      assertThat(m1.pending()).isEqualTo(50);

      UsageMeter m2 = meter(bootstrap, spool);
      for (int i = 100; i < 120; i++) {
        m2.record(event(ev, i));
      }
      // the broker comes back, on the same port with the same data
      b.start();
      try {
        assertThat(m2.flush(Duration.ofSeconds(40))).as("all spooled events acknowledged").isTrue();
        Set<String> ids;
        try (TopicReader<ToolUsage> usage = TopicReader.open(bootstrap, Topics.TOOL_USAGE, ToolUsage.parser())) {
          usage.pollUntil(e -> e.stream().map(ToolUsage::getId).distinct().count() >= 120, Duration.ofSeconds(30));
          usage.settle(Duration.ofMillis(500));
          ids = usage.values().stream().map(ToolUsage::getId).collect(Collectors.toSet());
        }
        assertThat(ids).hasSize(120);
        for (int i = 0; i < 120; i++) {
          assertThat(ids).contains("traj-" + i + ":0");
        }
        try (var s = Files.list(spool)) {
          List<Path> left = s.toList();
          assertThat(left).isEmpty();
        }
      } finally {
        m2.close();
      }
    }
  }

  private static long heapUsedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * A long outage under load: the events wait on disk, not on the heap (at most {@code maxQueuedSends}
   * sends wait in memory, the Kafka client at most its {@code buffer.memory}), and once the broker is
   * back every event arrives: each id at least once, none missing, none unexpected.
   */
  @Test
  void anOutageHoldsTheEventsOnDiskNotOnTheHeapAndDeliversThemAllAfter() throws Exception {
    Path spool = tmp.resolve("spool");
    UsageEvents ev = new UsageEvents("/tool-gateway/it");
    int n = 5000;
    int payload = 4096;
    int maxQueued = 64;
    try (KafkaBroker b = KafkaBroker.create().start()) {
      String bootstrap = b.bootstrap();
      Map<String, Object> props = Map.of("bootstrap.servers", bootstrap, "delivery.timeout.ms", 3000, "request.timeout.ms", 1000,
          "max.block.ms", 1000, "buffer.memory", 1 << 20);
      TopicGate gate = new TopicGate(props, TopicTable.get(Topics.TOOL_USAGE), true, (short) 1, Duration.ofMillis(300));
      try (UsageMeter m = new UsageMeter(props, gate, spool, Duration.ofMillis(300), 16, maxQueued)) {
        m.record(event(ev, -1));
        assertThat(m.flush(Duration.ofSeconds(20))).isTrue();

        b.stop();
        long before = heapUsedAfterGc();
        int maxSeen = 0;
        for (int i = 0; i < n; i++) {
          // a fresh payload per event, so an event kept in memory costs its own bytes
          byte[] pad = new byte[payload];
          Arrays.fill(pad, (byte) ('a' + i % 26));
          m.record(event(ev, i).toBuilder().setSubjectBytes(ByteString.copyFrom(pad)).build());
          maxSeen = Math.max(maxSeen, m.queuedSends());
        }
        long grown = heapUsedAfterGc() - before;
        long spooledBytes;
        try (var s = Files.list(spool)) {
          spooledBytes = s.mapToLong(f -> f.toFile().length()).sum();
        }
        System.out.printf("outage: %d events, %d bytes spooled on disk, heap grew %d bytes, at most %d sends queued%n", n,
            spooledBytes, grown, maxSeen);
        assertThat(maxSeen).isLessThanOrEqualTo(maxQueued);
        assertThat(m.pending()).as("every event waits in the spool").isEqualTo(n);
        assertThat(spooledBytes).isGreaterThanOrEqualTo((long) n * payload);
        // Held on the heap, the events would take n * payload = 20 MB; bounded, the growth is the Kafka
        // buffer (1 MB), the queued sends and two bits per event.
        assertThat(grown).as("heap growth in bytes").isLessThan((long) n * payload * 2 / 5);

        b.start();
        assertThat(m.flush(Duration.ofSeconds(90))).as("all spooled events acknowledged").isTrue();
        List<String> ids;
        try (TopicReader<ToolUsage> usage = TopicReader.open(bootstrap, Topics.TOOL_USAGE, ToolUsage.parser())) {
          usage.pollUntil(e -> e.stream().map(ToolUsage::getId).distinct().count() >= n + 1, Duration.ofSeconds(60));
          usage.settle(Duration.ofMillis(500));
          ids = usage.values().stream().map(ToolUsage::getId).toList();
        }
        Set<String> expected = new HashSet<>();
        for (int i = -1; i < n; i++) {
          expected.add("traj-" + i + ":0");
        }
        System.out.printf("after the outage: %d records, %d distinct ids%n", ids.size(), new HashSet<>(ids).size());
        assertThat(new HashSet<>(ids)).as("after dedupe by id: each event exactly once").isEqualTo(expected);
        try (var s = Files.list(spool)) {
          assertThat(s.toList()).isEmpty();
        }
      }
    }
  }
}
