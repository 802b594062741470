package ai.otc.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code ./otc} launcher as a user does, for the command-line ITs: the packaged classpath
 * ({@code OTC_SKIP_BUILD}: the build under test is this one), stdin given or empty, stdout and stderr read at the same
 * time (a command that fills one pipe while the test drains the other would otherwise hang), and a bounded wait that
 * kills a command that does not end; or {@link #start started} and left running, for a test that signals it.
 */
public final class OtcProcess {
  /** The launcher at the repository root. */
  public static final Path OTC = Path.of("..", "otc").toAbsolutePath().normalize();

  /** What a run printed and its exit code. */
  public record Run(int exit, String out, String err) {}

  private OtcProcess() {}

  /**
   * {@code ./otc args…}.
   *
   * @param stdin   the command's standard input (null: none)
   * @param workDir its working directory (null: this JVM's)
   * @param env     environment changes; a null value removes the variable
   * @param max     how long the command may take before it is killed and the test fails
   */
  public static Run run(String stdin, Path workDir, Map<String, String> env, Duration max, String... args)
      throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(OTC.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    if (workDir != null) {
      pb.directory(workDir.toFile());
    }
    pb.environment().put("OTC_SKIP_BUILD", "1");
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    if (stdin == null) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    }
    Process p = pb.start();
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()));
    if (stdin != null) {
      p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      p.getOutputStream().close();
    }
    String out = drain(p.getInputStream());
    if (!p.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("./otc " + String.join(" ", args) + " did not end within " + max);
    }
    return new Run(p.exitValue(), out, err.join());
  }

  /**
   * {@code ./otc args…} left running, for a test that acts while it runs (a signal): stdout is read line by line as it
   * comes, stderr into a file of {@code workDir}. SIGINT is reset to its default for the command ({@code env
   * --default-signal=INT}), since a process started in the background may inherit it ignored.
   */
  public static Running start(Path workDir, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT", OTC.toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(workDir.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .redirectError(workDir.resolve("otc-stderr.txt").toFile());
    pb.environment().put("OTC_SKIP_BUILD", "1");
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    return new Running(pb.start(), workDir.resolve("otc-stderr.txt"));
  }

  /** A command started with {@link #start}: its stdout lines so far, its stderr file, its process. */
  public static final class Running implements AutoCloseable {
    private final Process process;
    private final Path stderr;
    private final List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Thread reader;

    Running(Process process, Path stderr) {
      this.process = process;
      this.stderr = stderr;
      this.reader = new Thread(() -> {
        try (java.io.BufferedReader r = new java.io.BufferedReader(
            new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            lines.add(line);
          }
        } catch (IOException ended) {
          // the process closed its output
        }
      }, "otc-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    public Process process() {
      return process;
    }

    public List<String> lines() {
      return List.copyOf(lines);
    }

    public String stderr() {
      try {
        return java.nio.file.Files.readString(stderr);
      } catch (IOException e) {
        return "";
      }
    }

    /** Waits until a stdout line matches {@code regex}; fails with what it printed when it ends first or the time is up. */
    public String awaitLine(String regex, Duration max) throws InterruptedException {
      java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
      long deadline = System.nanoTime() + max.toNanos();
      while (System.nanoTime() < deadline) {
        for (String l : lines) {
          if (p.matcher(l).find()) {
            return l;
          }
        }
        if (!process.isAlive()) {
          reader.join(5000);
          for (String l : lines) {
            if (p.matcher(l).find()) {
              return l;
            }
          }
          throw new AssertionError("./otc ended with " + process.exitValue() + " before printing /" + regex + "/; stdout:\n"
              + String.join("\n", lines) + "\nstderr:\n" + stderr());
        }
        Thread.sleep(100);
      }
      throw new AssertionError("no line /" + regex + "/ within " + max + "; stdout:\n" + String.join("\n", lines) + "\nstderr:\n"
          + stderr());
    }

    /** Waits for the end; the exit code. */
    public int awaitExit(Duration max) throws InterruptedException {
      if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("./otc still running after " + max + "; stdout:\n" + String.join("\n", lines));
      }
      reader.join(5000);
      return process.exitValue();
    }

    @Override
    public void close() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }
  }

  private static String drain(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
