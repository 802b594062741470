package ai.otc.platform.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.platform.process.Ports;
import ai.otc.platform.process.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The detached daemon behind {@code ./otc up}, started as {@code up} starts it ({@code setsid java … SupervisorDaemon
 * plan.json}): the state file goes {@code ready} with every part's pid; SIGTERM stops the parts in reverse order and
 * the state says {@code stopped}; after a SIGKILL of the daemon its children halt by themselves.
 */
class SupervisorDaemonTest {

  @TempDir static Path tmp;
  static Path jar;

  @BeforeAll
  static void packageFake() throws Exception {
    jar = TestJars.runnable(FakeApp.class, tmp.resolve("app"));
  }

  private static Plan plan(String tag) {
    Path record = tmp.resolve(tag + "-order.txt");
    List<PartSpec> parts = List.of(
        PartSpec.quarkus("first", Ports.free(), 0, jar, List.of("-Xmx32m"), Map.of("fake.name", "first", "fake.record", record.toString()),
            Map.of(), tmp.resolve(tag + "/first.log")),
        PartSpec.quarkus("second", Ports.free(), 1, jar, List.of("-Xmx32m"), Map.of("fake.name", "second", "fake.record", record.toString()),
            Map.of(), tmp.resolve(tag + "/second.log")));
    return new Plan(parts, null, tmp.resolve(tag + "/state.json"), Map.of("run_id", tag));
  }

  private static Process daemon(Plan plan, String tag) throws Exception {
    Path planFile = tmp.resolve(tag + "/plan.json");
    plan.write(planFile);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder("setsid", java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
        SupervisorDaemon.class.getName(), planFile.toString())
        .redirectErrorStream(true).redirectOutput(tmp.resolve(tag + "/supervisor.log").toFile()).start();
  }

  private static PlatformState awaitStatus(Path stateFile, String status, Duration max) throws Exception {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      Optional<PlatformState> s = PlatformState.read(stateFile);
      if (s.isPresent() && s.get().status().equals(status)) {
        return s.get();
      }
      Thread.sleep(100);
    }
    throw new AssertionError("state never " + status + ": " + (Files.exists(stateFile) ? Files.readString(stateFile) : "no file"));
  }

  @Test
  void sigtermStopsEverythingInReverseOrder() throws Exception {
    Plan plan = plan("term");
    Process d = daemon(plan, "term");
    try {
      PlatformState ready = awaitStatus(plan.stateFile(), PlatformState.READY, Duration.ofSeconds(60));
      assertThat(ready.supervisorPid()).as("setsid execs the JVM itself").isEqualTo(d.pid());
      assertThat(ready.supervisorAlive()).isTrue();
      assertThat(ready.info()).containsEntry("run_id", "term");
      assertThat(ready.parts()).extracting(PlatformState.Part::name).containsExactly("first", "second");
      assertThat(ready.parts()).allMatch(PlatformState.Part::stillRunning);

      new ProcessBuilder("kill", "-TERM", Long.toString(d.pid())).start().waitFor();
      assertThat(d.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(ready.parts()).noneMatch(p -> Procs.running(p.pid()));
      assertThat(PlatformState.read(plan.stateFile()).orElseThrow().status()).isEqualTo(PlatformState.STOPPED);
      assertThat(Files.readAllLines(tmp.resolve("term-order.txt"))).containsExactly("second", "first");
    } finally {
      d.destroyForcibly();
    }
  }

  @Test
  void childrenHaltWhenTheDaemonIsKilled() throws Exception {
    Plan plan = plan("kill");
    Process d = daemon(plan, "kill");
    try {
      PlatformState ready = awaitStatus(plan.stateFile(), PlatformState.READY, Duration.ofSeconds(60));
      d.destroyForcibly(); // SIGKILL: no hook runs in the daemon
      assertThat(d.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (ready.parts().stream().anyMatch(p -> Procs.running(p.pid())) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(ready.parts()).noneMatch(p -> Procs.running(p.pid()));
    } finally {
      d.destroyForcibly();
    }
  }
}
