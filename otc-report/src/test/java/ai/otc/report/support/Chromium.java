package ai.otc.report.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's headless Chromium as a test tool: loads a local HTML file and returns the DOM after the page's load (with
 * {@code --dump-dom}). The process and its children never outlive the call. Chromium is {@code chromium} on the
 * PATH ({@code bin/setup-host} installs it), or the binary {@code OTC_CHROMIUM} names.
 */
public final class Chromium {

  private Chromium() {}

  /** The Chromium binary; fails naming how to install it when there is none. */
  public static Path binary() {
    String env = System.getenv("OTC_CHROMIUM");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      for (String name : List.of("chromium", "chromium-browser")) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    throw new AssertionError("Chromium is not installed: run bin/setup-host (apt-get install -y chromium), or set OTC_CHROMIUM");
  }

  /**
   * The DOM of {@code html} after it loaded, as Chromium serialises it. {@code profile} is an empty folder for the
   * browser's profile; its log goes to {@code profile/chromium.log}.
   */
  public static String dumpDom(Path html, Path profile, Duration timeout) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(binary().toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
        "--user-data-dir=" + profile.resolve("profile"), "--virtual-time-budget=5000", "--dump-dom",
        html.toUri().toString()));
    Path out = profile.resolve("dom.html");
    Path log = profile.resolve("chromium.log");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
    try {
      if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("chromium did not finish within " + timeout + "; log: " + Files.readString(log));
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("chromium exited with " + p.exitValue() + "; log: " + Files.readString(log));
      }
      return Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
