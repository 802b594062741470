package ai.otc.platform.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** Free, taken and listening ports, and the process that holds a taken one. */
class PortsTest {

  @Test
  void aBoundPortIsTakenAndItsHolderNamed() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = s.getLocalPort();
      assertThat(Ports.isFree(port)).isFalse();
      assertThat(Ports.isListening(port, 1000)).isTrue();
      assertThat(Ports.holder(port)).contains("pid " + ProcessHandle.current().pid() + " (java)");
    }
  }

  @Test
  void aFreePortIsFreeAndHasNoHolder() {
    int port = Ports.free();
    assertThat(Ports.isFree(port)).isTrue();
    assertThat(Ports.isListening(port, 200)).isFalse();
    assertThat(Ports.holder(port)).isEmpty();
  }

  @Test
  void manyPortsAskedForBeforeAnyIsBoundAreAllDifferent() {
    // a plan asks for every part's port first; before 2026-12-04 the kernel's reuse of a just-released port could
    // give two parts the same one
    java.util.Set<Integer> ports = new java.util.HashSet<>();
    for (int i = 0; i < 500; i++) {
      assertThat(ports.add(Ports.free())).as("port %d of 500 is new", i).isTrue();
    }
  }
}
