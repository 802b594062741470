package ai.otc.gateway.metering;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spool's segment file: appends, acknowledgement bookkeeping, and recovery after a torn write. */
class SpoolSegmentTest {
  @TempDir Path tmp;

  @Test
  void recoversCompleteRecordsAndIgnoresATornLastOne() throws Exception {
    Path f = tmp.resolve("a.seg");
    SpoolSegment s = SpoolSegment.create(f);
    for (int i = 0; i < 3; i++) {
      assertThat(s.append(("event-" + i).getBytes(StandardCharsets.UTF_8))).isEqualTo(i);
    }
    // a crash in the middle of the 4th write: its length says 100 bytes, only 5 made it
    s.seal();
    Files.write(f, new byte[] {0, 0, 0, 100, 1, 2, 3, 4, 5}, StandardOpenOption.APPEND);

    SpoolSegment r = SpoolSegment.recover(f);
    assertThat(r.count()).isEqualTo(3);
    assertThat(r.sealed()).isTrue();
    assertThat(r.unacknowledged()).isEqualTo(3);
    List<byte[]> records = SpoolSegment.readAll(f, 10);
    assertThat(records).extracting(b -> new String(b, StandardCharsets.UTF_8)).containsExactly("event-0", "event-1", "event-2");
  }

  @Test
  void aSealedSegmentIsCompleteWhenItsLastEventIsAcknowledged() throws Exception {
    SpoolSegment s = SpoolSegment.create(tmp.resolve("b.seg"));
    s.append(new byte[] {1});
    s.append(new byte[] {2});
    // both are being sent: nothing to claim
    assertThat(s.claimUnsent()).isEmpty();
    s.failed(1);
    assertThat(s.claimUnsent()).containsExactly(1);
    assertThat(s.acknowledge(0)).as("not sealed yet").isFalse();
    assertThat(s.seal()).as("one event still unacknowledged").isFalse();
    assertThat(s.acknowledge(0)).as("a repeated ack changes nothing").isFalse();
    assertThat(s.unacknowledged()).isEqualTo(1);
    assertThat(s.acknowledge(1)).isTrue();
    assertThat(s.unacknowledged()).isZero();
  }
}
