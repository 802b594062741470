package ai.otc.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedCaptureTest {
  @Test
  void keepsEverythingWhenSmall() throws Exception {
    BoundedCapture c = new BoundedCapture(8, 8);
    c.drain(new ByteArrayInputStream("hello world!".getBytes(StandardCharsets.UTF_8)));
    assertThat(c.text()).isEqualTo("hello world!");
    assertThat(c.truncated()).isFalse();
    assertThat(c.total()).isEqualTo(12);
  }

  @Test
  void keepsHeadAndTailAndCountsTheDroppedMiddle() throws Exception {
    BoundedCapture c = new BoundedCapture(4, 4);
    c.drain(new ByteArrayInputStream("0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
    assertThat(c.truncated()).isTrue();
    assertThat(c.text()).isEqualTo("0123\n...[8 bytes dropped]...\ncdef");
    assertThat(c.total()).isEqualTo(16);
  }
}
