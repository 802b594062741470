package ai.otc.testkit.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.platform.process.Procs;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher against a real child JVM ({@link FakeService} packed as a runnable jar): readiness,
 * configuration by -D and environment, the log, and that every way of ending it leaves no process.
 */
class ServiceProcessTest {

  @TempDir static Path tmp;
  static Path jar;

  @BeforeAll
  static void packFakeService() throws Exception {
    jar = TestJars.runnable(FakeService.class, tmp.resolve("app"));
  }

  private static ServiceProcess.Builder fake(String name) {
    return ServiceProcess.builder(jar).name(name).logDir(tmp.resolve("logs")).jvmOptions("-Xmx32m");
  }

  @Test
  void startsWaitsUntilReadyAndPassesPortEnvironmentAndLog() throws Exception {
    try (ServiceProcess svc = fake("ready").env("FAKE_ENV", "x1").startAndAwaitReady()) {
      assertThat(svc.get("/q/health/ready").statusCode()).isEqualTo(200);
      svc.process().awaitLog("fake service listening on " + svc.port() + " env FAKE_ENV=x1", Duration.ofSeconds(10));
      assertThat(svc.log()).startsWith(tmp.resolve("logs"));
      assertThat(svc.log().getFileName().toString()).startsWith("ready-" + svc.port() + "-");
      assertThat(svc.endpoint()).isEqualTo("127.0.0.1:" + svc.port());
    }
  }

  @Test
  void sigtermRunsShutdownHooksAndLeavesNoProcess() throws Exception {
    ServiceProcess svc = fake("term").startAndAwaitReady();
    long pid = svc.pid();
    assertThat(svc.terminate()).as("exit code after SIGTERM").isEqualTo(143);
    assertThat(svc.logText()).contains("fake service: shutdown hook ran");
    assertThat(Procs.running(pid)).isFalse();
  }

  @Test
  void sigkillIsACrashAndLeavesNoProcess() throws Exception {
    try (ServiceProcess svc = fake("kill").startAndAwaitReady()) {
      long pid = svc.pid();
      svc.kill();
      assertThat(Procs.running(pid)).isFalse();
      assertThat(svc.logText()).doesNotContain("shutdown hook ran");
    }
  }

  @Test
  void aPausedServiceIsFrozenUntilResumedAndClosingItLeavesNoProcess() throws Exception {
    ServiceProcess svc = fake("pause").startAndAwaitReady();
    long pid = svc.pid();
    try {
      svc.pause();
      assertThat(Procs.state(pid)).as("stopped").isEqualTo('T');
      assertThatThrownBy(() -> svc.get("/q/health/ready")).isInstanceOf(HttpTimeoutException.class);
      svc.resume();
      assertThat(svc.get("/q/health/ready").statusCode()).isEqualTo(200);
      svc.pause();
    } finally {
      svc.close(); // paused: SIGKILL
    }
    assertThat(Procs.running(pid)).isFalse();
  }

  @Test
  void aServiceThatExitsAtStartFailsWithItsLog() {
    assertThatThrownBy(() -> fake("bad").property("fake.fail", "yes").startAndAwaitReady())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with 3")
        .hasMessageContaining("config error: fake.fail=yes");
  }

  @Test
  void aMissingJarIsNamed() {
    Path missing = tmp.resolve("nowhere/quarkus-run.jar");
    assertThatThrownBy(() -> ServiceProcess.builder(missing).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(missing.toString());
  }
}
