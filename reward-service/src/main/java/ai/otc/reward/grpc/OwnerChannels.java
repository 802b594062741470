package ai.otc.reward.grpc;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.state.HostInfo;

/**
 * One plaintext gRPC channel per peer instance (its Kafka Streams {@code application.server},
 * which is its HTTP port: gRPC shares the HTTP server), reused for every forwarded query.
 */
@ApplicationScoped
public class OwnerChannels {

  private final Map<HostInfo, ManagedChannel> channels = new ConcurrentHashMap<>();

  ManagedChannel channel(HostInfo host) {
    return channels.computeIfAbsent(host, h -> ManagedChannelBuilder.forAddress(h.host(), h.port()).usePlaintext().build());
  }

  @PreDestroy
  void close() throws InterruptedException {
    for (ManagedChannel c : channels.values()) {
      c.shutdown();
    }
    for (ManagedChannel c : channels.values()) {
      c.awaitTermination(2, TimeUnit.SECONDS);
    }
  }
}
