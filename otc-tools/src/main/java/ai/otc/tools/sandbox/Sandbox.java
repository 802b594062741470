package ai.otc.tools.sandbox;

import ai.otc.core.protocol.CodeProtocol;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs untrusted python3 programs for the gateway's {@code ExecuteCode} RPC, each in a fresh sandbox (the command
 * line: {@link SandboxCommand}):
 *
 * <pre>
 * setpriv --reuid U --regid U --clear-groups --no-new-privs          (own uid per run: RLIMIT_NPROC holds)
 *   prlimit --as --cpu --nproc --fsize --nofile --core=0            (per-process limits, no core dumps)
 *     bwrap --unshare-all --disable-userns --seccomp FD --die-with-parent --new-session --clearenv
 *           --ro-bind /usr … (read-only system) --tmpfs /work /tmp /dev/shm (private, size-capped)
 *       python3 -   (the program arrives on stdin: no host file is ever written)
 * </pre>
 *
 * plus, from here, a hard wall-clock kill and a {@link TreeWatch} that kills the run when all its processes together
 * exceed {@link SandboxConfig#treeMemoryBytes()} of resident memory (OOM) or {@link SandboxConfig#treeCpuSeconds()}
 * of CPU (TIMEOUT). Killing bwrap kills the pid namespace's init, and the kernel then kills every process in the
 * namespace, so nothing is left behind (forks included). The {@link SeccompFilter} refuses new namespaces, mounts
 * and kernel interfaces a program does not need.
 *
 * <p>{@link #create} probes the whole chain once by running a trivial program; when any piece is
 * missing (no bubblewrap, not root so no per-run uid, user namespaces disabled) every run answers
 * {@link SandboxStatus#UNAVAILABLE} with the reason: code is never run unsandboxed.
 *
 * <p>Thread-safe: up to {@link SandboxConfig#slots()} runs proceed at once, others wait for a slot.
 */
public final class Sandbox {
  private static final Logger LOG = Logger.getLogger(Sandbox.class.getName());
  private static final int SIGKILL = 9;
  private static final int SIGXCPU = 24;
  private static final int SIGXFSZ = 25;

  private final SandboxConfig config;
  private final BlockingQueue<Integer> uids;
  private final String unavailableReason;
  private final Path seccompFilter;
  private final boolean disableUserns;

  private Sandbox(SandboxConfig config, String unavailableReason, Path seccompFilter, boolean disableUserns) {
    this.config = config;
    this.seccompFilter = seccompFilter;
    this.disableUserns = disableUserns;
    this.uids = new ArrayBlockingQueue<>(config.slots());
    for (int i = 0; i < config.slots(); i++) {
      uids.add(config.uidBase() + i);
    }
    this.unavailableReason = unavailableReason;
  }

  /** Creates the sandbox and probes it; never throws for a host that cannot sandbox (see {@link #available()}). */
  public static Sandbox create(SandboxConfig config) {
    Objects.requireNonNull(config, "config");
    String reason = staticCheck(config);
    Path filter = null;
    boolean disableUserns = false;
    if (reason == null) {
      disableUserns = SandboxCommand.bwrapHasDisableUserns(config.bwrap());
      if (config.seccomp()) {
        try {
          filter = SeccompFilter.writeForThisArch(Path.of(System.getProperty("java.io.tmpdir"))).orElse(null);
          if (filter == null) {
            reason = "no seccomp filter for architecture " + System.getProperty("os.arch")
                + " (x86_64 and aarch64 only); turn the filter off to run code without it";
          }
        } catch (IOException e) {
          reason = "cannot write the seccomp filter to " + System.getProperty("java.io.tmpdir") + ": " + e;
        }
      }
      if (!disableUserns && filter == null && reason == null) {
        LOG.warning("bwrap has no --disable-userns and the seccomp filter is off: programs may create user namespaces");
      }
    }
    Sandbox s = new Sandbox(config, reason, filter, disableUserns);
    if (reason == null) {
      SandboxResult probe = s.launch("print('ok')", Duration.ofSeconds(10), new RunState()).join();
      if (probe.status() != SandboxStatus.OK || !probe.stdout().strip().equals("ok")) {
        String why = "probe run failed (" + probe.status() + ", exit " + probe.exitCode() + "): "
            + (probe.stderr().isBlank() ? probe.detail() : probe.stderr().strip());
        LOG.warning("code sandbox unavailable: " + why);
        return new Sandbox(config, why, filter, disableUserns);
      }
    } else {
      LOG.warning("code sandbox unavailable: " + reason);
    }
    return s;
  }

  private static String staticCheck(SandboxConfig c) {
    for (Path p : List.of(c.bwrap(), c.prlimit(), c.setpriv(), c.python())) {
      if (!Files.isExecutable(p)) {
        String hint = p.equals(c.bwrap()) ? " (install bubblewrap: apt-get install -y bubblewrap)" : "";
        return p + " is missing or not executable" + hint;
      }
    }
    // setpriv --reuid needs CAP_SETUID; without a uid of its own a run's RLIMIT_NPROC would count the
    // gateway's own threads and the process cap could not be enforced.
    if (!"root".equals(System.getProperty("user.name")) && !isRootByProc()) {
      return "the gateway is not running as root, so runs cannot get their own uid (process cap)";
    }
    if (!TreeWatch.supported()) {
      return "this kernel does not list a process's children in /proc (CONFIG_PROC_CHILDREN), so the memory and CPU "
          + "caps of a whole run cannot be enforced";
    }
    return null;
  }

  private static boolean isRootByProc() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("Uid:")) {
          return line.split("\\s+")[2].equals("0");
        }
      }
    } catch (IOException e) {
      LOG.log(Level.FINE, "cannot read /proc/self/status", e);
    }
    return false;
  }

  /** True when runs are really sandboxed; false means every run answers {@link SandboxStatus#UNAVAILABLE}. */
  public boolean available() {
    return unavailableReason == null;
  }

  /** Why the sandbox is unavailable, or null when it is available. */
  public String unavailableReason() {
    return unavailableReason;
  }

  /** Whether nested user namespaces are stopped by bwrap's {@code --disable-userns} (else by the filter alone). */
  public boolean userNamespacesDisabledByBwrap() {
    return disableUserns;
  }

  /** Whether runs get the {@link SeccompFilter}. */
  public boolean seccompFiltered() {
    return seccompFilter != null;
  }

  /** The limits and host paths this sandbox runs with. */
  public SandboxConfig config() {
    return config;
  }

  /** Runs {@code code} to completion (or to its limits) and answers how it ended. */
  public SandboxResult run(String code, Duration timeout) {
    return start(code, timeout).await();
  }

  /**
   * Starts {@code code}; the returned handle waits for or cancels the run. {@code timeout} null or zero
   * means {@link SandboxConfig#defaultTimeout()}; it is capped at {@link SandboxConfig#maxTimeout()}.
   */
  public Execution start(String code, Duration timeout) {
    Objects.requireNonNull(code, "code");
    RunState proc = new RunState();
    if (!available()) {
      return new Execution(CompletableFuture.completedFuture(SandboxResult.unavailable(unavailableReason)), proc);
    }
    return new Execution(launch(code, effective(timeout), proc), proc);
  }

  Duration effective(Duration timeout) {
    if (timeout == null || timeout.isZero() || timeout.isNegative()) {
      return config.defaultTimeout();
    }
    return timeout.compareTo(config.maxTimeout()) > 0 ? config.maxTimeout() : timeout;
  }

  private CompletableFuture<SandboxResult> launch(String code, Duration timeout, RunState proc) {
    CompletableFuture<SandboxResult> result = new CompletableFuture<>();
    Thread.ofVirtual().name("sandbox-run").start(() -> {
      try {
        result.complete(runBlocking(code, timeout, proc));
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    return result;
  }

  private SandboxResult runBlocking(String code, Duration timeout, RunState state)
      throws InterruptedException, IOException {
    long t0 = System.nanoTime();
    Integer uid = uids.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (uid == null) {
      return new SandboxResult(SandboxStatus.TIMEOUT, CodeProtocol.TIMEOUT_MESSAGE, "", "", -1,
          ms(t0), false, 0, "no free sandbox slot within " + timeout.toMillis() + " ms");
    }
    try {
      if (state.cancelled) {
        return cancelledBeforeStart(t0);
      }
      restoreFilterIfRemoved();
      ProcessBuilder pb = new ProcessBuilder(command(uid));
      // Nothing of the gateway's environment (credentials, tokens) may reach the sandbox: --clearenv only
      // clears the program's env, while bwrap's own init (pid 1 inside, readable via /proc/1/environ)
      // would keep whatever it was started with.
      pb.environment().clear();
      Process p = pb.start();
      state.process = p;
      // A cancel that raced with the start saw no process yet: honour it here.
      if (state.cancelled) {
        kill(p);
      }
      BoundedCapture out = new BoundedCapture(config.outputHeadBytes(), config.outputTailBytes());
      BoundedCapture err = new BoundedCapture(config.outputHeadBytes(), config.outputTailBytes());
      Thread to = Thread.ofVirtual().start(() -> drainQuietly(out, p.getInputStream()));
      Thread te = Thread.ofVirtual().start(() -> drainQuietly(err, p.getErrorStream()));
      TreeWatchdog dog = new TreeWatchdog(p, config);
      Thread watcher = Thread.ofVirtual().name("sandbox-tree-watch").start(dog);
      try (OutputStream stdin = p.getOutputStream()) {
        stdin.write(code.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // The program may exit (or be killed) before reading all of its source: its status says why.
        LOG.log(Level.FINE, "sandbox stdin closed early", e);
      }
      boolean exited = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!exited) {
        kill(p);
        p.waitFor();
      }
      watcher.interrupt();
      watcher.join(Duration.ofSeconds(2));
      String overTree = dog.verdict();
      // Pipes close when the namespace is gone; bound the wait anyway so a stray holder cannot hang us.
      to.join(Duration.ofSeconds(2));
      te.join(Duration.ofSeconds(2));
      int exit = p.exitValue();
      double wall = ms(t0);
      String stdout = out.text();
      String stderr = err.text();
      boolean cancelled = state.cancelled;
      SandboxStatus status;
      String detail = "";
      if (cancelled) {
        status = SandboxStatus.KILLED;
        detail = "cancelled by the caller";
      } else if (overTree != null) {
        status = overTree.startsWith("memory") ? SandboxStatus.OOM : SandboxStatus.TIMEOUT;
        detail = overTree;
      } else if (!exited) {
        status = SandboxStatus.TIMEOUT;
        detail = "wall-clock limit of " + timeout.toMillis() + " ms reached, killed";
      } else {
        status = classify(exit, stderr);
        detail = switch (status) {
          case TIMEOUT -> "CPU limit of " + config.cpuSeconds() + " s reached";
          case OOM -> "address-space limit of " + config.addressSpaceBytes() + " bytes reached";
          case KILLED -> exit == 128 + SIGXFSZ ? "file-size limit reached" : "killed by signal " + (exit - 128);
          default -> "";
        };
      }
      String obs = overTree != null && status == SandboxStatus.OOM
          ? CodeProtocol.observation(stdout, "MemoryError", exit, false)
          : CodeProtocol.observation(stdout, stderr, exit, status == SandboxStatus.TIMEOUT);
      return new SandboxResult(status, obs, stdout, stderr, exit, wall, out.truncated() || err.truncated(),
          out.total(), detail);
    } finally {
      uids.add(uid);
    }
  }

  private SandboxResult cancelledBeforeStart(long t0) {
    return new SandboxResult(SandboxStatus.KILLED, CodeProtocol.TIMEOUT_MESSAGE, "", "", -1, ms(t0), false, 0,
        "cancelled before start");
  }

  static SandboxStatus classify(int exit, String stderr) {
    if (exit == 0) {
      return SandboxStatus.OK;
    }
    if (stderr.contains("MemoryError") || stderr.contains("Cannot allocate memory")) {
      return SandboxStatus.OOM;
    }
    if (exit == 128 + SIGXCPU) {
      return SandboxStatus.TIMEOUT;
    }
    if (exit > 128 && exit <= 128 + 64) {
      // SIGKILL at the CPU hard limit also lands here; it is reported as KILLED, with the signal.
      return SandboxStatus.KILLED;
    }
    return SandboxStatus.ERROR;
  }

  /**
   * A temp-file cleaner (systemd-tmpfiles, after days of uptime) may delete the filter file: write it again rather
   * than fail every run (the shell could not open it, bwrap would never start).
   */
  private void restoreFilterIfRemoved() throws IOException {
    if (seccompFilter != null && !Files.isReadable(seccompFilter)) {
      synchronized (this) {
        if (!Files.isReadable(seccompFilter)) {
          LOG.warning("seccomp filter " + seccompFilter + " was removed; writing it again");
          SeccompFilter.writeTo(seccompFilter);
        }
      }
    }
  }

  List<String> command(int uid) {
    return SandboxCommand.build(config, uid, seccompFilter, disableUserns);
  }

  static void kill(Process p) {
    // SIGKILL everything inside the sandbox (visible from the host even inside the pid namespace) but
    // not bwrap itself: bwrap then reaps its namespace's init and exits, and we reap bwrap. Killing
    // bwrap first would orphan the init to the host's pid 1, leaving a zombie until that gets to it.
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    // Backstop, off the caller's thread (a gRPC event loop may be calling): if bwrap is still there
    // shortly after, kill it too; its death takes the whole namespace with it (--die-with-parent).
    Thread.ofVirtual().name("sandbox-kill").start(() -> {
      try {
        if (!p.waitFor(200, TimeUnit.MILLISECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    });
  }

  private static void drainQuietly(BoundedCapture cap, java.io.InputStream in) {
    try (in) {
      cap.drain(in);
    } catch (IOException e) {
      // The pipe breaks when the process is killed: what was read so far is the output.
      LOG.log(Level.FINE, "sandbox output pipe closed", e);
    }
  }

  private static double ms(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  /** Shared between a run and its handle; volatile so a cancel racing the start is never lost. */
  private static final class RunState {
    volatile Process process;
    volatile boolean cancelled;
  }

  /**
   * A started run: {@link #await()} its result or {@link #cancel()} it (kills the sandbox at once; the
   * result then reports {@link SandboxStatus#KILLED}).
   */
  public static final class Execution {
    private final CompletableFuture<SandboxResult> result;
    private final RunState state;

    Execution(CompletableFuture<SandboxResult> result, RunState state) {
      this.result = result;
      this.state = state;
    }

    /** Completes with the run's result (also after {@link #cancel()}, with status KILLED). */
    public CompletableFuture<SandboxResult> result() {
      return result.copy();
    }

    /** Blocks until the run ends. */
    public SandboxResult await() {
      try {
        return result.get();
      } catch (InterruptedException e) {
        cancel();
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the sandbox", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException("sandbox run failed: " + e.getCause(), e.getCause());
      }
    }

    /** Kills the run's processes now; idempotent. */
    public void cancel() {
      state.cancelled = true;
      Process p = state.process;
      if (p != null) {
        kill(p);
      }
    }
  }
}
