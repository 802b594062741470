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
 * @param tmpfsBytes size of each of the private writable tmpfs mounts ({@code /work}, {@code /tmp}, {@code /dev/shm});
 *     the rest of the sandbox's file system is read-only
 * @param defaultTimeout wall-clock limit when the caller gives none
 * @param maxTimeout the largest wall-clock limit a caller may ask for
 * @param outputHeadBytes bytes kept from the start of stdout and of stderr
 * @param outputTailBytes bytes kept from the end of stdout and of stderr (the middle is dropped and
 *     counted, so memory stays bounded whatever the program prints)
 * @param treeMemoryBytes resident memory of all the run's processes together; above it the whole run is killed
 *     ({@link SandboxStatus#OOM}). Checked every {@code treeWatchInterval}, every 10 ms once the tree holds a quarter of it
 * @param treeCpuSeconds CPU time of all the run's processes together; above it the whole run is killed
 *     ({@link SandboxStatus#TIMEOUT})
 * @param treeWatchInterval how often the run's process tree is measured
 * @param seccomp load the {@link SeccompFilter} into the sandbox (no new namespaces, no mounts, no kernel attack
 *     surface a python program does not need); with it off, or on an architecture it does not cover, only bwrap's
 *     {@code --disable-userns} stops nested user namespaces
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
    int outputTailBytes,
    long treeMemoryBytes,
    int treeCpuSeconds,
    Duration treeWatchInterval,
    boolean seccomp) {

  public SandboxConfig {
    roBinds = List.copyOf(roBinds);
    if (slots < 1) {
      throw new IllegalArgumentException("slots must be >= 1, was " + slots);
    }
    if (uidBase < 1000) {
      throw new IllegalArgumentException("uidBase must be an unprivileged uid (>= 1000), was " + uidBase);
    }
    positive("addressSpaceBytes", addressSpaceBytes);
    positive("cpuSeconds", cpuSeconds);
    positive("maxProcesses", maxProcesses);
    positive("maxFileBytes", maxFileBytes);
    positive("maxOpenFiles", maxOpenFiles);
    positive("tmpfsBytes", tmpfsBytes);
    positive("treeMemoryBytes", treeMemoryBytes);
    positive("treeCpuSeconds", treeCpuSeconds);
    if (treeWatchInterval.toMillis() < 10 || treeWatchInterval.toMillis() > 1000) {
      throw new IllegalArgumentException("treeWatchInterval must be between 10ms and 1s, was " + treeWatchInterval);
    }
    if (defaultTimeout.compareTo(maxTimeout) > 0) {
      throw new IllegalArgumentException("defaultTimeout " + defaultTimeout + " exceeds maxTimeout " + maxTimeout);
    }
  }

  private static void positive(String name, long v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, was " + v);
    }
  }

  /**
   * ToRL-like defaults: 1 GiB address space per process and 1 GiB resident for the whole run, 10 CPU s (per process
   * and for the whole run), 20 s wall clock, 16 processes, 64 MiB per tmpfs, 16 slots, seccomp on.
   */
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
        16,
        16L << 20,
        64,
        64L << 20,
        Duration.ofSeconds(20),
        Duration.ofSeconds(60),
        32 * 1024,
        32 * 1024,
        1L << 30,
        10,
        Duration.ofMillis(100),
        true);
  }





  /** A copy with {@code n} slots. */
  public SandboxConfig withSlots(int n) {
    return b().slots(n).build();
  }

  /** A copy whose uid pool starts at {@code base}. */
  public SandboxConfig withUidBase(int base) {
    return b().uidBase(base).build();
  }

  /** A copy with another bwrap binary. */
  public SandboxConfig withBwrap(Path p) {
    return b().bwrap(p).build();
  }

  /** A copy with another per-process CPU limit. */
  public SandboxConfig withCpuSeconds(int s) {
    return b().cpuSeconds(s).build();
  }

  /** A copy keeping {@code head} and {@code tail} bytes of each output. */
  public SandboxConfig withOutputBytes(int head, int tail) {
    return b().outputHeadBytes(head).outputTailBytes(tail).build();
  }

  /** A copy with other caps on the whole process tree of a run. */
  public SandboxConfig withTreeLimits(long memoryBytes, int cpuSeconds) {
    return b().treeMemoryBytes(memoryBytes).treeCpuSeconds(cpuSeconds).build();
  }

  /** A copy with another process cap. */
  public SandboxConfig withMaxProcesses(int n) {
    return b().maxProcesses(n).build();
  }

  /** A copy with another size of each writable tmpfs. */
  public SandboxConfig withTmpfsBytes(long bytes) {
    return b().tmpfsBytes(bytes).build();
  }

  /** A copy with the seccomp filter on or off. */
  public SandboxConfig withSeccomp(boolean on) {
    return b().seccomp(on).build();
  }

  private Builder b() {
    return new Builder(this);
  }

  /** Mutable copy used by the {@code with*} methods. */
  private static final class Builder {
    private Path python;
    private Path bwrap;
    private Path prlimit;
    private Path setpriv;
    private List<Path> roBinds;
    private int uidBase;
    private int slots;
    private long addressSpaceBytes;
    private int cpuSeconds;
    private int maxProcesses;
    private long maxFileBytes;
    private int maxOpenFiles;
    private long tmpfsBytes;
    private Duration defaultTimeout;
    private Duration maxTimeout;
    private int outputHeadBytes;
    private int outputTailBytes;
    private long treeMemoryBytes;
    private int treeCpuSeconds;
    private Duration treeWatchInterval;
    private boolean seccomp;

    Builder(SandboxConfig c) {
      python = c.python;
      bwrap = c.bwrap;
      prlimit = c.prlimit;
      setpriv = c.setpriv;
      roBinds = c.roBinds;
      uidBase = c.uidBase;
      slots = c.slots;
      addressSpaceBytes = c.addressSpaceBytes;
      cpuSeconds = c.cpuSeconds;
      maxProcesses = c.maxProcesses;
      maxFileBytes = c.maxFileBytes;
      maxOpenFiles = c.maxOpenFiles;
      tmpfsBytes = c.tmpfsBytes;
      defaultTimeout = c.defaultTimeout;
      maxTimeout = c.maxTimeout;
      outputHeadBytes = c.outputHeadBytes;
      outputTailBytes = c.outputTailBytes;
      treeMemoryBytes = c.treeMemoryBytes;
      treeCpuSeconds = c.treeCpuSeconds;
      treeWatchInterval = c.treeWatchInterval;
      seccomp = c.seccomp;
    }

    Builder slots(int v) {
      slots = v;
      return this;
    }

    Builder uidBase(int v) {
      uidBase = v;
      return this;
    }

    Builder bwrap(Path v) {
      bwrap = v;
      return this;
    }

    Builder cpuSeconds(int v) {
      cpuSeconds = v;
      return this;
    }

    Builder outputHeadBytes(int v) {
      outputHeadBytes = v;
      return this;
    }

    Builder outputTailBytes(int v) {
      outputTailBytes = v;
      return this;
    }

    Builder treeMemoryBytes(long v) {
      treeMemoryBytes = v;
      return this;
    }

    Builder treeCpuSeconds(int v) {
      treeCpuSeconds = v;
      return this;
    }

    Builder maxProcesses(int v) {
      maxProcesses = v;
      return this;
    }

    Builder tmpfsBytes(long v) {
      tmpfsBytes = v;
      return this;
    }

    Builder seccomp(boolean v) {
      seccomp = v;
      return this;
    }

    SandboxConfig build() {
      return new SandboxConfig(python, bwrap, prlimit, setpriv, roBinds, uidBase, slots, addressSpaceBytes,
          cpuSeconds, maxProcesses, maxFileBytes, maxOpenFiles, tmpfsBytes, defaultTimeout, maxTimeout,
          outputHeadBytes, outputTailBytes, treeMemoryBytes, treeCpuSeconds, treeWatchInterval, seccomp);
    }
  }
}
