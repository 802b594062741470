package ai.otc.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.cli.OtcProcess;
import ai.otc.platform.process.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What the platform ITs share: a tiny world and a tiny warm-started policy (made once per test JVM through the real
 * launcher, cached in a folder of its own), the flags of a tiny run, and the environment that makes the services'
 * JVMs start quickly on two busy cores.
 */
final class TinyRun {
  static final String[] WORLD = {"--entities", "12", "--distractors", "3", "--easy-arith", "10", "--hard-arith", "10"};
  /** The model and warm-start flags of the cached warm start ({@code --warm-steps} 4: a few seconds). */
  static final String[] MODEL = {"--d-model", "32", "--layers", "1", "--heads", "2", "--ff", "64", "--context", "96",
      "--warm-steps", "4", "--batch", "8", "--warmup", "1", "--threads", "1"};
  /** A step of 4 questions x 4 trajectories. */
  static final String[] RUN = {"--group-size", "4", "--questions-per-step", "4", "--ready-timeout", "300"};
  /** Any free port for every part, so the ITs never meet another platform on this machine. */
  static final String[] FREE_PORTS = {"--kafka-port", "0", "--gateway-port", "0", "--reward-port", "0", "--rollout-port", "0",
      "--learner-port", "0"};
  /** C1 only and a small heap: the services start sooner; the tiny run needs no more. */
  static final Map<String, String> ENV = Map.of(PlanBuilder.JAVA_OPTS_ENV, "-XX:TieredStopAtLevel=1 -Xmx512m");

  private static Path dir;

  private TinyRun() {}

  /** The shared folder with {@code w/} (the world) and {@code cache/} (the warm start for {@link #MODEL}). */
  static synchronized Path shared() throws Exception {
    if (dir != null) {
      return dir;
    }
    Path d = Files.createTempDirectory("otc-platform-it-");
    Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(d), "otc-platform-it-cleanup"));
    OtcProcess.Run w = OtcProcess.run(null, d, Map.of(), Duration.ofSeconds(120), concat(new String[] {"world", "-o", "w"}, WORLD));
    assertThat(w.exit()).as(w.err()).isZero();
    String[] warm = concat(new String[] {"warmstart", "--world", "w", "--cache-dir", "cache", "--no-check", "-o", "policy.zip"},
        MODEL).clone();
    for (int i = 0; i < warm.length; i++) {
      if (warm[i].equals("--warm-steps")) {
        warm[i] = "--steps";
      }
    }
    OtcProcess.Run ws = OtcProcess.run(null, d, Map.of(), Duration.ofSeconds(300), warm);
    assertThat(ws.exit()).as(ws.err()).isZero();
    dir = d;
    return d;
  }

  private static void deleteQuietly(Path root) {
    try (java.util.stream.Stream<Path> s = Files.walk(root)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException | RuntimeException ignored) {
      // a temporary folder: the OS cleans up what is left
    }
  }

  static String[] concat(String[]... parts) {
    List<String> l = new ArrayList<>();
    for (String[] p : parts) {
      l.addAll(List.of(p));
    }
    return l.toArray(String[]::new);
  }

  /** Waits up to {@code max} until none of {@code pids} runs; fails naming the ones left. */
  static void assertAllGone(Collection<Long> pids, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (pids.stream().anyMatch(Procs::running) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    List<String> left = pids.stream().filter(Procs::running)
        .map(p -> p + " " + ProcessHandle.of(p).flatMap(h -> h.info().commandLine()).orElse("?")).toList();
    assertThat(left).as("processes left behind").isEmpty();
  }
}
