package ai.otc.testkit.kafka;

import ai.otc.platform.kafka.EmbeddedBroker;
import ai.otc.platform.process.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A single-node KRaft broker on 127.0.0.1 with a second listener, {@code SSL}, that requires a client certificate:
 * what a Strimzi listener with {@code tls: true} and {@code authentication: tls} is (the k8s overlays' prod). Broker and
 * client certificates are made with the JDK's {@code keytool} (EC keys, PKCS12 stores, as the Strimzi User Operator
 * writes them; the broker's names 127.0.0.1), each side trusting the other's. The plain listener stays for the test's
 * own clients (feeding and reading topics); the code under test gets {@link #tlsBootstrap()} and
 * {@link #clientSecurity()}.
 *
 * <pre>{@code
 * try (TlsBroker b = TlsBroker.start(tempDir, "reward-service")) {
 *   Map<String, String> kafka = b.clientSecurity();    // security.protocol=SSL, ssl.keystore.location, ...
 *   ... b.tlsBootstrap() ... b.plainBootstrap() ...
 * }
 * }</pre>
 */
public final class TlsBroker implements AutoCloseable {

  private final EmbeddedBroker broker;
  private final int tlsPort;
  private final Map<String, String> clientSecurity;

  private TlsBroker(EmbeddedBroker broker, int tlsPort, Map<String, String> clientSecurity) {
    this.broker = broker;
    this.tlsPort = tlsPort;
    this.clientSecurity = clientSecurity;
  }

  /**
   * Makes the certificates under {@code dir/certs} (client certificate CN = {@code client}) and starts the broker with
   * its data in {@code dir/broker}; returns when it answers on the plain listener.
   */
  public static TlsBroker start(Path dir, String client) {
    String password = "changeit-" + Long.toHexString(System.nanoTime());
    Path certs = dir.resolve("certs");
    try {
      Files.createDirectories(certs);
      keytool(certs, "-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
          "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", "broker.p12", "-storetype", "PKCS12",
          "-storepass", password, "-keypass", password);
      keytool(certs, "-genkeypair", "-alias", "user", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + client,
          "-validity", "2", "-keystore", "user.p12", "-storetype", "PKCS12", "-storepass", password, "-keypass", password);
      keytool(certs, "-exportcert", "-alias", "broker", "-keystore", "broker.p12", "-storepass", password, "-file", "broker.crt");
      keytool(certs, "-exportcert", "-alias", "user", "-keystore", "user.p12", "-storepass", password, "-file", "user.crt");
      keytool(certs, "-importcert", "-noprompt", "-alias", "ca", "-file", "broker.crt", "-keystore", "ca.p12",
          "-storetype", "PKCS12", "-storepass", password);
      keytool(certs, "-importcert", "-noprompt", "-alias", "clients", "-file", "user.crt", "-keystore", "clients.p12",
          "-storetype", "PKCS12", "-storepass", password);
    } catch (IOException e) {
      throw new UncheckedIOException("making the test certificates in " + certs, e);
    }
    int port = Ports.free();
    int controller = Ports.free();
    int tls = Ports.free();
    Map<String, String> p = new LinkedHashMap<>();
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller + ",SSL://127.0.0.1:" + tls);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SSL://127.0.0.1:" + tls);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SSL:SSL");
    p.put("listener.name.ssl.ssl.client.auth", "required");
    p.put("listener.name.ssl.ssl.keystore.type", "PKCS12");
    p.put("listener.name.ssl.ssl.keystore.location", certs.resolve("broker.p12").toString());
    p.put("listener.name.ssl.ssl.keystore.password", password);
    p.put("listener.name.ssl.ssl.key.password", password);
    p.put("listener.name.ssl.ssl.truststore.type", "PKCS12");
    p.put("listener.name.ssl.ssl.truststore.location", certs.resolve("clients.p12").toString());
    p.put("listener.name.ssl.ssl.truststore.password", password);
    EmbeddedBroker b = EmbeddedBroker.builder(dir.resolve("broker")).port(port).controllerPort(controller).properties(p)
        .readyTimeout(KafkaBroker.READY_TIMEOUT).build().start();
    Map<String, String> security = new LinkedHashMap<>();
    security.put("security.protocol", "SSL");
    security.put("ssl.keystore.type", "PKCS12");
    security.put("ssl.keystore.location", certs.resolve("user.p12").toString());
    security.put("ssl.keystore.password", password);
    security.put("ssl.truststore.type", "PKCS12");
    security.put("ssl.truststore.location", certs.resolve("ca.p12").toString());
    security.put("ssl.truststore.password", password);
    return new TlsBroker(b, tls, Map.copyOf(security));
  }

  /** The plain listener, for the test's own clients. */
  public String plainBootstrap() {
    return broker.bootstrap();
  }

  /** The TLS listener, which refuses clients without TLS and a trusted client certificate. */
  public String tlsBootstrap() {
    return "127.0.0.1:" + tlsPort;
  }

  /**
   * A client's settings for the TLS listener as Kafka client keys ({@code security.protocol=SSL}, the {@code ssl.*} key
   * and trust stores and their passwords); a service takes them as {@code kafka.<key>}.
   */
  public Map<String, String> clientSecurity() {
    return clientSecurity;
  }

  /** Stops the broker (its data and the certificates stay in the folder given to {@link #start}). */
  @Override
  public void close() {
    broker.close();
  }

  private static void keytool(Path cwd, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("keytool " + args[0] + " in " + cwd + " failed: " + out);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running keytool", e);
    }
  }
}
