package ai.otc.platform.kafka;

import ai.otc.platform.process.ChildProcess;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The broker as {@code kafka.Kafka server.properties} in a child JVM of the running JDK, on this JVM's class path (plus
 * extra entries, e.g. a logging binding): a real process boundary, so it can be killed (SIGKILL) and frozen (SIGSTOP),
 * and it halts by itself when this JVM is gone ({@link ChildProcess}).
 */
final class ChildJvmRunner implements BrokerRunner {

  /** Small heap and C1 only: a local broker holds little data, and starts sooner on 2 busy cores. */
  static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-Djava.awt.headless=true");

  private final Path propertiesFile;
  private final Path log;
  private final List<String> jvmOptions;
  private final List<Path> extraClassPath;
  private ChildProcess child;

  ChildJvmRunner(Path propertiesFile, Path log, List<String> jvmOptions, List<Path> extraClassPath) {
    this.propertiesFile = propertiesFile;
    this.log = log;
    this.jvmOptions = jvmOptions;
    this.extraClassPath = extraClassPath;
  }

  @Override
  public void start() throws IOException {
    List<String> cmd = ChildProcess.java(jvmOptions);
    cmd.add("-cp");
    cmd.add(pathingJar(propertiesFile.getParent(), extraClassPath).toString());
    cmd.add("kafka.Kafka");
    cmd.add(propertiesFile.toString());
    child = ChildProcess.start("kafka-broker", cmd, Map.of(), log);
  }

  @Override
  public String failure() {
    if (child != null && !child.isAlive()) {
      return "the broker process exited with " + child.exitCode().orElse(-1) + "; log " + log + ":\n" + child.tail(40);
    }
    return null;
  }

  @Override
  public java.util.Optional<ProcessHandle> process() {
    return java.util.Optional.ofNullable(child).map(ChildProcess::handle);
  }

  @Override
  public void stop() throws InterruptedException {
    child.terminate(Duration.ofSeconds(30));
  }

  @Override
  public void kill() throws InterruptedException {
    child.kill();
  }

  @Override
  public void pause() {
    child.pause();
  }

  @Override
  public void resume() {
    child.resume();
  }

  /**
   * A jar whose manifest lists this JVM's class path and {@code extra}, as surefire does: a class path of a few hundred
   * jars would otherwise be one very long command-line argument. Written at every start, so a broker whose data
   * outlives a rebuild gets the current jars.
   */
  private static Path pathingJar(Path dir, List<Path> extra) throws IOException {
    Path jar = dir.resolve("classpath.jar");
    List<String> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        urls.add(Path.of(entry).toAbsolutePath().toUri().toString());
      }
    }
    for (Path p : extra) {
      urls.add(p.toAbsolutePath().toUri().toString());
    }
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    Path tmp = dir.resolve("classpath.jar.tmp");
    try (OutputStream os = Files.newOutputStream(tmp); JarOutputStream jos = new JarOutputStream(os, mf)) {
      jos.flush();
    }
    Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return jar;
  }
}
