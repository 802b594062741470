package ai.otc.reward.grpc;

import ai.otc.proto.v1.ListOptimalCallsRequest;
import ai.otc.proto.v1.ListOptimalCallsResponse;
import ai.otc.proto.v1.OptimalCallsRequest;
import ai.otc.proto.v1.OptimalCallsResponse;
import ai.otc.proto.v1.RewardStateGrpc;
import ai.otc.reward.config.RewardServiceConfig;
import ai.otc.reward.streams.RewardTopology;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Serves the RewardState gRPC service: {@code GetOptimalCalls} answers a question's current n from
 * the {@code optimal-calls} store. With several instances the store is sharded by question id:
 * Kafka Streams' {@code queryMetadataForKey} names the active owner, and a request for a key owned
 * elsewhere is forwarded over gRPC to the owner's {@code application.server} (the answer's
 * {@code served_by} says who answered). {@code ListOptimalCalls} pages through every instance's
 * entries in question-id order (UTF-8 byte order), for analytics. During a rebalance, when no
 * owner is known yet, calls fail with UNAVAILABLE and may be retried.
 */
@GrpcService
@RegisterInterceptor(ForwardedInterceptor.class)
public class RewardStateGrpcService extends RewardStateGrpc.RewardStateImplBase {

  private static final int DEFAULT_PAGE = 1000;
  private static final Comparator<String> UTF8_ORDER =
      (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

  @Inject KafkaStreams streams;
  @Inject OwnerChannels channels;
  @Inject RewardServiceConfig config;

  @ConfigProperty(name = "quarkus.kafka-streams.application-server")
  Optional<String> applicationServer;

  @Override
  @Blocking
  public void getOptimalCalls(OptimalCallsRequest request, StreamObserver<OptimalCallsResponse> observer) {
    try {
      observer.onNext(lookup(request));
      observer.onCompleted();
    } catch (StatusRuntimeException e) {
      observer.onError(e);
    }
  }

  @Override
  @Blocking
  public void listOptimalCalls(ListOptimalCallsRequest request, StreamObserver<ListOptimalCallsResponse> observer) {
    try {
      observer.onNext(list(request));
      observer.onCompleted();
    } catch (StatusRuntimeException e) {
      observer.onError(e);
    }
  }

  private OptimalCallsResponse lookup(OptimalCallsRequest request) {
    String q = request.getQuestionId();
    if (q.isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription("question_id is required").asRuntimeException();
    }
    KeyQueryMetadata md;
    try {
      md = streams.queryMetadataForKey(RewardTopology.OPTIMAL_CALLS_STORE, q, Serdes.String().serializer());
    } catch (IllegalStateException e) {
      throw unavailable("no metadata for the store yet: " + e.getMessage(), e);
    }
    if (md == null || KeyQueryMetadata.NOT_AVAILABLE.equals(md)) {
      throw unavailable("the owner of question " + q + " is not known yet (starting or rebalancing)", null);
    }
    if (isSelf(md.activeHost())) {
      ReadOnlyKeyValueStore<String, Integer> store = localStore(md.partition());
      try {
        Integer n = store.get(q);
        OptimalCallsResponse.Builder b = OptimalCallsResponse.newBuilder().setQuestionId(q).setServedBy(self());
        if (n != null) {
          b.setN(n);
        }
        return b.build();
      } catch (InvalidStateStoreException e) {
        throw unavailable("store partition " + md.partition() + " is migrating: " + e.getMessage(), e);
      }
    }
    if (ForwardedInterceptor.FORWARDED_BY.get() != null) {
      // A forwarded call must not travel further: ownership changed under us; let the client retry.
      throw unavailable("question " + q + " is owned by " + md.activeHost() + ", not by this instance, after forwarding", null);
    }
    return forwardGet(md.activeHost(), request);
  }

  private ListOptimalCallsResponse list(ListOptimalCallsRequest request) {
    int pageSize = request.getPageSize() > 0 ? request.getPageSize() : DEFAULT_PAGE;
    String after = decodeToken(request.getPageToken());
    if (ForwardedInterceptor.FORWARDED_BY.get() != null) {
      return localPage(after, pageSize);
    }
    TreeMap<String, OptimalCallsResponse> merged = new TreeMap<>(UTF8_ORDER);
    boolean more = false;
    for (StreamsMetadata md : streams.streamsMetadataForStore(RewardTopology.OPTIMAL_CALLS_STORE)) {
      ListOptimalCallsResponse page = isSelf(md.hostInfo()) ? localPage(after, pageSize) : forwardList(md.hostInfo(), request);
      for (OptimalCallsResponse e : page.getEntriesList()) {
        merged.put(e.getQuestionId(), e);
      }
      more |= !page.getNextPageToken().isEmpty();
    }
    ListOptimalCallsResponse.Builder b = ListOptimalCallsResponse.newBuilder();
    String last = null;
    for (OptimalCallsResponse e : merged.values()) {
      if (b.getEntriesCount() == pageSize) {
        more = true;
        break;
      }
      b.addEntries(e);
      last = e.getQuestionId();
    }
    if (more && last != null) {
      b.setNextPageToken(encodeToken(last));
    }
    return b.build();
  }

  /** This instance's entries after {@code after}, in order, at most {@code pageSize}, with a token when more remain. */
  private ListOptimalCallsResponse localPage(String after, int pageSize) {
    TreeMap<String, Integer> page = new TreeMap<>(UTF8_ORDER);
    try (KeyValueIterator<String, Integer> it = localStore(null).all()) {
      // The local view spans several partitions, each sorted on its own: keep the smallest pageSize + 1 overall.
      while (it.hasNext()) {
        KeyValue<String, Integer> kv = it.next();
        if (after != null && UTF8_ORDER.compare(kv.key, after) <= 0) {
          continue;
        }
        page.put(kv.key, kv.value);
        if (page.size() > pageSize + 1) {
          page.pollLastEntry();
        }
      }
    } catch (InvalidStateStoreException e) {
      throw unavailable("local stores are migrating: " + e.getMessage(), e);
    }
    ListOptimalCallsResponse.Builder b = ListOptimalCallsResponse.newBuilder();
    List<String> keys = new ArrayList<>(page.keySet());
    for (int i = 0; i < Math.min(pageSize, keys.size()); i++) {
      b.addEntries(OptimalCallsResponse.newBuilder().setQuestionId(keys.get(i)).setN(page.get(keys.get(i))).setServedBy(self()));
    }
    if (keys.size() > pageSize) {
      b.setNextPageToken(encodeToken(keys.get(pageSize - 1)));
    }
    return b.build();
  }

  private ReadOnlyKeyValueStore<String, Integer> localStore(Integer partition) {
    StoreQueryParameters<ReadOnlyKeyValueStore<String, Integer>> p =
        StoreQueryParameters.fromNameAndType(RewardTopology.OPTIMAL_CALLS_STORE, QueryableStoreTypes.<String, Integer>keyValueStore());
    if (partition != null) {
      p = p.withPartition(partition);
    }
    try {
      return streams.store(p);
    } catch (InvalidStateStoreException e) {
      throw unavailable("store " + RewardTopology.OPTIMAL_CALLS_STORE + " is not queryable here now: " + e.getMessage(), e);
    }
  }

  private OptimalCallsResponse forwardGet(HostInfo owner, OptimalCallsRequest request) {
    try {
      return stub(owner).getOptimalCalls(request);
    } catch (StatusRuntimeException e) {
      throw Status.fromCode(e.getStatus().getCode())
          .withDescription("forwarded to owner " + owner + ": " + e.getStatus().getDescription()).withCause(e).asRuntimeException();
    }
  }

  private ListOptimalCallsResponse forwardList(HostInfo owner, ListOptimalCallsRequest request) {
    try {
      return stub(owner).listOptimalCalls(request);
    } catch (StatusRuntimeException e) {
      throw Status.fromCode(e.getStatus().getCode())
          .withDescription("listing from " + owner + ": " + e.getStatus().getDescription()).withCause(e).asRuntimeException();
    }
  }

  private RewardStateGrpc.RewardStateBlockingStub stub(HostInfo owner) {
    Metadata headers = new Metadata();
    headers.put(ForwardedInterceptor.KEY, self());
    return RewardStateGrpc.newBlockingStub(channels.channel(owner))
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
        .withDeadlineAfter(config.query().forwardDeadline().toMillis(), TimeUnit.MILLISECONDS);
  }

  private boolean isSelf(HostInfo host) {
    // Without application.server there is a single instance, which owns everything.
    return applicationServer.isEmpty() || HostInfo.buildFromEndpoint(applicationServer.get()).equals(host);
  }

  private String self() {
    return applicationServer.orElse("local");
  }

  private static StatusRuntimeException unavailable(String msg, Throwable cause) {
    return Status.UNAVAILABLE.withDescription(msg).withCause(cause).asRuntimeException();
  }

  private static String decodeToken(String token) {
    if (token.isEmpty()) {
      return null;
    }
    try {
      return new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT.withDescription("page_token is not one this service issued").withCause(e).asRuntimeException();
    }
  }

  private static String encodeToken(String lastKey) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(lastKey.getBytes(StandardCharsets.UTF_8));
  }
}
