package ai.otc.cli.tool;

import ai.otc.contract.GrpcMetadata;
import ai.otc.proto.v1.ToolGatewayGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.JdkLoggerFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A plain-text gRPC channel to one gateway with the caller's bearer token on every call ({@link GrpcMetadata}'s
 * {@code authorization} key) and a deadline. One per command run; closing it ends the channel.
 */
final class GatewayClient implements AutoCloseable {
  static {
    // Netty would log through SLF4J (on the classpath for Kafka, with no binding: three warning lines on stderr).
    InternalLoggerFactory.setDefaultFactory(JdkLoggerFactory.INSTANCE);
  }

  private final ManagedChannel channel;
  private final ToolGatewayGrpc.ToolGatewayBlockingStub stub;

  GatewayClient(GatewayAddress address, String token, Duration deadline) {
    this.channel = NettyChannelBuilder.forAddress(address.host(), address.port()).usePlaintext().build();
    Metadata headers = new Metadata();
    headers.put(GrpcMetadata.AUTHORIZATION_KEY, GrpcMetadata.BEARER_PREFIX + token);
    this.stub = ToolGatewayGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The stub, its deadline counting from construction. */
  ToolGatewayGrpc.ToolGatewayBlockingStub stub() {
    return stub;
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the gRPC channel to the gateway did not close within 5 s");
    }
  }
}
