package ai.otc.cli.platform;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * "Builds what is missing": the packaged services the platform starts, rebuilt with the project's Maven wrapper when a
 * jar is missing or older than any source file of the tree (the {@code ./otc} launcher does the same for the CLI).
 */
final class ServiceBuild {
  static final List<String> SERVICES = List.of(Home.GATEWAY, Home.REWARD, Home.ROLLOUT, Home.LEARNER);
  /** Folders no service is built from: build output, data, and the modules only the CLI, tests and docs use. */
  private static final Set<String> SKIP = Set.of(".git", "target", "runs", "data", ".otc", "node_modules", ".mvn", "otc-cli",
      "otc-loop", "otc-report", "otc-testkit", "policy-offline", "bench", "k8s", "docs");

  private ServiceBuild() {}

  /** Why a build is needed (a missing or stale jar), or empty when every service jar is newer than every source. */
  static Optional<String> needed(Path root) throws IOException {
    FileTime oldest = null;
    for (String m : SERVICES) {
      Path jar = root.resolve(m).resolve("target/quarkus-app/quarkus-run.jar");
      if (!Files.isRegularFile(jar)) {
        return Optional.of(root.relativize(jar) + " is missing");
      }
      FileTime t = Files.getLastModifiedTime(jar);
      oldest = oldest == null || t.compareTo(oldest) < 0 ? t : oldest;
    }
    Optional<Path> newer = newestSourceAfter(root, oldest);
    return newer.map(p -> root.relativize(p) + " changed since the services were packaged");
  }

  /** Runs {@code ./mvnw -B -q -DskipTests install} for the services and what they need, its output to {@code log}. */
  static void build(Path root, Path log) throws Refusal, IOException, InterruptedException {
    Files.createDirectories(log.getParent());
    ProcessBuilder pb = new ProcessBuilder(root.resolve("mvnw").toString(), "-B", "-q", "-DskipTests", "-Dmaven.test.skip=true",
        "install", "-pl", String.join(",", SERVICES), "-am")
        .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
    Process p = pb.start();
    try {
      int rc = p.waitFor();
      if (rc != 0) {
        throw Refusal.failed("building the services failed (exit " + rc + "); its log " + log + " ends:\n" + UpCommand.tail(log, 20));
      }
    } finally {
      if (p.isAlive()) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
    }
  }

  private static Optional<Path> newestSourceAfter(Path root, FileTime since) throws IOException {
    Path[] found = new Path[1];
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        return !dir.equals(root) && (SKIP.contains(name) || name.startsWith("wt-")) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        String n = file.getFileName().toString();
        // what goes into a packaged service: main sources and resources, protos, poms (tests do not)
        boolean source = n.equals("pom.xml") || file.toString().contains("/src/main/");
        if (source && attrs.lastModifiedTime().compareTo(since) > 0) {
          found[0] = file;
          return FileVisitResult.TERMINATE;
        }
        return FileVisitResult.CONTINUE;
      }
    });
    return Optional.ofNullable(found[0]);
  }
}
