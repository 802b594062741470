package ai.otc.tools.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The filter's system-call numbers against the kernel headers (an independent reference: Debian's
 * {@code linux-libc-dev}), and its program run through a small classic-BPF interpreter written here.
 */
class SeccompFilterTest {
  static final Path X86_64_HEADER = Path.of("/usr/include/x86_64-linux-gnu/asm/unistd_64.h");
  static final Path GENERIC_HEADER = Path.of("/usr/include/asm-generic/unistd.h");

  @Test
  void x86_64NumbersAreTheKernelHeaders() throws IOException {
    Assumptions.assumeTrue(Files.exists(X86_64_HEADER), "no " + X86_64_HEADER + " (apt-get install linux-libc-dev)");
    assertTableMatches(SeccompFilter.Arch.X86_64, X86_64_HEADER);
  }

  @Test
  void aarch64NumbersAreTheGenericKernelHeaders() throws IOException {
    Assumptions.assumeTrue(Files.exists(GENERIC_HEADER), "no " + GENERIC_HEADER + " (apt-get install linux-libc-dev)");
    assertTableMatches(SeccompFilter.Arch.AARCH64, GENERIC_HEADER);
  }

  private static void assertTableMatches(SeccompFilter.Arch arch, Path header) throws IOException {
    Map<String, Integer> fromHeader = new HashMap<>();
    Matcher m = Pattern.compile("(?m)^#define __NR_(\\w+)\\s+(\\d+)\\s*$").matcher(Files.readString(header));
    while (m.find()) {
      fromHeader.put(m.group(1), Integer.parseInt(m.group(2)));
    }
    assertThat(arch.numbers).isNotEmpty();
    arch.numbers.forEach((name, nr) -> assertThat(fromHeader.get(name)).as(name).isEqualTo(nr));
    for (String denied : SeccompFilter.DENIED) {
      if (fromHeader.containsKey(denied)) {
        assertThat(arch.numbers).as("%s exists on %s", denied, arch).containsKey(denied);
      }
    }
  }

  @Test
  void theProgramRefusesWhatItListsAndAllowsTheRest() {
    for (SeccompFilter.Arch arch : SeccompFilter.Arch.values()) {
      byte[] prog = SeccompFilter.program(arch);
      int a = arch.auditArch;
      Map<String, Integer> nr = arch.numbers;
      assertThat(run(prog, a, nr.get("unshare"), 0x10000000)).isEqualTo(SeccompFilter.RET_ERRNO | SeccompFilter.EPERM);
      assertThat(run(prog, a, nr.get("mount"), 0)).isEqualTo(SeccompFilter.RET_ERRNO | SeccompFilter.EPERM);
      assertThat(run(prog, a, nr.get("memfd_create"), 0)).isEqualTo(SeccompFilter.RET_ERRNO | SeccompFilter.EPERM);
      assertThat(run(prog, a, nr.get("clone3"), 0)).isEqualTo(SeccompFilter.RET_ERRNO | SeccompFilter.ENOSYS);
      // clone: a fork (SIGCHLD | CLONE_CHILD_SETTID …) and a thread pass, any CLONE_NEW* flag is refused
      assertThat(run(prog, a, nr.get("clone"), 0x01200011)).isEqualTo(SeccompFilter.RET_ALLOW);
      assertThat(run(prog, a, nr.get("clone"), 0x003d0f00)).isEqualTo(SeccompFilter.RET_ALLOW);
      for (int flag : new int[] {0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x10000000, 0x20000000, 0x40000000}) {
        assertThat(run(prog, a, nr.get("clone"), 0x01200011 | flag)).as("flag %x", flag)
            .isEqualTo(SeccompFilter.RET_ERRNO | SeccompFilter.EPERM);
      }
      assertThat(run(prog, a, 0, 0)).isEqualTo(SeccompFilter.RET_ALLOW); // read (x86_64) / io_setup (aarch64)
      assertThat(run(prog, a, 63, 0)).isEqualTo(SeccompFilter.RET_ALLOW);
      assertThat(run(prog, 0x40000003, 0, 0)).isEqualTo(SeccompFilter.RET_KILL_PROCESS); // i386 on a 64-bit kernel
    }
    byte[] x86 = SeccompFilter.program(SeccompFilter.Arch.X86_64);
    assertThat(run(x86, SeccompFilter.AUDIT_ARCH_X86_64, 0x40000000 + 1, 0)).isEqualTo(SeccompFilter.RET_KILL_PROCESS);
  }

  /** A classic-BPF interpreter for the five instructions the filter uses, over a seccomp_data. */
  static int run(byte[] prog, int arch, int nr, int arg0) {
    ByteBuffer data = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    data.putInt(0, nr).putInt(4, arch).putLong(16, arg0 & 0xffffffffL);
    ByteBuffer p = ByteBuffer.wrap(prog).order(ByteOrder.nativeOrder());
    int acc = 0;
    int pc = 0;
    for (int steps = 0; steps < 10_000; steps++) {
      int code = p.getShort(pc * 8) & 0xffff;
      int jt = p.get(pc * 8 + 2) & 0xff;
      int jf = p.get(pc * 8 + 3) & 0xff;
      int k = p.getInt(pc * 8 + 4);
      switch (code) {
        case 0x20 -> {
          acc = data.getInt(k);
          pc++;
        }
        case 0x15 -> pc += 1 + (acc == k ? jt : jf);
        case 0x35 -> pc += 1 + (Integer.compareUnsigned(acc, k) >= 0 ? jt : jf);
        case 0x45 -> pc += 1 + ((acc & k) != 0 ? jt : jf);
        case 0x06 -> {
          return k;
        }
        default -> throw new AssertionError("unexpected instruction " + code + " at " + pc);
      }
    }
    throw new AssertionError("no return");
  }
}
