package ai.otc.gateway.support;

import ai.otc.contract.GrpcMetadata;
import ai.otc.proto.v1.ToolGatewayGrpc;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import java.net.URL;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/** Real Netty channels to the gateway under test on 127.0.0.1 (plaintext HTTP/2, as the rollout uses it). */
public final class GrpcClients {
  public static final String ALPHA = "alpha-token-0123456789";
  public static final String BETA = "beta-token-0123456789";
  public static final String TIGHT = "tight-token-0123456789";

  private GrpcClients() {}

  public static ManagedChannel channel(URL testUrl) {
    return channel(testUrl.getPort());
  }

  public static ManagedChannel channel(int port) {
    return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
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
