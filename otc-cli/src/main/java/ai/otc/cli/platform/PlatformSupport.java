package ai.otc.cli.platform;

import ai.otc.platform.supervisor.PlatformState;
import ai.otc.platform.supervisor.PartFailedException;
import ai.otc.platform.supervisor.PortTakenException;
import ai.otc.platform.supervisor.Supervisor;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.warmstart.WarmStartRunner;
import ai.otc.world.World;
import ai.otc.world.WorldIo;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What {@code up}, {@code down} and {@code train} share: reading inputs, refusals, tokens, state and printing. */
final class PlatformSupport {
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private PlatformSupport() {}

  /** The world in {@code dir}; refuses naming the folder when it is not one. */
  static World world(Path dir) throws Refusal {
    try {
      return WorldIo.read(dir);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      throw Refusal.usage("cannot read the world in " + dir + " (" + e.getMessage() + "): write it again with ./otc world -o " + dir);
    }
  }

  /**
   * The verified initial policy: {@code --initial-policy} when given (missing or corrupt: refused), else the world's
   * cached warm start for the model flags, trained first (with its own progress lines) when the cache has none.
   */
  static Path initialPolicy(RunOptions run, World world, PrintStream out) throws Refusal {
    if (run.initialPolicy != null) {
      Path p = run.initialPolicy.toAbsolutePath();
      if (!Files.isRegularFile(p)) {
        throw Refusal.usage("--initial-policy " + run.initialPolicy + " is missing: pass a policy artifact, e.g. one written by"
            + " ./otc warmstart -o FILE");
      }
      try {
        PolicyArtifact.load(p);
      } catch (RuntimeException e) {
        throw Refusal.usage("--initial-policy " + run.initialPolicy + " is corrupt (" + e.getMessage() + "): pass an intact policy"
            + " artifact, e.g. one written by ./otc warmstart -o FILE");
      }
      return p;
    }
    run.model.applyThreads();
    try {
      WarmStartRunner.Outcome o = WarmStartRunner.obtain(world, run.model.model(), run.model.warm(run.warmSteps.steps(), world), run.cacheDir,
          false, out);
      return o.artifact().toAbsolutePath();
    } catch (IllegalArgumentException e) {
      throw Refusal.usage("warm start: " + e.getMessage());
    } catch (RuntimeException e) {
      throw Refusal.usage("the cached warm start in " + run.cacheDir + " cannot be used (" + e.getMessage() + "): delete the file it"
          + " names and run again, which trains it anew");
    }
  }

  /** Starts {@code sup}'s parts; a taken port or a part that does not start becomes a refusal naming it (and its log's tail). */
  static void start(Supervisor sup) throws Refusal, InterruptedException {
    try {
      sup.start();
    } catch (PortTakenException e) {
      throw portTaken(e);
    } catch (PartFailedException e) {
      throw Refusal.failed(e.getMessage() + (e.logTail().isEmpty() ? "" : "; its log ends:\n" + e.logTail()));
    }
  }

  /** The sentence for a taken port, naming the process that holds it and the flag that moves the part. */
  /**
   * Warns on {@code err} when this host cannot run the gateway's code sandbox (the same probe the gateway runs at start:
   * bubblewrap, python3, a probe program): the gateway then starts and serves search, but refuses every code call, and a
   * run's code questions fail without a word on the user's terminal otherwise (its log says it once, at start).
   */
  static void warnIfNoSandbox(PrintStream err) {
    warnIfNoSandbox(err, ai.otc.tools.sandbox.SandboxConfig.defaults());
  }

  /** {@link #warnIfNoSandbox(PrintStream)} with the sandbox's host paths and limits from {@code config} (tests). */
  static void warnIfNoSandbox(PrintStream err, ai.otc.tools.sandbox.SandboxConfig config) {
    java.util.logging.Logger log = java.util.logging.Logger.getLogger(ai.otc.tools.sandbox.Sandbox.class.getName());
    java.util.logging.Level before = log.getLevel();
    // the line below says it once, in the CLI's words, instead of the logging framework's two-line warning
    log.setLevel(java.util.logging.Level.SEVERE);
    ai.otc.tools.sandbox.Sandbox probe;
    try {
      probe = ai.otc.tools.sandbox.Sandbox.create(config);
    } finally {
      log.setLevel(before);
    }
    if (!probe.available()) {
      err.println("warning: the code sandbox is unavailable on this host (" + probe.unavailableReason()
          + "): the gateway will refuse every code call; bin/setup-host installs what it needs");
    }
  }

  static Refusal portTaken(PortTakenException e) {
    String flag = "--" + e.part() + "-port";
    return Refusal.inTheWay(e.getMessage() + ": stop " + (e.holder() == null ? "that process" : "it") + " or choose another port"
        + " with " + flag);
  }

  /** 32 random bytes as hex: the platform tenant's gateway token, new for every start. */
  static String newToken() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** Writes {@code token} readable by this user only. */
  static void writeToken(Path file, String token) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.deleteIfExists(file);
    Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, token);
  }

  /** The state of {@code ./otc up}'s platform, if a state file is there; refuses when it cannot be read. */
  static Optional<PlatformState> state(Layout layout) throws Refusal {
    try {
      return PlatformState.read(layout.stateFile());
    } catch (IOException e) {
      throw Refusal.failed("the platform's state file " + layout.stateFile() + " cannot be read (" + e.getMessage() + "): check with ps"
          + " that no platform process is left, then delete it");
    }
  }

  /**
   * Stops what a state file lists and is still running (same pid and start time): SIGTERM to the supervisor, which
   * stops its parts in order; parts left without a supervisor get SIGTERM themselves; SIGKILL for all after
   * {@code grace}. Returns the parts that were running.
   */
  static List<PlatformState.Part> stop(PlatformState s, Duration grace) throws InterruptedException {
    List<PlatformState.Part> running = s.parts().stream().filter(PlatformState.Part::stillRunning).toList();
    if (s.supervisorAlive()) {
      ProcessHandle.of(s.supervisorPid()).ifPresent(ProcessHandle::destroy);
    } else {
      running.forEach(p -> ProcessHandle.of(p.pid()).ifPresent(ProcessHandle::destroy));
    }
    long deadline = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() < deadline && (s.supervisorAlive() || running.stream().anyMatch(PlatformState.Part::stillRunning))) {
      Thread.sleep(100);
    }
    if (s.supervisorAlive()) {
      ProcessHandle.of(s.supervisorPid()).ifPresent(ProcessHandle::destroyForcibly);
    }
    for (PlatformState.Part p : running) {
      if (p.stillRunning()) {
        ProcessHandle.of(p.pid()).ifPresent(h -> {
          h.descendants().forEach(ProcessHandle::destroyForcibly);
          h.destroyForcibly();
        });
      }
    }
    long killDeadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < killDeadline && (s.supervisorAlive() || running.stream().anyMatch(PlatformState.Part::stillRunning))) {
      Thread.sleep(50);
    }
    return running;
  }

  /** One line per part: name, address, pid, start time, log. */
  static void printParts(PrintStream out, List<PlatformState.Part> parts, Path relativeTo) {
    for (PlatformState.Part p : parts) {
      out.printf(Locale.ROOT, "  %-8s %-16s pid %-8d ready in %5.1f s   log %s%n", p.name(), p.endpoint(), p.pid(), p.readySeconds(),
          relative(Path.of(p.log()), relativeTo));
    }
  }

  static String relative(Path p, Path base) {
    Path abs = p.toAbsolutePath().normalize();
    Path b = base.toAbsolutePath().normalize();
    return abs.startsWith(b) ? b.relativize(abs).toString() : abs.toString();
  }

  /** Writes {@code value} as indented JSON. */
  static void writeJson(Path file, Map<String, Object> value) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.writeString(file, JSON.writeValueAsString(value) + "\n");
  }
}
