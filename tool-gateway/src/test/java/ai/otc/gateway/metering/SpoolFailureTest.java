package ai.otc.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.contract.Topics;
import ai.otc.gateway.domain.Tool;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.ToolUsage;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The meter when its spool cannot be written: {@link UsageMeter#record} throws {@link
 * MeteringSpoolException} naming the spool and its config key (the gateway turns it into a failed
 * call), the failed event is not counted, and once the spool is writable again recording goes on. No
 * broker is needed: nothing listens on the bootstrap address, so every event stays in the spool.
 */
class SpoolFailureTest {
  @TempDir Path tmp;

  private static final UsageEvents EV = new UsageEvents("/tool-gateway/test");

  private static ToolUsage event(int i) {
    CallContext ctx = CallContext.newBuilder().setTrajectoryId("traj-" + i).setCallIndex(0).build();
    return EV.event("traj-" + i + ":0", "alpha", Tool.SEARCH, ctx, ToolStatus.TOOL_STATUS_OK, 1, 0.1, null, false, false, false);
  }

  private static UsageMeter meter(Path spool, int segmentEvents) {
    return new UsageMeter(Map.of("bootstrap.servers", "127.0.0.1:1", "max.block.ms", 200), Topics.TOOL_USAGE, spool,
        Duration.ofMillis(200), segmentEvents);
  }

  @Test
  void aFullDiskFailsTheRecordAndTheNextSegmentTakesOver() throws Exception {
    Path spool = tmp.resolve("spool");
    // one event per segment: the next record creates a new segment file
    try (UsageMeter m = meter(spool, 1)) {
      m.record(event(0));
      // /dev/full: every write fails with ENOSPC, as on a full disk
      m.segmentFactory(f -> SpoolSegment.over(f, FileChannel.open(Path.of("/dev/full"), StandardOpenOption.WRITE)));
      long before = m.pending();
      assertThat(before).isEqualTo(1);
      assertThatThrownBy(() -> m.record(event(1)))
          .isInstanceOf(MeteringSpoolException.class)
          .hasMessageContaining("otc.gateway.metering.spool-dir")
          .hasMessageContaining(spool.toString())
          .hasMessageContaining(event(1).getId())
          .hasRootCauseInstanceOf(IOException.class);
      assertThat(m.pending()).as("a failed event is not counted as spooled").isEqualTo(before);

      // the disk has room again: the next event goes to a new, real segment file
      m.segmentFactory(SpoolSegment::create);
      m.record(event(2));
      assertThat(m.pending()).isEqualTo(2);
    }
    // what a restart would re-send: the two events that were spooled, not the one that failed
    List<String> ids = new ArrayList<>();
    try (var s = Files.list(spool)) {
      for (Path f : s.toList()) {
        SpoolSegment.readAll(f, Integer.MAX_VALUE).forEach(b -> ids.add(parse(b).getId()));
      }
    }
    assertThat(ids).containsExactlyInAnyOrder(event(0).getId(), event(2).getId());
  }

  @Test
  void aSpoolDirectoryThatIsNoLongerADirectoryFailsTheRecordUntilItIsBack() throws Exception {
    Path spool = tmp.resolve("spool");
    // one event per segment: every record creates a file in the spool directory
    try (UsageMeter m = meter(spool, 1)) {
      Files.delete(spool);
      Files.writeString(spool, "not a directory"); // as root chmod would not stop writes; this does
      assertThatThrownBy(() -> m.record(event(1)))
          .isInstanceOf(MeteringSpoolException.class)
          .hasMessageContaining("metering spool " + spool)
          .hasMessageContaining("otc.gateway.metering.spool-dir");
      assertThat(m.pending()).isZero();

      Files.delete(spool);
      Files.createDirectories(spool);
      m.record(event(2));
      assertThat(m.pending()).isEqualTo(1);
      try (var s = Files.list(spool)) {
        assertThat(s.count()).isEqualTo(1);
      }
    }
  }

  private static ToolUsage parse(byte[] b) {
    try {
      return ToolUsage.parseFrom(b);
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }
}
