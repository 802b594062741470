package ai.otc.tools.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The command line of one sandboxed run, and what this host's bubblewrap offers for it.
 *
 * <pre>
 * /bin/sh -c 'exec "$@" 3&lt;"$0"' FILTER                 (opens the seccomp filter as fd 3, as root, then execs)
 *   setpriv --reuid U --regid U --clear-groups --no-new-privs                     (own uid per run)
 *     prlimit --as --cpu --nproc --fsize --nofile --core=0                        (per-process limits, no core dumps)
 *       bwrap --unshare-all --unshare-user --disable-userns --seccomp 3 --die-with-parent --new-session --clearenv
 *             --ro-bind /usr … --size N --tmpfs /work --size N --tmpfs /tmp
 *             --dev /dev --size N --tmpfs /dev/shm --remount-ro /dev --remount-ro /
 *         python3 -
 * </pre>
 *
 * Without the filter the shell is left out; without {@code --disable-userns} (bubblewrap before 0.8.0) only the
 * filter stops nested user namespaces.
 */
final class SandboxCommand {
  static final String SECCOMP_FD = "3";

  private SandboxCommand() {}

  /** Whether {@code bwrap --help} lists {@code --disable-userns} (bubblewrap 0.8.0 and later). */
  static boolean bwrapHasDisableUserns(Path bwrap) {
    try {
      Process p = new ProcessBuilder(bwrap.toString(), "--help").redirectErrorStream(true).start();
      String help = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return help.contains("--disable-userns");
    } catch (IOException e) {
      return false; // no bwrap at all: the static check reports it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  static List<String> build(SandboxConfig c, int uid, Path seccompFilter, boolean disableUserns) {
    List<String> cmd = new ArrayList<>(80);
    if (seccompFilter != null) {
      cmd.addAll(List.of("/bin/sh", "-c", "exec \"$@\" " + SECCOMP_FD + "<\"$0\"", seccompFilter.toString()));
    }
    cmd.add(c.setpriv().toString());
    cmd.add("--reuid=" + uid);
    cmd.add("--regid=" + uid);
    cmd.add("--clear-groups");
    cmd.add("--no-new-privs");
    cmd.add(c.prlimit().toString());
    cmd.add("--as=" + c.addressSpaceBytes());
    cmd.add("--cpu=" + c.cpuSeconds() + ":" + (c.cpuSeconds() + 1));
    cmd.add("--nproc=" + c.maxProcesses());
    cmd.add("--fsize=" + c.maxFileBytes());
    cmd.add("--nofile=" + c.maxOpenFiles());
    cmd.add("--core=0");
    cmd.add("--");
    cmd.add(c.bwrap().toString());
    cmd.addAll(List.of("--unshare-all", "--die-with-parent", "--new-session", "--clearenv", "--hostname", "sandbox"));
    if (disableUserns) {
      // the sandbox's own user namespace is made the last one: unshare(CLONE_NEWUSER) inside fails (ENOSPC)
      cmd.addAll(List.of("--unshare-user", "--disable-userns"));
    }
    if (seccompFilter != null) {
      cmd.addAll(List.of("--seccomp", SECCOMP_FD));
    }
    for (Path p : c.roBinds()) {
      cmd.add("--ro-bind-try");
      cmd.add(p.toString());
      cmd.add(p.toString());
    }
    String size = Long.toString(c.tmpfsBytes());
    cmd.addAll(List.of("--size", size, "--tmpfs", "/work", "--size", size, "--tmpfs", "/tmp"));
    cmd.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--size", size, "--tmpfs", "/dev/shm"));
    // bwrap's root and its /dev are writable tmpfs mounts without a size: make both read-only, so only the three
    // size-capped mounts take writes (device nodes such as /dev/null stay writable on a read-only mount).
    cmd.addAll(List.of("--remount-ro", "/dev", "--remount-ro", "/", "--chdir", "/work"));
    cmd.addAll(List.of("--setenv", "HOME", "/work", "--setenv", "PATH", "/usr/local/bin:/usr/bin:/bin",
        "--setenv", "LANG", "C.UTF-8", "--setenv", "PYTHONDONTWRITEBYTECODE", "1", "--setenv", "PYTHONUNBUFFERED", "1"));
    // numeric libraries start a thread per host core, each counting against the run's process cap
    cmd.addAll(List.of("--setenv", "OMP_NUM_THREADS", "1", "--setenv", "OPENBLAS_NUM_THREADS", "1",
        "--setenv", "MKL_NUM_THREADS", "1"));
    cmd.add(c.python().toString());
    cmd.add("-");
    return cmd;
  }
}
