package ai.otc.policy.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The oneMKL override: when it applies, and that it changes the code path the loaded libtorch's MKL selects. The path
 * is read from MKL itself ({@code mkl_serv_cpu_detect}), in this JVM (override on) and in a child JVM started with
 * {@code -Dotc.mkl.intel-path=off} (the control: MKL's generic path on a non-Intel CPU).
 */
class MklCodePathTest {

  @Test
  void appliesOnlyOnLinuxX86WithANonIntelVendorUnlessOff() {
    assertThat(MklCodePath.wanted("auto", "Linux", "amd64", "AuthenticAMD")).isTrue();
    assertThat(MklCodePath.wanted("AUTO", "Linux", "x86_64", "HygonGenuine")).isTrue();
    assertThat(MklCodePath.wanted("auto", "Linux", "amd64", "GenuineIntel")).isFalse();
    assertThat(MklCodePath.wanted("auto", "Linux", "aarch64", "?")).isFalse();
    assertThat(MklCodePath.wanted("auto", "Linux", "amd64", "?")).as("vendor unknown").isFalse();
    assertThat(MklCodePath.wanted("auto", "Mac OS X", "amd64", "AuthenticAMD")).isFalse();
    assertThat(MklCodePath.wanted("off", "Linux", "amd64", "AuthenticAMD")).isFalse();
    assertThatThrownBy(() -> MklCodePath.wanted("on", "Linux", "amd64", "AuthenticAMD"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("otc.mkl.intel-path");
  }

  @Test
  void onANonIntelCpuMklTakesAVectorPathWithTheOverrideAndTheGenericOneWithout() throws Exception {
    assumeTrue(nonIntelX86(), "the override only applies on non-Intel x86 CPUs");
    assumeTrue(MklCodePath.class.getResource(MklCodePath.RESOURCE) != null, "built without a C compiler");
    int on = MklCodePath.detected();
    assertThat(MklCodePath.describe()).startsWith("applied");
    assertThat(on).as("MKL's code path with the override").isPositive();

    String off = child("-D" + MklCodePath.PROPERTY + "=off");
    assertThat(off).as("the control: MKL left alone").startsWith("mkl 0 | not applied");
  }

  private static boolean nonIntelX86() throws IOException {
    String arch = System.getProperty("os.arch");
    if (!("amd64".equals(arch) || "x86_64".equals(arch))) {
      return false;
    }
    return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
        .anyMatch(l -> l.startsWith("vendor_id") && !l.contains("GenuineIntel"));
  }

  private static String child(String property) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(java, "-Xmx256m", "--enable-native-access=ALL-UNNAMED", property, "-cp",
        System.getProperty("java.class.path"), MklProbe.class.getName()).redirectErrorStream(true).start();
    try {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the probe JVM ends").isTrue();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return out.lines().filter(l -> l.startsWith("mkl ")).findFirst().orElse(out);
    } finally {
      p.destroyForcibly();
    }
  }
}
