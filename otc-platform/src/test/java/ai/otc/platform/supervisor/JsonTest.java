package ai.otc.platform.supervisor;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan and state files: their owner's alone (a plan holds the parts' environments, the gateway token among them). */
class JsonTest {
  @TempDir Path dir;

  @Test
  void aWrittenFileIsReadableByItsOwnerAloneAlsoWhenItReplacesAnOpenOne() throws Exception {
    Path f = dir.resolve("plan.json");
    Files.writeString(f, "{}");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    Json.write(f, Map.of("env", Map.of("OTC_TENANT_PLATFORM_TOKEN", "secret")));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    assertThat(Files.readString(f)).contains("secret");
    assertThat(Files.exists(dir.resolve("plan.json.tmp"))).isFalse();
  }
}
