package ai.otc.reward.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Marks RewardState calls that another instance forwarded to this one (metadata
 * {@value #HEADER}), so the receiver answers from its local stores and never forwards again: a
 * rebalance in between yields UNAVAILABLE (the client retries) instead of a forwarding loop.
 */
@ApplicationScoped
public class ForwardedInterceptor implements ServerInterceptor {

  /** Metadata key set by a forwarding instance. */
  public static final String HEADER = "otc-forwarded-by";
  static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<String> FORWARDED_BY = Context.key("otc-forwarded-by");

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
      ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
    String by = headers.get(KEY);
    if (by == null) {
      return next.startCall(call, headers);
    }
    return Contexts.interceptCall(Context.current().withValue(FORWARDED_BY, by), call, headers, next);
  }
}
