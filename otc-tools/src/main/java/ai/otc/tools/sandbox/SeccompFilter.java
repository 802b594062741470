package ai.otc.tools.sandbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The seccomp filter of the python {@link Sandbox}: a classic BPF program, generated here (no libseccomp needed),
 * that bwrap loads with {@code --seccomp FD} just before it executes python3, so it binds the program and every
 * process it starts.
 *
 * <p>What it refuses ({@code EPERM} unless said otherwise; everything else is allowed, as in Docker's and
 * Flatpak's default profiles):
 * <ul>
 *   <li>new namespaces: {@code unshare}, {@code setns}, and {@code clone} with any {@code CLONE_NEW*} flag (so
 *       {@code unshare -U} fails even where bwrap lacks {@code --disable-userns}); {@code clone3}, whose flags sit
 *       in memory a filter cannot read, answers {@code ENOSYS} so glibc falls back to {@code clone};</li>
 *   <li>mounts and file-system handles: {@code mount}, {@code umount2}, {@code pivot_root}, {@code chroot}, the new
 *       mount API ({@code open_tree} … {@code mount_setattr}), {@code open_by_handle_at}, {@code name_to_handle_at};</li>
 *   <li>the kernel's attack surface a python program never needs: {@code bpf}, {@code perf_event_open},
 *       {@code userfaultfd}, {@code io_uring_*}, {@code keyctl}/{@code add_key}/{@code request_key}, {@code ptrace},
 *       {@code process_vm_readv/writev}, {@code kcmp}, {@code personality}, {@code fanotify_init},
 *       {@code lookup_dcookie}, modules, kexec, reboot, swap, accounting, quotas, clocks, {@code syslog},
 *       {@code vhangup}, x86 port I/O;</li>
 *   <li>memory the run's memory cap cannot see: {@code memfd_create}, {@code memfd_secret}, SysV {@code shmget}
 *       and {@code msgget} (such memory belongs to no process's RSS; {@code /dev/shm} is a size-capped tmpfs
 *       instead).</li>
 * </ul>
 * A system-call of another architecture (the x32 ABI on x86_64, or a foreign {@code AUDIT_ARCH}) kills the
 * process. Supported: x86_64 and aarch64; elsewhere {@link #forArch} is empty and the sandbox refuses to run
 * code while the filter is required.
 */
public final class SeccompFilter {
  /** System calls refused with EPERM, in filter order. */
  public static final List<String> DENIED = List.of(
      "unshare", "setns", "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen",
      "fsconfig", "fsmount", "fspick", "mount_setattr", "open_by_handle_at", "name_to_handle_at",
      "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter", "io_uring_register",
      "keyctl", "add_key", "request_key", "ptrace", "process_vm_readv", "process_vm_writev", "kcmp",
      "personality", "fanotify_init", "lookup_dcookie", "init_module", "finit_module", "delete_module",
      "kexec_load", "kexec_file_load", "reboot", "swapon", "swapoff", "acct", "quotactl", "quotactl_fd",
      "clock_settime", "settimeofday", "adjtimex", "clock_adjtime", "syslog", "vhangup", "nfsservctl",
      "memfd_create", "memfd_secret", "shmget", "msgget",
      // x86_64 only (absent from the generic table: skipped on aarch64)
      "iopl", "ioperm", "uselib", "create_module", "get_kernel_syms", "query_module", "_sysctl");

  /** Every {@code CLONE_NEW*} flag that {@code clone} accepts (CLONE_NEWTIME's bit is the exit signal there). */
  public static final int CLONE_NEW_FLAGS = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000
      | 0x20000000 | 0x40000000;

  static final int AUDIT_ARCH_X86_64 = 0xC000003E;
  static final int AUDIT_ARCH_AARCH64 = 0xC00000B7;
  static final int X32_SYSCALL_BIT = 0x40000000;
  static final int EPERM = 1;
  static final int ENOSYS = 38;
  static final int RET_KILL_PROCESS = 0x80000000;
  static final int RET_ERRNO = 0x00050000;
  static final int RET_ALLOW = 0x7fff0000;
  private static final short LD_W_ABS = 0x20;
  private static final short JEQ_K = 0x15;
  private static final short JGE_K = 0x35;
  private static final short JSET_K = 0x45;
  private static final short RET_K = 0x06;
  private static final int OFF_NR = 0;
  private static final int OFF_ARCH = 4;
  private static final int OFF_ARG0_LOW = 16; // seccomp_data.args[0], low word (both supported arches are little-endian)

  /** The system-call numbers of one architecture, from the kernel's tables (checked against the headers in tests). */
  enum Arch {
    X86_64(AUDIT_ARCH_X86_64, true, table(
        "unshare", 272, "setns", 308, "mount", 165, "umount2", 166, "pivot_root", 155, "chroot", 161,
        "open_tree", 428, "move_mount", 429, "fsopen", 430, "fsconfig", 431, "fsmount", 432, "fspick", 433,
        "mount_setattr", 442, "open_by_handle_at", 304, "name_to_handle_at", 303, "bpf", 321,
        "perf_event_open", 298, "userfaultfd", 323, "io_uring_setup", 425, "io_uring_enter", 426,
        "io_uring_register", 427, "keyctl", 250, "add_key", 248, "request_key", 249, "ptrace", 101,
        "process_vm_readv", 310, "process_vm_writev", 311, "kcmp", 312, "personality", 135, "fanotify_init", 300,
        "lookup_dcookie", 212, "init_module", 175, "finit_module", 313, "delete_module", 176, "kexec_load", 246,
        "kexec_file_load", 320, "reboot", 169, "swapon", 167, "swapoff", 168, "acct", 163, "quotactl", 179,
        "quotactl_fd", 443, "clock_settime", 227, "settimeofday", 164, "adjtimex", 159, "clock_adjtime", 305,
        "syslog", 103, "vhangup", 153, "nfsservctl", 180, "memfd_create", 319, "memfd_secret", 447, "shmget", 29,
        "msgget", 68, "iopl", 172, "ioperm", 173, "uselib", 134, "create_module", 174, "get_kernel_syms", 177,
        "query_module", 178, "_sysctl", 156, "clone", 56, "clone3", 435)),
    AARCH64(AUDIT_ARCH_AARCH64, false, table(
        "unshare", 97, "setns", 268, "mount", 40, "umount2", 39, "pivot_root", 41, "chroot", 51,
        "open_tree", 428, "move_mount", 429, "fsopen", 430, "fsconfig", 431, "fsmount", 432, "fspick", 433,
        "mount_setattr", 442, "open_by_handle_at", 265, "name_to_handle_at", 264, "bpf", 280,
        "perf_event_open", 241, "userfaultfd", 282, "io_uring_setup", 425, "io_uring_enter", 426,
        "io_uring_register", 427, "keyctl", 219, "add_key", 217, "request_key", 218, "ptrace", 117,
        "process_vm_readv", 270, "process_vm_writev", 271, "kcmp", 272, "personality", 92, "fanotify_init", 262,
        "lookup_dcookie", 18, "init_module", 105, "finit_module", 273, "delete_module", 106, "kexec_load", 104,
        "kexec_file_load", 294, "reboot", 142, "swapon", 224, "swapoff", 225, "acct", 89, "quotactl", 60,
        "quotactl_fd", 443, "clock_settime", 112, "settimeofday", 170, "adjtimex", 171, "clock_adjtime", 266,
        "syslog", 116, "vhangup", 58, "nfsservctl", 42, "memfd_create", 279, "memfd_secret", 447, "shmget", 194,
        "msgget", 186, "clone", 220, "clone3", 435));

    final int auditArch;
    final boolean x32Abi;
    final Map<String, Integer> numbers;

    Arch(int auditArch, boolean x32Abi, Map<String, Integer> numbers) {
      this.auditArch = auditArch;
      this.x32Abi = x32Abi;
      this.numbers = numbers;
    }
  }

  private SeccompFilter() {}

  /** The filter for {@code os.arch} ({@code amd64}/{@code x86_64}, {@code aarch64}), or empty elsewhere. */
  public static Optional<byte[]> forArch(String osArch) {
    return switch (osArch) {
      case "amd64", "x86_64" -> Optional.of(program(Arch.X86_64));
      case "aarch64", "arm64" -> Optional.of(program(Arch.AARCH64));
      default -> Optional.empty();
    };
  }

  /**
   * Writes the running architecture's filter to a new root-only file in {@code dir} (a {@code struct sock_filter}
   * array, as bwrap reads it) and returns it; empty when the architecture is not supported.
   */
  public static Optional<Path> writeForThisArch(Path dir) throws IOException {
    Optional<byte[]> bpf = forArch(System.getProperty("os.arch"));
    if (bpf.isEmpty()) {
      return Optional.empty();
    }
    Path f = Files.createTempFile(dir, "otc-seccomp-", ".bpf", PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Files.write(f, bpf.get());
    f.toFile().deleteOnExit();
    return Optional.of(f);
  }

  /** (Re)writes this architecture's filter to {@code file}, readable by its owner only. */
  static void writeTo(Path file) throws IOException {
    byte[] bpf = forArch(System.getProperty("os.arch")).orElseThrow(
        () -> new IOException("no seccomp filter for architecture " + System.getProperty("os.arch")));
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), "otc-seccomp-", ".tmp", PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rw-------")));
    Files.write(tmp, bpf);
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static byte[] program(Arch arch) {
    List<int[]> ins = new ArrayList<>();
    ins.add(stmt(LD_W_ABS, OFF_ARCH));
    ins.add(jump(JEQ_K, arch.auditArch, 1, 0));
    ins.add(stmt(RET_K, RET_KILL_PROCESS));
    ins.add(stmt(LD_W_ABS, OFF_NR));
    if (arch.x32Abi) {
      ins.add(jump(JGE_K, X32_SYSCALL_BIT, 0, 1));
      ins.add(stmt(RET_K, RET_KILL_PROCESS));
    }
    for (String name : DENIED) {
      Integer nr = arch.numbers.get(name);
      if (nr != null) {
        ins.add(jump(JEQ_K, nr, 0, 1));
        ins.add(stmt(RET_K, RET_ERRNO | EPERM));
      }
    }
    ins.add(jump(JEQ_K, arch.numbers.get("clone3"), 0, 1));
    ins.add(stmt(RET_K, RET_ERRNO | ENOSYS));
    ins.add(jump(JEQ_K, arch.numbers.get("clone"), 0, 3));
    ins.add(stmt(LD_W_ABS, OFF_ARG0_LOW));
    ins.add(jump(JSET_K, CLONE_NEW_FLAGS, 0, 1));
    ins.add(stmt(RET_K, RET_ERRNO | EPERM));
    ins.add(stmt(RET_K, RET_ALLOW));
    ByteBuffer b = ByteBuffer.allocate(ins.size() * 8).order(ByteOrder.nativeOrder());
    for (int[] i : ins) {
      b.putShort((short) i[0]).put((byte) i[1]).put((byte) i[2]).putInt(i[3]);
    }
    return b.array();
  }

  private static int[] stmt(short code, int k) {
    return new int[] {code, 0, 0, k};
  }

  private static int[] jump(short code, int k, int jt, int jf) {
    return new int[] {code, jt, jf, k};
  }

  private static Map<String, Integer> table(Object... kv) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], (Integer) kv[i + 1]);
    }
    return Map.copyOf(m);
  }
}
