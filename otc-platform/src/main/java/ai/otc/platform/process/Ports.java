package ai.otc.platform.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * TCP ports on the loopback interface: a free one for brokers and services that need any port, whether a given port
 * can be bound, and (best effort, from {@code /proc}) which process holds a taken one, so a refusal can name it.
 */
public final class Ports {

  private Ports() {}

  /** How many of the ports this JVM handed out last {@link #free()} never hands out again. */
  static final int REMEMBERED = 1024;
  /** The ports handed out last, oldest first. */
  private static final java.util.LinkedHashSet<Integer> HANDED_OUT = new java.util.LinkedHashSet<>();

  /**
   * A port nothing on 127.0.0.1 listens on right now, and none of the last {@value #REMEMBERED} this JVM handed out;
   * whoever binds it first gets it, so bind soon after asking. A plan asks for several ports before any part binds one,
   * and the kernel may give a port it just released again: the demo once gave two parts the same port (a CI failure,
   * "port 46199 given to two parts").
   */
  public static synchronized int free() {
    for (int attempt = 0; attempt < 64; attempt++) {
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
        s.setReuseAddress(true);
        port = s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException("no free port on the loopback interface", e);
      }
      if (HANDED_OUT.add(port)) {
        if (HANDED_OUT.size() > REMEMBERED) {
          HANDED_OUT.removeFirst();
        }
        return port;
      }
    }
    throw new IllegalStateException("the kernel kept giving ports this process handed out already");
  }

  /**
   * Whether a server could bind {@code port} on 127.0.0.1 now. A port bound on another address that covers loopback
   * ({@code 0.0.0.0}) counts as taken, as it does for the server.
   */
  public static boolean isFree(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException taken) {
      return false;
    }
  }

  /** Whether something accepts connections on 127.0.0.1:{@code port} (a connect within {@code timeoutMs}). */
  public static boolean isListening(int port, int timeoutMs) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMs);
      return true;
    } catch (IOException no) {
      return false;
    }
  }

  /**
   * The process listening on {@code port}, as {@code "pid 1234 (java)"}, when {@code /proc} tells (Linux, and a process
   * this user may inspect); empty otherwise.
   */
  public static Optional<String> holder(int port) {
    try {
      Optional<String> inode = listeningInode(port);
      if (inode.isEmpty()) {
        return Optional.empty();
      }
      String socket = "socket:[" + inode.get() + "]";
      try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
        for (Path proc : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
          if (holdsSocket(proc, socket)) {
            return Optional.of("pid " + proc.getFileName() + " (" + command(proc) + ")");
          }
        }
      }
      return Optional.empty();
    } catch (IOException | RuntimeException unknown) {
      return Optional.empty();
    }
  }

  /** The inode of the listening socket on {@code port} in {@code /proc/net/tcp} or {@code tcp6} (state 0A = LISTEN). */
  private static Optional<String> listeningInode(int port) throws IOException {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      Path t = Path.of(table);
      if (!Files.isReadable(t)) {
        continue;
      }
      for (String line : Files.readAllLines(t)) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
          return Optional.of(f[9]);
        }
      }
    }
    return Optional.empty();
  }

  private static boolean holdsSocket(Path proc, String socket) {
    try (Stream<Path> fds = Files.list(proc.resolve("fd"))) {
      return fds.anyMatch(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().equals(socket);
        } catch (IOException | UnsupportedOperationException gone) {
          return false;
        }
      });
    } catch (IOException | RuntimeException noAccess) {
      return false;
    }
  }

  private static String command(Path proc) {
    try {
      return Files.readString(proc.resolve("comm")).trim();
    } catch (IOException e) {
      return "?";
    }
  }
}
