package ai.otc.policy.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** When glibc's malloc thresholds are set, and that the engine line says they really were. */
class MallocTuningTest {

  @Test
  void tunesUnlessTheEnvironmentOrThePropertySaysOtherwise() {
    assertNull(MallocTuning.skipReason(Map.of("PATH", "/bin", "GLIBC_TUNABLES", "glibc.cpu.hwcaps=-AVX2"), "tuned"));
    assertEquals("from the environment (MALLOC_MMAP_THRESHOLD_=65536)",
        MallocTuning.skipReason(Map.of("MALLOC_MMAP_THRESHOLD_", "65536"), "tuned"));
    assertEquals("from the environment (MALLOC_TRIM_THRESHOLD_=0)", MallocTuning.skipReason(Map.of("MALLOC_TRIM_THRESHOLD_", "0"), "tuned"));
    assertEquals("from the environment (GLIBC_TUNABLES=glibc.malloc.trim_threshold=1)",
        MallocTuning.skipReason(Map.of("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1"), "TUNED"));
    assertEquals("glibc's default (otc.malloc=default)", MallocTuning.skipReason(Map.of(), "default"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MallocTuning.skipReason(Map.of(), "jemalloc"));
    assertTrue(e.getMessage().contains("otc.malloc"), e.getMessage());
  }

  @Test
  void onGlibcLinuxTheEngineLineSaysBothThresholdsWereAccepted() {
    assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "glibc's mallopt is Linux-only here");
    assumeTrue(MallocTuning.skipReason(System.getenv(), System.getProperty(MallocTuning.PROPERTY, "tuned")) == null,
        "the environment tunes malloc here");
    // "1 GiB" only when mallopt returned 1 for both; a refusal reads "NOT set (...)"
    String line = DjlRuntime.describe();
    assertTrue(line.contains(", malloc mmap and trim thresholds 1 GiB, "), line);
  }
}
