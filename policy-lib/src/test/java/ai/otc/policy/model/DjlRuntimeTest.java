package ai.otc.policy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

/** The engine's start-up line and device resolution. */
class DjlRuntimeTest {

  @Test
  void theStartUpLineSaysTheWaitPolicyWasReallySet() {
    assumeTrue(System.getenv("OMP_WAIT_POLICY") == null && System.getenv("GOMP_SPINCOUNT") == null
        && System.getProperty("otc.omp.wait_policy") == null, "the environment chooses the wait policy here");
    String line = DjlRuntime.describe();
    // "PASSIVE" only when libc's setenv succeeded; a failure reads "NOT set (...)"
    assertTrue(line.contains("OMP_WAIT_POLICY PASSIVE,"), line);
    assertTrue(line.startsWith("PyTorch "), line);
  }

  @Test
  void devicesResolveFromConfigAndABadOneIsRefused() {
    assertEquals(Device.cpu(), DjlRuntime.device("cpu"));
    assertEquals(Device.gpu(3), DjlRuntime.device("gpu:3"));
    assertEquals(DjlRuntime.engine().getGpuCount() > 0 ? Device.gpu() : Device.cpu(), DjlRuntime.device("auto"));
    assertThrows(IllegalArgumentException.class, () -> DjlRuntime.device("tpu"));
  }
}
