package ai.otc.gateway.auth;

import io.grpc.Context;
import io.grpc.Metadata;

/**
 * The authenticated tenant of the current gRPC call, set by {@link AuthInterceptor} for every
 * {@code ToolGateway} RPC. Services read the tenant only from here, never from a request body.
 */
public final class Caller {
  /** gRPC context key holding the tenant. */
  public static final Context.Key<String> TENANT = Context.key("otc-tenant");

  /** gRPC context key holding trailers the service adds to a successful response (merged at close). */
  static final Context.Key<Metadata> TRAILERS = Context.key("otc-extra-trailers");

  private Caller() {}

  /** Trailers to send with the current call's status, also on success (e.g. retry-after of a partly refused batch). */
  public static Metadata trailers() {
    Metadata m = TRAILERS.get();
    if (m == null) {
      throw new IllegalStateException("no trailer holder in the gRPC context");
    }
    return m;
  }

  /** The current call's tenant; throws when called outside an authenticated call (a wiring bug). */
  public static String tenant() {
    String t = TENANT.get();
    if (t == null) {
      throw new IllegalStateException("no authenticated tenant in the gRPC context");
    }
    return t;
  }
}
