package ai.otc.platform.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child started through {@link ChildProcess} ends when the JVM that started it is killed with SIGKILL
 * (no shutdown hook runs there): a {@link MiddleJvm} plays the test JVM, starts a {@link Sleeper}, and is
 * killed; the sleeper must be gone soon after.
 */
class ParentWatchTest {

  @TempDir Path tmp;

  @Test
  void aChildDiesWithItsKilledParent() throws Exception {
    long child = orphanAfterParentKill(true);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (Procs.running(child) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(Procs.running(child)).as("the orphan halted itself").isFalse();
  }

  /** The control: without the agent, the same orphan lives on (so the test above can fail). */
  @Test
  void withoutTheWatchTheOrphanWouldLiveOn() throws Exception {
    long child = orphanAfterParentKill(false);
    try {
      Thread.sleep(2000);
      assertThat(Procs.running(child)).as("an orphan without the watch").isTrue();
    } finally {
      ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** Starts a middle JVM that starts a sleeper, SIGKILLs the middle JVM, and returns the sleeper's pid. */
  private long orphanAfterParentKill(boolean watch) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process middle = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"), MiddleJvm.class.getName(),
        tmp.resolve("sleeper.log").toString(), watch ? "watch" : "no-watch").redirectErrorStream(true).start();
    long child = -1;
    try (BufferedReader out = new BufferedReader(new InputStreamReader(middle.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith("child pid ")) {
          child = Long.parseLong(line.substring("child pid ".length()).trim());
          break;
        }
      }
      assertThat(child).as("the middle JVM started its child").isPositive();
      assertThat(Procs.running(child)).isTrue();

      middle.destroyForcibly(); // SIGKILL: its shutdown hook cannot run
      assertThat(middle.waitFor(30, TimeUnit.SECONDS)).isTrue();
      return child;
    } catch (RuntimeException | Error e) {
      if (child > 0) {
        ProcessHandle.of(child).ifPresent(ProcessHandle::destroyForcibly);
      }
      throw e;
    } finally {
      middle.destroyForcibly();
    }
  }
}
