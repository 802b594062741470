package ai.otc.reward.grpc;

import ai.otc.proto.v1.ListOptimalCallsRequest;
import ai.otc.proto.v1.ListOptimalCallsResponse;
import ai.otc.proto.v1.OptimalCallsRequest;
import ai.otc.proto.v1.OptimalCallsResponse;
import ai.otc.proto.v1.RewardStateGrpc;
import ai.otc.reward.pipeline.OptimalCallTable;
import ai.otc.reward.pipeline.RewardStream;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Serves the RewardState gRPC service from this instance's {@link OptimalCallTable}:
 * {@code GetOptimalCalls} answers a question's current n, {@code ListOptimalCalls} pages through
 * every question in id order ({@link String#compareTo} order), for analytics. The table is
 * replicated, not sharded: every instance reads the whole optimal-calls changelog, so whichever
 * instance a call reaches owns every key and answers it itself ({@code served_by} names it). An
 * instance answers UNAVAILABLE until its first restore of the table has finished.
 */
@GrpcService
public class RewardStateGrpcService extends RewardStateGrpc.RewardStateImplBase {

  private static final int DEFAULT_PAGE = 1000;
  private static final int MAX_PAGE = 100_000;

  @Inject RewardStream stream;

  @Override
  public void getOptimalCalls(OptimalCallsRequest request, StreamObserver<OptimalCallsResponse> observer) {
    try {
      String q = request.getQuestionId();
      if (q.isEmpty()) {
        throw Status.INVALID_ARGUMENT.withDescription("question_id is required").asRuntimeException();
      }
      requireRestored();
      OptionalInt n = stream.table().get(q);
      OptimalCallsResponse.Builder b = OptimalCallsResponse.newBuilder().setQuestionId(q).setServedBy(stream.instanceId());
      n.ifPresent(b::setN);
      observer.onNext(b.build());
      observer.onCompleted();
    } catch (StatusRuntimeException e) {
      observer.onError(e);
    }
  }

  @Override
  @Blocking // up to 100,000 entries per page: not on the event loop
  public void listOptimalCalls(ListOptimalCallsRequest request, StreamObserver<ListOptimalCallsResponse> observer) {
    try {
      if (request.getPageSize() < 0 || request.getPageSize() > MAX_PAGE) {
        throw Status.INVALID_ARGUMENT.withDescription("page_size must be in [0, " + MAX_PAGE + "], got " + request.getPageSize())
            .asRuntimeException();
      }
      int pageSize = request.getPageSize() > 0 ? request.getPageSize() : DEFAULT_PAGE;
      String after = decodeToken(request.getPageToken());
      requireRestored();
      // One more than asked tells whether another page follows.
      List<Map.Entry<String, Integer>> page = stream.table().page(after, pageSize + 1);
      ListOptimalCallsResponse.Builder b = ListOptimalCallsResponse.newBuilder();
      for (int i = 0; i < Math.min(pageSize, page.size()); i++) {
        Map.Entry<String, Integer> e = page.get(i);
        b.addEntries(OptimalCallsResponse.newBuilder().setQuestionId(e.getKey()).setN(e.getValue()).setServedBy(stream.instanceId()));
      }
      if (page.size() > pageSize) {
        b.setNextPageToken(encodeToken(page.get(pageSize - 1).getKey()));
      }
      observer.onNext(b.build());
      observer.onCompleted();
    } catch (StatusRuntimeException e) {
      observer.onError(e);
    }
  }

  private void requireRestored() {
    if (!stream.status().tableRestored()) {
      throw Status.UNAVAILABLE.withDescription("the optimal-call table is still being restored (state "
          + stream.status().state() + "); retry shortly").asRuntimeException();
    }
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
