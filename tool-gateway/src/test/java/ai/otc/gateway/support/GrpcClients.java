package ai.otc.gateway.support;

import ai.otc.contract.GrpcMetadata;
import ai.otc.proto.v1.ToolGatewayGrpc;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.Executor;
import javax.net.ssl.KeyManager;
import java.util.concurrent.TimeUnit;

/**
 * Real Netty channels to the gateway under test on 127.0.0.1: plaintext HTTP/2 (as the rollout uses it) or
 * TLS with an optional client certificate ({@link #tlsChannel}).
 */
public final class GrpcClients {
  public static final String ALPHA = "alpha-token-0123456789";
  public static final String BETA = "beta-token-0123456789";
  public static final String TIGHT = "tight-token-0123456789";
  public static final String BATCHER = "batcher-token-0123456789";

  private GrpcClients() {}

  public static ManagedChannel channel(URL testUrl) {
    return channel(testUrl.getPort());
  }

  public static ManagedChannel channel(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
  }

  /**
   * A TLS channel to 127.0.0.1 (the server's certificate must name that address) trusting the certificates of
   * {@code trustStore}, presenting the key and chain of {@code clientKeyStore} when not null (PKCS12 files of
   * {@link TestPki}).
   */
  public static ManagedChannel tlsChannel(int port, Path trustStore, Path clientKeyStore) throws IOException, GeneralSecurityException {
    return tlsChannel(port, trustStore, clientKeyStore == null ? (KeyManager[]) null : TestPki.keyManagers(clientKeyStore).getKeyManagers());
  }

  /** A TLS channel as above, whose client certificate (if any) the given key managers choose. */
  public static ManagedChannel tlsChannel(int port, Path trustStore, KeyManager[] client) throws IOException, GeneralSecurityException {
    TlsChannelCredentials.Builder creds = TlsChannelCredentials.newBuilder().trustManager(TestPki.trustManagers(trustStore).getTrustManagers());
    if (client != null) {
      creds.keyManager(client);
    }
    return NettyChannelBuilder.forAddress("127.0.0.1", port, creds.build()).build();
  }

  public static ToolGatewayGrpc.ToolGatewayBlockingStub stub(ManagedChannel ch, String token) {
    ToolGatewayGrpc.ToolGatewayBlockingStub s = ToolGatewayGrpc.newBlockingStub(ch);
    return token == null ? s : s.withCallCredentials(bearer(token));
  }

  public static CallCredentials bearer(String token) {
    return new CallCredentials() {
      @Override
      public void applyRequestMetadata(RequestInfo info, Executor ex, MetadataApplier applier) {
        Metadata m = new Metadata();
        m.put(GrpcMetadata.AUTHORIZATION_KEY, GrpcMetadata.BEARER_PREFIX + token);
        applier.apply(m);
      }
    };
  }

  public static void close(ManagedChannel ch) throws InterruptedException {
    ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
