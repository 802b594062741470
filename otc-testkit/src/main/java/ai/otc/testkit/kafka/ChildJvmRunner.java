package ai.otc.testkit.kafka;

import ai.otc.testkit.process.ChildProcess;
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
 * The broker as {@code kafka.Kafka server.properties} in a child JVM of the running JDK, on the test
 * JVM's class path: a real process boundary, so it can be killed (SIGKILL) and frozen (SIGSTOP), and it
 * halts by itself when the test JVM is gone ({@link ChildProcess}).
 */
final class ChildJvmRunner implements BrokerRunner {

  /** Small heap and C1 only: the broker of a test holds little data, and starts sooner on 2 busy cores. */
  static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-Djava.awt.headless=true");

  private final Path propertiesFile;
  private final Path log;
  private ChildProcess child;

  ChildJvmRunner(Path propertiesFile, Path log) {
    this.propertiesFile = propertiesFile;
    this.log = log;
  }

  @Override
  public void start() throws IOException {
    List<String> cmd = ChildProcess.java(JVM_OPTIONS);
    cmd.add("-cp");
    cmd.add(pathingJar(propertiesFile.getParent()).toString());
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
   * A jar whose manifest lists this JVM's class path, as surefire does: a class path of a few hundred
   * jars would otherwise be one very long command-line argument.
   */
  private static Path pathingJar(Path dir) throws IOException {
    Path jar = dir.resolve("classpath.jar");
    if (Files.exists(jar)) {
      return jar;
    }
    List<String> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        urls.add(Path.of(entry).toAbsolutePath().toUri().toString());
      }
    }
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", urls));
    try (OutputStream os = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(os, mf)) {
      jos.flush();
    }
    return jar;
  }
}
