package ai.otc.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.policy.tokenizer.WordTokenizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The policy library must stay usable by the rollout and the learner without the task world, the warm start or the
 * evaluation. Maven already makes a dependency impossible (this module's pom has none on them, and they depend on it, so
 * the reverse edge would be a cycle Maven rejects); this test also reads every compiled class of the library and fails
 * on any reference to their packages (class references, descriptors and signatures are all in the constant pool as
 * {@code ai/otc/world/...} strings), e.g. a fully qualified name that would compile against a stale jar.
 */
class LibraryBoundaryTest {
  private static final List<String> FORBIDDEN = List.of("ai/otc/world/", "ai/otc/policy/warmstart/", "ai/otc/policy/eval/",
      "ai/otc/policy/bench/", "ai/otc/policy/offline/", "ai/otc/tools/");

  @Test
  void noCompiledClassOfTheLibraryReferencesTheWorldOrTheOfflineModule() throws Exception {
    Path classes = Path.of(WordTokenizer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<Path> files;
    try (Stream<Path> s = Files.walk(classes)) {
      files = s.filter(p -> p.toString().endsWith(".class")).toList();
    }
    assertThat(files).as("the library's classes were found").extracting(p -> p.getFileName().toString())
        .contains("PolicyModel.class", "WordTokenizer.class", "Generator.class", "PolicyArtifact.class", "ToolBackend.class");
    List<String> violations = new ArrayList<>();
    for (Path f : files) {
      String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
      for (String pkg : FORBIDDEN) {
        if (bytes.contains(pkg)) {
          violations.add(classes.relativize(f) + " -> " + pkg);
        }
      }
    }
    assertThat(violations).isEmpty();
  }

  @Test
  void theWorldAndTheOfflineModuleAreNotOnTheLibrarysClasspath() {
    assertThatThrownBy(() -> Class.forName("ai.otc.world.World")).isInstanceOf(ClassNotFoundException.class);
    assertThatThrownBy(() -> Class.forName("ai.otc.policy.warmstart.WarmStart")).isInstanceOf(ClassNotFoundException.class);
  }
}
