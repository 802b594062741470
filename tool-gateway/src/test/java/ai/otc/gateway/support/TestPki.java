package ai.otc.gateway.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.net.Socket;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A throw-away certificate authority made by the running JDK's {@code keytool} (no extra dependency) in
 * a folder of the test: EC P-256 keys, certificates valid for two days, each entity in its own PKCS12 file
 * (key and chain up to the CA), the CA's certificate alone in a trust store. {@code keytool -genkeypair
 * -signer} issues a certificate signed by the CA's key kept in the same working key store.
 */
public final class TestPki {
  /** Password of every store made here (a test secret). */
  public static final String PASSWORD = "test-store-pass";

  private final Path dir;
  private final String name;
  private final Path work;

  private TestPki(Path dir, String name) {
    this.dir = dir;
    this.name = name;
    this.work = dir.resolve(name + "-all.p12");
  }

  /** A new CA named {@code CN=<name>} in {@code dir}, its trust store at {@link #trustStore()}. */
  public static TestPki createCa(Path dir, String name) throws IOException, InterruptedException {
    TestPki pki = new TestPki(dir, name);
    keytool("-genkeypair", "-keystore", pki.work.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-alias", "ca",
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name, "-ext", "bc:c", "-validity", "2");
    Path pem = dir.resolve(name + "-ca.pem");
    keytool("-exportcert", "-keystore", pki.work.toString(), "-storepass", PASSWORD, "-alias", "ca", "-rfc", "-file", pem.toString());
    keytool("-importcert", "-keystore", pki.trustStore().toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-alias", "ca",
        "-file", pem.toString(), "-noprompt");
    return pki;
  }

  /** PKCS12 trust store holding only this CA's certificate. */
  public Path trustStore() {
    return dir.resolve(name + "-trust.p12");
  }

  /** A server certificate for 127.0.0.1 and localhost (extended key usage serverAuth). */
  public Path issueServer(String alias) throws IOException, InterruptedException {
    return issue(alias, "CN=localhost", "san=ip:127.0.0.1,dns:localhost", "eku=serverAuth");
  }

  /** A client certificate whose subject is {@code dname} (extended key usage clientAuth). */
  public Path issueClient(String alias, String dname) throws IOException, InterruptedException {
    return issue(alias, dname, "eku=clientAuth");
  }

  private Path issue(String alias, String dname, String... extensions) throws IOException, InterruptedException {
    List<String> args = new ArrayList<>(List.of("-genkeypair", "-keystore", work.toString(), "-storepass", PASSWORD, "-alias", alias,
        "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname, "-signer", "ca", "-validity", "2"));
    for (String ext : extensions) {
      args.add("-ext");
      args.add(ext);
    }
    keytool(args.toArray(String[]::new));
    Path out = dir.resolve(name + "-" + alias + ".p12");
    keytool("-importkeystore", "-srckeystore", work.toString(), "-srcstorepass", PASSWORD, "-srcalias", alias,
        "-destkeystore", out.toString(), "-deststoretype", "PKCS12", "-deststorepass", PASSWORD, "-noprompt");
    return out;
  }

  /** Key managers presenting the key and chain of a PKCS12 file made here. */
  public static KeyManagerFactory keyManagers(Path p12) throws IOException, GeneralSecurityException {
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(load(p12), PASSWORD.toCharArray());
    return kmf;
  }

  /**
   * Key managers that present the (only) key of a PKCS12 file made here whatever the server asks for. A
   * JDK client otherwise sends no certificate when its issuer is not among the authorities the server
   * names in its certificate request; this one lets a test show that the server itself refuses it.
   */
  public static KeyManager[] alwaysPresenting(Path p12) throws IOException, GeneralSecurityException {
    X509ExtendedKeyManager km = (X509ExtendedKeyManager) keyManagers(p12).getKeyManagers()[0];
    String alias = load(p12).aliases().nextElement();
    return new KeyManager[] {new X509ExtendedKeyManager() {
      @Override
      public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
        return alias;
      }

      @Override
      public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return alias;
      }

      @Override
      public String[] getClientAliases(String keyType, Principal[] issuers) {
        return new String[] {alias};
      }

      @Override
      public String[] getServerAliases(String keyType, Principal[] issuers) {
        return km.getServerAliases(keyType, issuers);
      }

      @Override
      public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return km.chooseServerAlias(keyType, issuers, socket);
      }

      @Override
      public X509Certificate[] getCertificateChain(String a) {
        return km.getCertificateChain(a);
      }

      @Override
      public PrivateKey getPrivateKey(String a) {
        return km.getPrivateKey(a);
      }
    }};
  }

  /** Trust managers trusting exactly the certificates of a trust store made here. */
  public static TrustManagerFactory trustManagers(Path p12) throws IOException, GeneralSecurityException {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(load(p12));
    return tmf;
  }

  private static KeyStore load(Path p12) throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(p12)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    return ks;
  }

  /** Runs the running JDK's keytool; fails with its output when it exits non-zero. */
  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    // a short-lived JVM: the C1 compiler alone and the serial collector start fastest
    cmd.add("-J-XX:TieredStopAtLevel=1");
    cmd.add("-J-XX:+UseSerialGC");
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("keytool did not finish in 60 s: " + String.join(" ", args));
    }
    if (p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " exited with " + p.exitValue() + ":\n" + new String(out, StandardCharsets.UTF_8));
    }
  }
}
