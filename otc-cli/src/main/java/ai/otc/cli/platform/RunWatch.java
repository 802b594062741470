package ai.otc.cli.platform;

import ai.otc.policy.store.PolicyArtifact;
import ai.otc.proto.v1.PolicyManifest;
import ai.otc.proto.v1.StepMetrics;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The running part of {@code ./otc train}: follows the run's metrics until its last step, one progress line and one
 * {@code metrics.jsonl} line per step, watches the processes it started, and at the end copies the final policy version
 * to {@code runs/ID/policy.zip} and verifies it against its manifest's checksum.
 */
final class RunWatch {
  /** How long to wait for the last version's manifest after the last step's metrics. */
  private static final Duration MANIFEST_WAIT = Duration.ofSeconds(60);
  /**
   * How long a run may go without a step before it fails (a step takes seconds; the first one, with the services'
   * warm-up, well under a minute on 2 busy cores). A run that can no longer finish (the learner waiting for groups that
   * will not come) must end with a message, not hang.
   */
  static final Duration STALL_LIMIT = Duration.ofMinutes(10);
  private static final JsonFormat.Printer JSON = JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace()
      .alwaysPrintFieldsWithNoPresence();

  private final PrintStream out;
  private final String runId;
  private final int steps;
  private final Layout.Run dir;
  private final BooleanSupplier interrupted;
  private final Path world;
  private final java.util.function.Supplier<String> prefix;
  private java.util.function.LongConsumer onStep = step -> {};
  private Duration stallLimit = STALL_LIMIT;

  RunWatch(PrintStream out, String runId, int steps, Layout.Run dir, Path world, BooleanSupplier interrupted) {
    this(out, runId, steps, dir, world, interrupted, () -> "");
  }

  /** @param prefix put before every progress line (the demo's clock and the run's name) */
  RunWatch(PrintStream out, String runId, int steps, Layout.Run dir, Path world, BooleanSupplier interrupted,
      java.util.function.Supplier<String> prefix) {
    this.prefix = prefix;
    this.out = out;
    this.world = world;
    this.runId = runId;
    this.steps = steps;
    this.dir = dir;
    this.interrupted = interrupted;
  }

  /** Another limit on the time without a step (tests). */
  RunWatch stallLimit(Duration limit) {
    this.stallLimit = limit;
    return this;
  }

  /** Called with each step's number as its metrics arrive (before its progress line). */
  RunWatch onStep(java.util.function.LongConsumer listener) {
    this.onStep = listener;
    return this;
  }

  /**
   * Follows the run to its end; returns the exit code.
   *
   * @param ended names a process of the run that ended (then the run fails), checked between polls
   */
  int follow(String bootstrap, java.util.function.Supplier<Optional<String>> ended) throws Refusal, IOException, InterruptedException {
    long t0 = System.nanoTime();
    Progress progress = new Progress(steps, System.currentTimeMillis());
    long last = 0;
    long lastProgress = System.nanoTime();
    try (RunFollower follower = new RunFollower(bootstrap, runId);
        BufferedWriter metrics = Files.newBufferedWriter(dir.metrics(), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      while (last < steps) {
        if (interrupted.getAsBoolean()) {
          return PlatformExit.INTERRUPTED;
        }
        for (StepMetrics m : follower.poll(Duration.ofMillis(500))) {
          metrics.write(json(m));
          metrics.newLine();
          metrics.flush();
          onStep.accept(m.getStep());
          out.println(prefix.get() + progress.line(m, System.currentTimeMillis()));
          last = m.getStep();
          lastProgress = System.nanoTime();
        }
        Optional<String> gone = ended.get();
        if (gone.isPresent() && !interrupted.getAsBoolean()) {
          throw Refusal.failed("the run stopped at step " + last + ": " + gone.get());
        }
        if (System.nanoTime() - lastProgress > stallLimit.toNanos()) {
          throw Refusal.failed("the run made no progress for " + Progress.duration(stallLimit.toSeconds()) + " after step "
              + last + " of " + steps + " (e.g. the learner waiting for groups that will not come); see "
              + dir.log("learner") + " (its groups by decision are on /q/metrics) and " + dir.log("rollout"));
        }
      }
      PolicyManifest manifest = awaitManifest(follower, steps);
      Path policy = copyPolicy(manifest);
      out.printf(Locale.ROOT, "done: %d steps in %s; final policy %s (version %d, sha256 %s)%n", steps,
          Progress.duration(Math.round((System.nanoTime() - t0) / 1e9)), policy, manifest.getVersion(), manifest.getChecksum());
      if (prefix.get().isEmpty()) {
        out.println("evaluate it with: ./otc eval --world " + world + " --policy " + policy);
      }
      return PlatformExit.OK;
    }
  }

  private PolicyManifest awaitManifest(RunFollower follower, long version) throws Refusal {
    long deadline = System.nanoTime() + MANIFEST_WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<PolicyManifest> m = follower.manifest(version);
      if (m.isPresent()) {
        return m.get();
      }
      follower.poll(Duration.ofMillis(500));
    }
    throw Refusal.failed("step " + version + " finished but no manifest of policy version " + version + " arrived on otc.policy.v1 within "
        + MANIFEST_WAIT.toSeconds() + " s (newest: " + follower.latestVersion() + "); see " + dir.log("learner"));
  }

  /** Copies the manifest's artifact to {@code policy.zip}, checking the file's SHA-256 and that it decodes. */
  private Path copyPolicy(PolicyManifest m) throws Refusal, IOException {
    Path from;
    try {
      from = Path.of(URI.create(m.getLocation()));
    } catch (RuntimeException e) {
      throw Refusal.failed("policy version " + m.getVersion() + " is at " + m.getLocation() + ", which is not a file: URI this command can copy");
    }
    Path to = dir.policy();
    Path tmp = to.resolveSibling(to.getFileName() + ".tmp");
    Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
    String sha = PolicyArtifact.sha256(Files.readAllBytes(tmp));
    if (!sha.equals(m.getChecksum())) {
      Files.deleteIfExists(tmp);
      throw Refusal.failed("policy version " + m.getVersion() + " at " + from + " has sha256 " + sha + ", not the manifest's " + m.getChecksum());
    }
    PolicyArtifact.load(tmp);
    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return to;
  }

  static String json(StepMetrics m) {
    try {
      return JSON.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("StepMetrics as JSON", e);
    }
  }
}
