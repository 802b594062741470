package ai.otc.rollout.gateway;

import ai.otc.policy.tools.CodeCall;
import ai.otc.policy.tools.CodeOutcome;
import ai.otc.policy.tools.SearchCall;
import ai.otc.policy.tools.SearchOutcome;
import ai.otc.policy.tools.ToolBackend;
import io.grpc.ManagedChannel;
import java.util.List;

/**
 * A {@link ToolBackend} over the tool gateway's gRPC API ({@code otc.v1.ToolGateway}). Skeleton: see the module README.
 */
public final class GatewayToolBackend implements ToolBackend {
  private final ManagedChannel channel;
  private final GatewayClientConfig config;
  private final GatewayStats stats = new GatewayStats();
  private final boolean ownsChannel;

  /** A client over a channel the caller owns (not shut down by {@link #close()}). */
  public GatewayToolBackend(ManagedChannel channel, GatewayClientConfig config) {
    this(channel, config, false);
  }

  private GatewayToolBackend(ManagedChannel channel, GatewayClientConfig config, boolean ownsChannel) {
    this.channel = channel;
    this.config = config;
    this.ownsChannel = ownsChannel;
  }

  /** A client with its own plain-text channel to {@code host:port}, shut down by {@link #close()}. */
  public static GatewayToolBackend connect(String target, GatewayClientConfig config) {
    throw new UnsupportedOperationException("skeleton");
  }

  @Override
  public List<Hit> search(String query, int topK) {
    throw new UnsupportedOperationException("skeleton");
  }

  @Override
  public Execution execute(String program) {
    throw new UnsupportedOperationException("skeleton");
  }

  @Override
  public List<SearchOutcome> searchBatch(List<SearchCall> calls) {
    throw new UnsupportedOperationException("skeleton");
  }

  @Override
  public List<CodeOutcome> executeBatch(List<CodeCall> calls) {
    throw new UnsupportedOperationException("skeleton");
  }

  /** The client's counters. */
  public GatewayStats stats() {
    return stats;
  }

  @Override
  public String name() {
    return "gateway";
  }

  @Override
  public void close() {
    if (ownsChannel) {
      channel.shutdownNow();
    }
  }
}
