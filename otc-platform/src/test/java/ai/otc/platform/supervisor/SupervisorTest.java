package ai.otc.platform.supervisor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.platform.process.Ports;
import ai.otc.platform.process.Procs;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor with stand-in services ({@link FakeApp}, real child JVMs on real ports): stages start in order and
 * stop in reverse; a taken port is refused before anything starts, naming the port and its holder; a part that exits
 * at start fails the start with its log, and what had started is stopped; a part that ignores SIGTERM gets SIGKILL
 * after the grace period.
 */
class SupervisorTest {

  @TempDir static Path tmp;
  static Path jar;

  @BeforeAll
  static void packageFake() throws Exception {
    jar = TestJars.runnable(FakeApp.class, tmp.resolve("app"));
  }

  private static PartSpec fake(String name, int stage, Path record, Map<String, String> extra) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("fake.name", name);
    props.put("fake.record", record.toString());
    props.putAll(extra);
    return PartSpec.quarkus(name, Ports.free(), stage, jar, List.of("-Xmx32m", "-XX:TieredStopAtLevel=1"), props,
        Map.of("FAKE_ENV", "env-" + name), tmp.resolve("logs").resolve(name + ".log"));
  }

  private static Plan plan(PartSpec... parts) {
    return new Plan(List.of(parts), null, null, Map.of());
  }

  /** Records what the listener saw, in order. */
  private static final class Events implements Supervisor.Listener {
    final List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void starting(PartSpec part) {
      seen.add("starting " + part.name());
    }

    @Override
    public void ready(PartSpec part, Duration took) {
      seen.add("ready " + part.name());
    }

    @Override
    public void stopped(PartSpec part, Integer exitCode) {
      seen.add("stopped " + part.name() + " " + exitCode);
    }
  }

  @Test
  void startsStageByStageAndStopsInReverse() throws Exception {
    Path record = tmp.resolve("order-1.txt");
    Events events = new Events();
    PartSpec a = fake("a", 0, record, Map.of("fake.delay-ms", "300"));
    PartSpec b = fake("b", 0, record, Map.of());
    PartSpec c = fake("c", 1, record, Map.of());
    Supervisor sup = new Supervisor(plan(a, b, c), events, Duration.ofSeconds(60), Duration.ofSeconds(20));
    List<Long> pids = new ArrayList<>();
    try {
      sup.start();
      List<PlatformState.Part> parts = sup.snapshot();
      assertThat(parts).extracting(PlatformState.Part::name).containsExactly("a", "b", "c");
      assertThat(parts).allMatch(PlatformState.Part::ready).allMatch(PlatformState.Part::stillRunning);
      parts.forEach(p -> pids.add(p.pid()));
      // c starts only once a (the slow one) and b are ready
      assertThat(events.seen.indexOf("starting c")).isGreaterThan(events.seen.indexOf("ready a"))
          .isGreaterThan(events.seen.indexOf("ready b"));
      assertThat(Files.readString(a.log())).contains("a listening on " + a.port()).contains("FAKE_ENV=env-a");
      assertThat(sup.exited()).isEmpty();
    } finally {
      sup.stop();
    }
    assertThat(pids).noneMatch(Procs::running);
    List<String> order = Files.readAllLines(record);
    assertThat(order).hasSize(3);
    assertThat(order.get(0)).as("the last stage stops first").isEqualTo("c");
    assertThat(order.subList(1, 3)).containsExactlyInAnyOrder("a", "b");
    assertThat(events.seen).contains("stopped c 143", "stopped a 143", "stopped b 143");
    sup.stop(); // idempotent
  }

  @Test
  void aTakenPortIsRefusedBeforeAnythingStarts() throws Exception {
    Path record = tmp.resolve("order-2.txt");
    try (ServerSocket squatter = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      PartSpec a = fake("a", 0, record, Map.of());
      PartSpec b = new PartSpec("b", PartSpec.Kind.QUARKUS, squatter.getLocalPort(), 1, jar, List.of(), Map.of(), Map.of(),
          tmp.resolve("logs/b2.log"), null, null);
      Events events = new Events();
      try (Supervisor sup = new Supervisor(plan(a, b), events)) {
        assertThatThrownBy(sup::start).isInstanceOf(PortTakenException.class)
            .hasMessage("port " + squatter.getLocalPort() + " (b) is already taken by pid " + ProcessHandle.current().pid() + " (java)");
        assertThat(events.seen).isEmpty();
        assertThat(sup.snapshot()).isEmpty();
      }
    }
  }

  @Test
  void aPartThatExitsFailsTheStartAndWhatStartedIsStopped() throws Exception {
    Path record = tmp.resolve("order-3.txt");
    PartSpec a = fake("a", 0, record, Map.of());
    PartSpec bad = fake("bad", 1, record, Map.of("fake.fail", "yes"));
    Supervisor sup = new Supervisor(plan(a, bad), new Events(), Duration.ofSeconds(60), Duration.ofSeconds(20));
    List<Long> pids = new ArrayList<>();
    try {
      assertThatThrownBy(() -> {
        try {
          sup.start();
        } finally {
          sup.snapshot().forEach(p -> pids.add(p.pid()));
        }
      }).isInstanceOfSatisfying(PartFailedException.class, e -> {
        assertThat(e.part()).isEqualTo("bad");
        assertThat(e.getMessage()).startsWith("bad did not start: bad exited with 3 before it was ready");
        assertThat(e.logTail()).contains("bad: config error: fake.fail=yes");
      });
    } finally {
      sup.stop();
    }
    assertThat(pids).isNotEmpty().noneMatch(Procs::running);
    assertThat(Files.readAllLines(record)).containsExactly("a");
  }

  @Test
  void aPartThatIgnoresSigtermIsKilledAfterTheGrace() throws Exception {
    Path record = tmp.resolve("order-4.txt");
    PartSpec stubborn = fake("stubborn", 0, record, Map.of("fake.stubborn", "yes"));
    Supervisor sup = new Supervisor(plan(stubborn), new Events(), Duration.ofSeconds(60), Duration.ofSeconds(1));
    sup.start();
    long pid = sup.snapshot().get(0).pid();
    long t0 = System.nanoTime();
    sup.stop();
    assertThat(Procs.running(pid)).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
    assertThat(Files.readAllLines(record)).containsExactly("stubborn");
  }

  @Test
  void planAndStateSurviveJson() throws Exception {
    Path record = tmp.resolve("order-5.txt");
    PartSpec broker = PartSpec.broker("kafka", 9999, 0, tmp.resolve("kafka"), List.of("-Xmx256m"), Map.of("num.partitions", "2"),
        List.of(tmp.resolve("slf4j.jar")), tmp.resolve("logs/kafka.log"));
    Plan p = new Plan(List.of(broker, fake("a", 1, record, Map.of())), new TopicSetup("127.0.0.1:9999", 1, List.of("otc-reward-r1")),
        tmp.resolve("state.json"), Map.of("run_id", "r1"));
    p.write(tmp.resolve("plan.json"));
    assertThat(Plan.read(tmp.resolve("plan.json"))).isEqualTo(p);
    assertThat(Files.readString(tmp.resolve("plan.json"))).contains("\"data_dir\" : \"" + tmp.resolve("kafka") + "\"");

    PlatformState s = new PlatformState(ProcessHandle.current().pid(), Procs.startTime(ProcessHandle.current().pid()).orElseThrow().toString(),
        PlatformState.READY, null, List.of(new PlatformState.Part("kafka", "BROKER", 1, null, "127.0.0.1:9999", "k.log", true, 2.5, null)),
        Map.of("run_id", "r1"), "now");
    s.write(tmp.resolve("state.json"));
    PlatformState back = PlatformState.read(tmp.resolve("state.json")).orElseThrow();
    assertThat(back).isEqualTo(s);
    assertThat(back.supervisorAlive()).isTrue();
    assertThat(PlatformState.read(tmp.resolve("missing.json"))).isEmpty();
  }

  @Test
  void badPlansAreRefusedNamingTheProblem() {
    Path record = tmp.resolve("order-6.txt");
    PartSpec a = fake("a", 0, record, Map.of());
    assertThatThrownBy(() -> plan(a, a)).hasMessage("two parts named a");
    assertThatThrownBy(() -> PartSpec.quarkus("Bad Name", 80, 0, jar, null, null, null, tmp)).hasMessageContaining("lower-case");
    assertThatThrownBy(() -> PartSpec.quarkus("x", 0, 0, jar, null, null, null, tmp)).hasMessageContaining("port 0");
    assertThatThrownBy(() -> PartSpec.quarkus("x", 80, 0, null, null, null, null, tmp)).hasMessageContaining("needs its jar");
  }
}
