package ai.otc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/find-jdk.sh, sourced by ./mvnw and ./otc, run for real against fake JDK folders. */
class FindJdkScriptTest {

  @TempDir Path tmp;

  private static final Path SCRIPT = Path.of("..", "bin", "find-jdk.sh").toAbsolutePath().normalize();

  private Path fakeJdk(String name, int version) throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("jvm").resolve(name).resolve("bin"));
    for (String tool : new String[] {"java", "javac"}) {
      Path p = bin.resolve(tool);
      Files.writeString(p, "#!/bin/sh\necho 'Property settings:' >&2\necho '    java.specification.version = " + version + "' >&2\n");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return bin.getParent();
  }

  private record Result(int exit, String out, String err) {}

  private Result source(String javaHome) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", ". \"$1\" && echo \"$JAVA_HOME\"", "x", SCRIPT.toString());
    Map<String, String> env = pb.environment();
    env.put("OTC_JVM_DIR", tmp.resolve("jvm").toString());
    if (javaHome == null) {
      env.remove("JAVA_HOME");
    } else {
      env.put("JAVA_HOME", javaHome);
    }
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    return new Result(p.waitFor(), out, err);
  }

  @Test
  void picksTheNewestJdkAtLeast21WhenJavaHomeIsTooOld() throws Exception {
    Path old = fakeJdk("java-17", 17);
    fakeJdk("jdk-21", 21);
    Path newest = fakeJdk("temurin-25", 25);
    Result r = source(old.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(newest.toString());
  }

  @Test
  void keepsAJavaHomeThatIsRecentEnough() throws Exception {
    fakeJdk("temurin-25", 25);
    Path home = fakeJdk("jdk-21", 21);
    assertThat(source(home.toString()).out()).isEqualTo(home.toString());
  }

  @Test
  void failsWithOneClearSentenceWhenThereIsNone() throws Exception {
    fakeJdk("java-17", 17);
    Result r = source(null);
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("otc: no JDK 21 or newer found").doesNotContain("\n");
  }
}
