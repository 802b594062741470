package ai.otc.gateway.auth;

import ai.otc.contract.GrpcMetadata;
import ai.otc.gateway.health.InFlight;
import ai.otc.gateway.limits.RoutingGuard;
import ai.otc.proto.v1.ToolGatewayGrpc;
import ai.otc.gateway.grpc.StreamResets;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.ForwardingServerCall;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.security.auth.x500.X500Principal;
import org.jboss.logging.Logger;

/**
 * Front of every {@code otc.v1.ToolGateway} RPC: authenticates the caller (bearer token, else verified
 * mTLS client-certificate subject; {@link TenantDirectory#authenticate} says how they combine) and puts the tenant into the gRPC context ({@link Caller#TENANT}); refuses calls
 * without a valid credential with {@code UNAUTHENTICATED}, calls for a tenant another replica owns with
 * {@code UNAVAILABLE} plus the {@link GrpcMetadata#OWNER_REPLICA} trailer, and calls arriving while draining with
 * {@code UNAVAILABLE}. It also counts in-flight calls for the drain. Other services (gRPC health) pass
 * through untouched, so probes need no credential.
 */
@GlobalInterceptor
@ApplicationScoped
public class AuthInterceptor implements ServerInterceptor {
  private static final Logger LOG = Logger.getLogger(AuthInterceptor.class);
  static final Metadata.Key<String> GRPC_TIMEOUT = Metadata.Key.of("grpc-timeout", Metadata.ASCII_STRING_MARSHALLER);
  /** Fires deadline cancellations; one daemon thread is plenty (it only flips a flag and kills a process). */
  private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "grpc-deadlines");
    t.setDaemon(true);
    return t;
  });

  @Inject TenantDirectory tenants;
  @Inject RoutingGuard routing;
  @Inject InFlight inFlight;

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (!ToolGatewayGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
      return next.startCall(call, headers);
    }
    TenantDirectory.Authentication auth = tenants.authenticate(headers.get(GrpcMetadata.AUTHORIZATION_KEY), peerSubject(call));
    Optional<String> tenant = auth.tenantName();
    if (tenant.isEmpty()) {
      LOG.debugf("refused %s: %s", call.getMethodDescriptor().getFullMethodName(), auth.refusal());
      call.close(Status.UNAUTHENTICATED.withDescription(auth.refusal()), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Optional<String> owner = routing.redirect(tenant.get());
    if (owner.isPresent()) {
      Metadata trailers = new Metadata();
      trailers.put(GrpcMetadata.OWNER_REPLICA_KEY, owner.get());
      call.close(Status.UNAVAILABLE.withDescription("tenant " + tenant.get() + " is served by replica " + owner.get()), trailers);
      return new ServerCall.Listener<>() {};
    }
    if (!inFlight.enter()) {
      call.close(Status.UNAVAILABLE.withDescription("gateway is draining; retry on another replica"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    Metadata extra = new Metadata();
    // The bridge of the Quarkus HTTP server gives services no deadline and no cancellation: build both
    // here, so Context listeners (the sandbox kill) fire at the deadline or on a client reset.
    Context base = Context.current().withValues(Caller.TENANT, tenant.get(), Caller.TRAILERS, extra);
    Context.CancellableContext ctx;
    String method = call.getMethodDescriptor().getFullMethodName();
    boolean code = ToolGatewayGrpc.getExecuteCodeMethod().getFullMethodName().equals(method)
        || ToolGatewayGrpc.getBatchExecuteCodeMethod().getFullMethodName().equals(method);
    if (code) {
      // Only a code call runs long enough for a cancel or a deadline to matter (its sandbox must die
      // within a second); a search is answered in well under a millisecond, so it skips the timer and
      // the reset watch (measurable per-call cost).
      long timeout = StreamResets.timeoutNanos(headers.get(GRPC_TIMEOUT));
      Context.CancellableContext c = timeout >= 0
          ? base.withDeadlineAfter(timeout, TimeUnit.NANOSECONDS, DEADLINES)
          : base.withCancellation();
      StreamResets.onReset(call, () -> c.cancel(Status.CANCELLED.withDescription("client reset the stream").asRuntimeException()));
      ctx = c;
    } else {
      ctx = base.withCancellation();
    }
    ServerCall<Q, R> withTrailers = new ForwardingServerCall.SimpleForwardingServerCall<>(call) {
      @Override
      public void close(Status status, Metadata trailers) {
        trailers.merge(extra);
        super.close(status, trailers);
      }
    };
    ServerCall.Listener<Q> delegate;
    try {
      delegate = Contexts.interceptCall(ctx, withTrailers, headers, next);
    } catch (RuntimeException e) {
      ctx.cancel(e);
      inFlight.exit();
      throw e;
    }
    AtomicBoolean done = new AtomicBoolean();
    Runnable finish = () -> {
      if (done.compareAndSet(false, true)) {
        // releases the deadline timer; cancelling a finished call's context is a no-op for it
        ctx.cancel(null);
        inFlight.exit();
      }
    };
    if (code) {
      // A code call past its deadline or reset by the client is over even when the HTTP server never reports it to
      // the listener (StreamResets) and no answer is written (none is, to a stream being reset): without this it
      // stayed in flight for good, and a drain waited for it until its own timeout. (Only a code call's context is
      // cancelled from outside; a search's would add a listener per call for nothing.)
      ctx.addListener(c -> finish.run(), Runnable::run);
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {

      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          finish.run();
        }
      }

      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          finish.run();
        }
      }
    };
  }

  /**
   * The subject of the connection's client certificate, which the TLS handshake has verified against the
   * trust store ({@code quarkus.tls.trust-store.*}); null on a plain-text connection or when the client
   * sent no certificate (the server only requests one: {@code quarkus.http.ssl.client-auth=request}).
   */
  private static X500Principal peerSubject(ServerCall<?, ?> call) {
    SSLSession ssl = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
    if (ssl == null) {
      return null;
    }
    try {
      Certificate[] chain = ssl.getPeerCertificates();
      return chain.length > 0 && chain[0] instanceof X509Certificate x ? x.getSubjectX500Principal() : null;
    } catch (SSLPeerUnverifiedException noClientCertificate) {
      return null;
    }
  }
}
