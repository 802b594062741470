package ai.otc.tools.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Limits and host paths of the python3 {@link Sandbox}; the gateway fills it from its
 * {@code otc.gateway.code.*} configuration.
 *
 * @param python interpreter inside the sandbox (a system path: the sandbox sees only the read-only
 *     system directories, not a user's home)
 * @param bwrap the bubblewrap binary
 * @param prlimit util-linux {@code prlimit}
 * @param setpriv util-linux {@code setpriv}
 * @param roBinds host directories bound read-only into the sandbox (absent ones are skipped)
 * @param uidBase first uid of the pool; each concurrent run gets its own uid so the process cap
 *     (RLIMIT_NPROC counts per real uid, and is ignored for root) holds per run
 * @param slots number of uids, i.e. of concurrent runs; further runs wait for a free slot
 * @param addressSpaceBytes RLIMIT_AS
 * @param cpuSeconds RLIMIT_CPU soft limit (SIGXCPU); the hard limit is one second later (SIGKILL)
 * @param maxProcesses RLIMIT_NPROC for the run's uid
 * @param maxFileBytes RLIMIT_FSIZE, largest file the program may write
 * @param maxOpenFiles RLIMIT_NOFILE
 * @param tmpfsBytes size of each of the private {@code /work} and {@code /tmp} tmpfs mounts
 * @param defaultTimeout wall-clock limit when the caller gives none
 * @param maxTimeout the largest wall-clock limit a caller may ask for
 * @param outputHeadBytes bytes kept from the start of stdout and of stderr
 * @param outputTailBytes bytes kept from the end of stdout and of stderr (the middle is dropped and
 *     counted, so memory stays bounded whatever the program prints)
 */
public record SandboxConfig(
    Path python,
    Path bwrap,
    Path prlimit,
    Path setpriv,
    List<Path> roBinds,
    int uidBase,
    int slots,
    long addressSpaceBytes,
    int cpuSeconds,
    int maxProcesses,
    long maxFileBytes,
    int maxOpenFiles,
    long tmpfsBytes,
    Duration defaultTimeout,
    Duration maxTimeout,
    int outputHeadBytes,
    int outputTailBytes) {

  public SandboxConfig {
    roBinds = List.copyOf(roBinds);
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1, was " + slots);
    }
    if (uidBase < 1000) {
      throw new IllegalArgumentException("uidBase must be an unprivileged uid (>= 1000), was " + uidBase);
    }
    if (defaultTimeout.compareTo(maxTimeout) > 0) {
      throw new IllegalArgumentException("defaultTimeout " + defaultTimeout + " exceeds maxTimeout " + maxTimeout);
    }
  }

  /** ToRL-like defaults: 1 GiB address space, 10 CPU s, 20 s wall clock, 64 processes, 16 slots. */
  public static SandboxConfig defaults() {
    return new SandboxConfig(
        Path.of("/usr/bin/python3"),
        Path.of("/usr/bin/bwrap"),
        Path.of("/usr/bin/prlimit"),
        Path.of("/usr/bin/setpriv"),
        List.of(Path.of("/usr"), Path.of("/bin"), Path.of("/lib"), Path.of("/lib64"), Path.of("/etc/alternatives")),
        61000,
        16,
        1L << 30,
        10,
        64,
        16L << 20,
        64,
        64L << 20,
        Duration.ofSeconds(20),
        Duration.ofSeconds(60),
        32 * 1024,
        32 * 1024);
  }

  public SandboxConfig withSlots(int n) {
    return new SandboxConfig(python, bwrap, prlimit, setpriv, roBinds, uidBase, n, addressSpaceBytes, cpuSeconds,
        maxProcesses, maxFileBytes, maxOpenFiles, tmpfsBytes, defaultTimeout, maxTimeout, outputHeadBytes, outputTailBytes);
  }

  public SandboxConfig withUidBase(int base) {
    return new SandboxConfig(python, bwrap, prlimit, setpriv, roBinds, base, slots, addressSpaceBytes, cpuSeconds,
        maxProcesses, maxFileBytes, maxOpenFiles, tmpfsBytes, defaultTimeout, maxTimeout, outputHeadBytes, outputTailBytes);
  }

  public SandboxConfig withBwrap(Path p) {
    return new SandboxConfig(python, p, prlimit, setpriv, roBinds, uidBase, slots, addressSpaceBytes, cpuSeconds,
        maxProcesses, maxFileBytes, maxOpenFiles, tmpfsBytes, defaultTimeout, maxTimeout, outputHeadBytes, outputTailBytes);
  }

  public SandboxConfig withCpuSeconds(int s) {
    return new SandboxConfig(python, bwrap, prlimit, setpriv, roBinds, uidBase, slots, addressSpaceBytes, s,
        maxProcesses, maxFileBytes, maxOpenFiles, tmpfsBytes, defaultTimeout, maxTimeout, outputHeadBytes, outputTailBytes);
  }

  public SandboxConfig withOutputBytes(int head, int tail) {
    return new SandboxConfig(python, bwrap, prlimit, setpriv, roBinds, uidBase, slots, addressSpaceBytes, cpuSeconds,
        maxProcesses, maxFileBytes, maxOpenFiles, tmpfsBytes, defaultTimeout, maxTimeout, head, tail);
  }
}
