package ai.otc.policy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MachineFactsTest {
  @Test
  void vectorExtensionsAreTheSimdFlagsOfTheFirstCpuSorted() {
    List<String> x86 = List.of("processor\t: 0", "model name\t: AMD EPYC 9B14",
        "flags\t\t: fpu vme sse2 ssse3 fma sse4_1 sse4_2 avx2 avx f16c avx512f avx512bw avx512_bf16 amx_tile rdrand",
        "processor\t: 1", "flags\t\t: fpu sse2");
    assertThat(MachineFacts.vectorExtensions(x86))
        .containsExactly("amx_tile", "avx", "avx2", "avx512_bf16", "avx512bw", "avx512f", "f16c", "fma", "sse4_1", "sse4_2");
    assertThat(MachineFacts.field(x86, "model name")).isEqualTo("AMD EPYC 9B14");
  }

  @Test
  void armFeaturesAndAMissingCpuinfoAreHandled() {
    assertThat(MachineFacts.vectorExtensions(List.of("Features\t: fp asimd evtstrm aes sve sve2 crc32")))
        .containsExactly("asimd", "sve", "sve2");
    assertThat(MachineFacts.vectorExtensions(List.of())).isEmpty();
    assertThat(MachineFacts.field(List.of(), "model name")).isEqualTo("?");
  }

  @Test
  void currentNamesTheEngineThreadsAndWaitPolicy() {
    assertThat(MachineFacts.current()).containsKeys("cpu_model", "cpu_vector_extensions", "cpus", "engine_threads",
        "engine_interop_threads", "omp_wait_policy", "os_arch");
  }
}
