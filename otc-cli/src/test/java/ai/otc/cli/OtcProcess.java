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
 * kills a command that does not end.
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

  private static String drain(InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
