package ai.otc.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.gateway.support.GrpcClients;
import ai.otc.gateway.support.PackagedGateway;
import ai.otc.gateway.support.TestPki;
import ai.otc.proto.v1.QuotaRequest;
import ai.otc.proto.v1.QuotaResponse;
import ai.otc.proto.v1.QuotaStatus;
import ai.otc.proto.v1.SearchRequest;
import ai.otc.proto.v1.ToolGatewayGrpc.ToolGatewayBlockingStub;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.testkit.Ports;
import ai.otc.testkit.process.ServiceProcess;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import grpc.health.v1.HealthOuterClass.HealthCheckResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transport security of the packaged gateway: gRPC over TLS on its one HTTP port, client certificates
 * mapped to tenants. Everything is made in the test by the JDK's keytool ({@link TestPki}): a CA, a server
 * certificate for 127.0.0.1, a client certificate whose subject is mapped to tenant {@code alpha}, one
 * whose subject is mapped to nothing, and a second CA the gateway does not trust, which issues a client
 * certificate with alpha's very subject. The gateway runs as a child process with TLS on
 * ({@code quarkus.tls.*}) and plain-text HTTP off ({@code quarkus.http.insecure-requests=disabled}); every
 * check goes over a real Netty channel.
 */
class MutualTlsIT {
  private static final String BETA = GrpcClients.BETA;
  /** alpha's search bucket: 5 tokens, one more per hour, so every call shows in its quota (beta's: 100). */
  private static final int ALPHA_BURST = 5;

  @TempDir static Path tmp;

  static TestPki ca;
  static TestPki otherCa;
  static Path alphaCert;
  static Path strangerCert;
  static Path forgedAlphaCert;
  static int tlsPort;
  static int plainPort;
  static ServiceProcess gateway;

  @BeforeAll
  static void startGatewayWithTls() throws Exception {
    ca = TestPki.createCa(tmp, "otc-test-ca");
    Path server = ca.issueServer("server");
    // written with a space after the comma: the mapping below has none, subjects are compared canonically
    alphaCert = ca.issueClient("alpha", "CN=rollout-a, O=otc");
    strangerCert = ca.issueClient("stranger", "CN=rollout-x,O=otc");
    otherCa = TestPki.createCa(tmp, "other-ca");
    forgedAlphaCert = otherCa.issueClient("alpha", "CN=rollout-a,O=otc");

    // a subject holds '=', which a -D option cannot carry in its key: the mapping comes from a properties file,
    // as it would from a mounted Secret
    Path principals = tmp.resolve("principals.properties");
    Files.writeString(principals, "otc.gateway.auth.mtls-principals.\"CN\\=rollout-a,O\\=otc\"=alpha\n");

    tlsPort = Ports.free();
    plainPort = Ports.free();
    Map<String, String> p = new LinkedHashMap<>();
    p.put("quarkus.config.locations", principals.toUri().toString());
    p.put("quarkus.tls.key-store.p12.path", server.toString());
    p.put("quarkus.tls.key-store.p12.password", TestPki.PASSWORD);
    p.put("quarkus.tls.trust-store.p12.path", ca.trustStore().toString());
    p.put("quarkus.tls.trust-store.p12.password", TestPki.PASSWORD);
    p.put("quarkus.http.ssl-port", Integer.toString(tlsPort));
    p.put("quarkus.http.insecure-requests", "disabled");
    p.put("kafka.bootstrap.servers", "127.0.0.1:1"); // no broker: usage events wait in the spool
    p.put("otc.gateway.search.corpus", Path.of("src/test/resources/corpus.jsonl").toAbsolutePath().toString());
    p.put("otc.gateway.search.index-dir", tmp.resolve("index").toString());
    p.put("otc.gateway.metering.spool-dir", tmp.resolve("spool").toString());
    p.put("otc.gateway.code.bwrap", "/nonexistent/bwrap"); // no code calls here
    p.put("otc.gateway.auth.tenants.beta.token", BETA);
    p.put("otc.gateway.limits.tenants.beta.search.rate", "1");
    p.put("otc.gateway.limits.tenants.beta.search.period", "1h");
    p.put("otc.gateway.limits.tenants.beta.search.burst", "100");
    p.put("otc.gateway.limits.tenants.alpha.search.rate", "1");
    p.put("otc.gateway.limits.tenants.alpha.search.period", "1h");
    p.put("otc.gateway.limits.tenants.alpha.search.burst", Integer.toString(ALPHA_BURST));
    gateway = PackagedGateway.builder("gateway-mtls").port(plainPort).properties(p).start();
    awaitReadyOverTls(Duration.ofSeconds(90));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (gateway != null) {
      gateway.close();
    }
  }

  /**
   * Readiness over HTTPS without a client certificate: what a Kubernetes probe can do. A blocking
   * {@link HttpsURLConnection} with connect and read timeouts, on this thread, for the reason the test kit's GETs use one
   * ({@code QuarkusApp.get}: the JDK's {@code HttpClient} completes exchanges on the common pool and hung CI runs).
   */
  private static void awaitReadyOverTls(Duration max) throws Exception {
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(null, TestPki.trustManagers(ca.trustStore()).getTrustManagers(), null);
    long deadline = System.nanoTime() + max.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      if (!gateway.isAlive()) {
        throw new IllegalStateException("gateway exited before it was ready; log " + gateway.log() + ":\n" + gateway.tail(60));
      }
      HttpsURLConnection c = (HttpsURLConnection) URI.create("https://127.0.0.1:" + tlsPort + "/q/health/ready").toURL()
          .openConnection(Proxy.NO_PROXY);
      c.setSSLSocketFactory(ssl.getSocketFactory());
      c.setConnectTimeout(2_000);
      c.setReadTimeout(5_000);
      try {
        int code = c.getResponseCode();
        if (code == 200) {
          return;
        }
        try (InputStream err = c.getErrorStream()) {
          last = code + " " + (err == null ? "" : new String(err.readAllBytes(), StandardCharsets.UTF_8));
        }
      } catch (IOException notYet) {
        last = notYet.toString();
      } finally {
        c.disconnect();
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("gateway not ready over TLS after " + max + " (last: " + last + "); log " + gateway.log() + ":\n"
        + gateway.tail(60));
  }

  private static void withChannel(ManagedChannel ch, ThrowingConsumer<ManagedChannel> body) throws Throwable {
    try {
      body.accept(ch);
    } finally {
      ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static ToolGatewayBlockingStub stub(ManagedChannel ch, String token) {
    // generous: the first call of a channel pays the handshake and a cold JIT on a loaded machine
    return GrpcClients.stub(ch, token).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static SearchRequest query() {
    return SearchRequest.newBuilder().setQuery("capital of France").setTopK(2).build();
  }

  private static long searchTokensLeft(QuotaResponse q) {
    return q.getStatusesList().stream().filter(s -> s.getTool().equals("search")).findFirst().orElseThrow().getLimitRemaining();
  }

  private static void assertRefused(Runnable call, Status.Code code, String descriptionPart) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).as("status of %s", e.getStatus()).isEqualTo(code);
      if (descriptionPart != null) {
        assertThat(e.getStatus().getDescription()).contains(descriptionPart);
      }
    });
  }

  @Test
  void aMappedClientCertificateIsItsTenantAndIsCharged() throws Throwable {
    withChannel(GrpcClients.tlsChannel(tlsPort, ca.trustStore(), alphaCert), ch -> {
      ToolGatewayBlockingStub alpha = stub(ch, null);
      QuotaResponse before = alpha.getQuota(QuotaRequest.getDefaultInstance());
      assertThat(before.getTenant()).isEqualTo("alpha");
      for (int i = 0; i < 3; i++) {
        assertThat(alpha.search(query()).getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
      }
      QuotaResponse after = alpha.getQuota(QuotaRequest.getDefaultInstance());
      assertThat(after.getTenant()).isEqualTo("alpha");
      // the three searches took three tokens of alpha's own bucket (burst 5, 1 per hour: no refill meanwhile)
      assertThat(searchTokensLeft(before) - searchTokensLeft(after)).isEqualTo(3);
      assertThat(searchTokensLeft(after)).isLessThanOrEqualTo(ALPHA_BURST - 3);
      QuotaStatus search = after.getStatusesList().stream().filter(s -> s.getTool().equals("search")).findFirst().orElseThrow();
      assertThat(search.getRequestsPerUnit()).isEqualTo(1);
      assertThat(search.getUnitMillis()).isEqualTo(3_600_000);
    });
  }

  @Test
  void anUnmappedClientCertificateIsUnauthenticated() throws Throwable {
    withChannel(GrpcClients.tlsChannel(tlsPort, ca.trustStore(), strangerCert), ch -> {
      assertRefused(() -> stub(ch, null).search(query()), Status.Code.UNAUTHENTICATED, "CN=rollout-x,O=otc is not mapped to a tenant");
      assertRefused(() -> stub(ch, null).getQuota(QuotaRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, "not mapped");
    });
  }

  @Test
  void withoutAClientCertificateACallNeedsABearerToken() throws Throwable {
    withChannel(GrpcClients.tlsChannel(tlsPort, ca.trustStore(), (Path) null), ch -> {
      // the handshake succeeds (the server only requests a certificate), the call is refused
      assertRefused(() -> stub(ch, null).search(query()), Status.Code.UNAUTHENTICATED, "no credential");
      // gRPC health needs no credential, over TLS too
      assertThat(HealthGrpc.newBlockingStub(ch).withDeadlineAfter(30, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance())
          .getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      ToolGatewayBlockingStub beta = stub(ch, BETA);
      assertThat(beta.search(query()).getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
      assertThat(beta.getQuota(QuotaRequest.getDefaultInstance()).getTenant()).isEqualTo("beta");
    });
  }

  @Test
  void aBearerTokenSentWithACertificateDecidesTheTenant() throws Throwable {
    withChannel(GrpcClients.tlsChannel(tlsPort, ca.trustStore(), alphaCert), ch -> {
      ToolGatewayBlockingStub asBeta = stub(ch, BETA);
      ToolGatewayBlockingStub asAlpha = stub(ch, null);
      long alphaBefore = searchTokensLeft(asAlpha.getQuota(QuotaRequest.getDefaultInstance()));
      QuotaResponse betaBefore = asBeta.getQuota(QuotaRequest.getDefaultInstance());
      assertThat(betaBefore.getTenant()).isEqualTo("beta");
      assertThat(asBeta.search(query()).getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
      // charged to beta, not to the certificate's tenant
      assertThat(searchTokensLeft(betaBefore) - searchTokensLeft(asBeta.getQuota(QuotaRequest.getDefaultInstance()))).isEqualTo(1);
      assertThat(searchTokensLeft(asAlpha.getQuota(QuotaRequest.getDefaultInstance()))).isEqualTo(alphaBefore);
      // a wrong token is refused even with a mapped certificate: a bad credential is never ignored
      assertRefused(() -> stub(ch, "not-a-token-of-anyone-123").search(query()), Status.Code.UNAUTHENTICATED, "unknown bearer token");
    });
    // an unmapped certificate admits the connection; the token names the tenant
    withChannel(GrpcClients.tlsChannel(tlsPort, ca.trustStore(), strangerCert), ch ->
        assertThat(stub(ch, BETA).getQuota(QuotaRequest.getDefaultInstance()).getTenant()).isEqualTo("beta"));
  }

  @Test
  void aClientCertificateFromAnUntrustedCaIsNeverItsSubjectsTenant() throws Throwable {
    // Same subject as alpha's certificate, issued by a CA the gateway does not trust. A JDK client does not
    // even offer it (its issuer is not among the authorities the server's certificate request names): the
    // call goes without a certificate
    withChannel(GrpcClients.tlsChannel(tlsPort, ca.trustStore(), forgedAlphaCert), ch ->
        assertRefused(() -> stub(ch, null).getQuota(QuotaRequest.getDefaultInstance()), Status.Code.UNAUTHENTICATED, "no credential"));
    // presented anyway, the server rejects it in the handshake (control: the same key manager with alpha's
    // genuine certificate is served as alpha)
    withChannel(GrpcClients.tlsChannel(tlsPort, ca.trustStore(), TestPki.alwaysPresenting(alphaCert)), ch ->
        assertThat(stub(ch, null).getQuota(QuotaRequest.getDefaultInstance()).getTenant()).isEqualTo("alpha"));
    withChannel(GrpcClients.tlsChannel(tlsPort, ca.trustStore(), TestPki.alwaysPresenting(forgedAlphaCert)), ch ->
        assertRefused(() -> stub(ch, null).getQuota(QuotaRequest.getDefaultInstance()), Status.Code.UNAVAILABLE, null));
  }

  @Test
  void aClientThatDoesNotTrustTheServerFailsTheHandshake() throws Throwable {
    withChannel(GrpcClients.tlsChannel(tlsPort, otherCa.trustStore(), alphaCert), ch ->
        assertRefused(() -> stub(ch, null).getQuota(QuotaRequest.getDefaultInstance()), Status.Code.UNAVAILABLE, null));
  }

  @Test
  void plainTextIsRefused() throws Throwable {
    // plain HTTP/2 to the TLS port: the server reads no TLS record, the connection ends
    withChannel(GrpcClients.channel(tlsPort), ch ->
        assertRefused(() -> stub(ch, BETA).getQuota(QuotaRequest.getDefaultInstance()), Status.Code.UNAVAILABLE, null));
    // the plain-text port is not open at all
    withChannel(GrpcClients.channel(plainPort), ch ->
        assertRefused(() -> stub(ch, BETA).getQuota(QuotaRequest.getDefaultInstance()), Status.Code.UNAVAILABLE, null));
  }
}
