package ai.otc.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.cli.Otc;
import ai.otc.platform.process.Procs;
import ai.otc.platform.supervisor.PlatformState;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import ai.otc.world.WorldIo;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./otc up | down | train} in this JVM, everything that is decided before a process starts: flag validation
 * (one line naming the flag, exit 2), a missing or corrupt input or an unpackaged service (exit 2, naming the fix), a
 * taken port or a platform already up (exit 3, naming the port, its holder and the flag), and the state file's
 * handling (nothing to stop; leftovers of a supervisor that is gone are stopped).
 */
class PlatformCommandsTest {
  @TempDir static Path shared;
  static Path world;

  @TempDir Path tmp;
  private String oldHome;

  @BeforeAll
  static void tinyWorld() {
    world = shared.resolve("w");
    WorldConfig d = WorldConfig.defaults();
    WorldIo.write(WorldGenerator.generate(new WorldConfig(d.seed(), 12, d.famousShare(), 3, d.fillerWords(), d.singleHopShare(),
        d.twoHopShare(), 10, 10, d.devShare(), d.testShare()).validate()), world);
  }

  @BeforeEach
  void fakeHome() throws Exception {
    oldHome = System.getProperty("otc.home");
    // packaged services only need to exist for what is checked before they start
    for (String m : List.of(Home.GATEWAY, Home.REWARD, Home.ROLLOUT, Home.LEARNER)) {
      Path jar = tmp.resolve("home").resolve(m).resolve("target/quarkus-app/quarkus-run.jar");
      Files.createDirectories(jar.getParent());
      Files.writeString(jar, "not really a jar");
    }
    System.setProperty("otc.home", tmp.resolve("home").toString());
  }

  @AfterEach
  void restoreHome() {
    if (oldHome == null) {
      System.clearProperty("otc.home");
    } else {
      System.setProperty("otc.home", oldHome);
    }
  }

  private record Result(int exit, String out, String err) {}

  private Result otc(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Otc.commandLine().execute(args);
      return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  private Result train(String... more) {
    List<String> a = new ArrayList<>(List.of("train", "--world", world.toString(), "--runs-dir", tmp.resolve("runs").toString()));
    for (String port : List.of("--kafka-port", "--gateway-port")) {
      if (!List.of(more).contains(port)) {
        a.addAll(List.of(port, "0"));
      }
    }
    a.addAll(List.of(more));
    return otc(a.toArray(String[]::new));
  }

  private static void assertOneLine(Result r, int exit, String... contains) {
    assertThat(r.exit()).as(r.err()).isEqualTo(exit);
    assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
    assertThat(r.err()).contains(contains);
  }

  @Test
  void badFlagsAreOneLineNamingTheFlag() {
    assertOneLine(otc("train", "--world", world.toString()), 2, "Missing required option: '--reward=R'", "./otc train --help");
    assertOneLine(train("--reward", "nope"), 2, "otc train: --reward: unknown reward 'nope' (expected em, otc-ppo or otc-grpo)");
    assertOneLine(train("--reward", "em", "--steps", "0"), 2, "--steps must be at least 1, got 0");
    assertOneLine(train("--reward", "em", "--steps", "x"), 2, "--steps");
    assertOneLine(train("--reward", "em", "--set", "learner.lr=1"), 2, "--set: expected PART:KEY=VALUE");
    assertOneLine(train("--reward", "em", "--set", "critic:x=1"), 2, "--set: unknown part 'critic'");
    assertOneLine(train("--reward", "em", "--run-id", "a b"), 2, "--run-id must be");
    assertOneLine(train("--reward", "em", "--run-id", "platform"), 2, "--run-id must be");
    assertOneLine(train("--reward", "em", "--group-size", "1"), 2, "--group-size must be at least 2");
    assertOneLine(train("--reward", "em", "--kafka-port", "70000"), 2, "--kafka-port must be a port in 1..65535");
    assertOneLine(train("--reward", "em", "--bootstrap", "nohost"), 2, "--bootstrap: expected HOST:PORT");
    assertOneLine(otc("up", "--world", world.toString(), "--steps", "-1"), 2, "--steps must be >= 0");
    assertOneLine(otc("down", "--grace", "0"), 2, "--grace must be at least 1 second");
  }

  @Test
  void missingOrCorruptInputsAreNamedWithTheFix() throws Exception {
    assertOneLine(otc("train", "--reward", "em", "--world", tmp.resolve("nowhere").toString()), 2,
        "no world at " + tmp.resolve("nowhere") + " (world.json and corpus.jsonl expected): create one with ./otc world");
    assertOneLine(train("--reward", "em", "--initial-policy", tmp.resolve("missing.zip").toString()), 2,
        "--initial-policy " + tmp.resolve("missing.zip") + " is missing: pass a policy artifact");
    Files.writeString(tmp.resolve("corrupt.zip"), "PK garbage");
    assertOneLine(train("--reward", "em", "--initial-policy", tmp.resolve("corrupt.zip").toString()), 2,
        "--initial-policy " + tmp.resolve("corrupt.zip") + " is corrupt (");
    System.setProperty("otc.home", tmp.resolve("empty").toString());
    assertOneLine(train("--reward", "em"), 2, "tool-gateway/target/quarkus-app/quarkus-run.jar is missing: package the services first"
        + " with ./mvnw -B -DskipTests install -pl tool-gateway,reward-service,rollout-service,learner-service -am");
    assertThat(tmp.resolve("runs")).doesNotExist();
  }

  @Test
  void aTakenPortIsRefusedNamingItsHolderAndTheFlag() throws Exception {
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = squatter.getLocalPort();
      assertOneLine(train("--reward", "em", "--gateway-port", Integer.toString(port)), 3, "otc train: port " + port
          + " (gateway) is already taken by pid " + ProcessHandle.current().pid() + " (java): stop it or choose another port with --gateway-port");
      assertOneLine(otc("up", "--world", world.toString(), "--runs-dir", tmp.resolve("runs").toString(), "--no-run", "--kafka-port",
          Integer.toString(port)), 3, "port " + port + " (kafka) is already taken", "with --kafka-port");
    }
  }

  @Test
  void downWithoutAPlatformHasNothingToStop() {
    Result r = otc("down", "--runs-dir", tmp.resolve("runs").toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("nothing to stop: no platform state at " + tmp.resolve("runs/platform/state.json"));
  }

  @Test
  void upRefusesWhileAPlatformIsUp() throws Exception {
    Layout layout = new Layout(tmp.resolve("runs"));
    long self = ProcessHandle.current().pid();
    new PlatformState(self, Procs.startTime(self).orElseThrow().toString(), PlatformState.READY, null, List.of(), Map.of(), "now")
        .write(layout.stateFile());
    assertOneLine(otc("up", "--world", world.toString(), "--runs-dir", tmp.resolve("runs").toString(), "--no-run"), 3,
        "the platform is already up (supervisor pid " + self + ", state " + layout.stateFile() + "): stop it with ./otc down first");
  }

  @Test
  void downStopsWhatAGoneSupervisorLeftBehind() throws Exception {
    Process orphan = new ProcessBuilder("sleep", "120").start();
    Process deadSupervisor = new ProcessBuilder("true").start();
    deadSupervisor.waitFor();
    try {
      Layout layout = new Layout(tmp.resolve("runs"));
      Instant started = Procs.startTime(orphan.pid()).orElseThrow();
      new PlatformState(deadSupervisor.pid(), Instant.now().toString(), PlatformState.READY, null,
          List.of(new PlatformState.Part("gateway", "QUARKUS", orphan.pid(), started.toString(), "127.0.0.1:1", "g.log", true, 1, null)),
          Map.of(), "now").write(layout.stateFile());
      Result r = otc("down", "--runs-dir", tmp.resolve("runs").toString(), "--grace", "5");
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out()).contains("stopped the parts left by a supervisor that was gone and gateway (pid " + orphan.pid() + ")");
      assertThat(orphan.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(layout.stateFile()).doesNotExist();
    } finally {
      orphan.destroyForcibly();
    }
  }

  @Test
  void aRecycledPidIsNotTakenForThePart() throws Exception {
    Process other = new ProcessBuilder("sleep", "120").start();
    try {
      // same pid, another start time: not the part the state file recorded, so down leaves it alone
      PlatformState s = new PlatformState(-1, null, PlatformState.READY, null, List.of(new PlatformState.Part("kafka", "BROKER",
          other.pid(), Instant.now().minus(Duration.ofDays(1)).toString(), "127.0.0.1:1", "k.log", true, 1, null)), Map.of(), "now");
      assertThat(s.parts().get(0).stillRunning()).isFalse();
      assertThat(PlatformSupport.stop(s, Duration.ofSeconds(1))).isEmpty();
      assertThat(other.isAlive()).isTrue();
    } finally {
      other.destroyForcibly();
    }
  }
}
