package ai.otc.gateway.grpc;

import io.grpc.ServerCall;
import io.vertx.core.http.StreamResetException;
import io.vertx.grpc.server.GrpcServerRequest;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Client cancellation and deadlines for gRPC on the Quarkus HTTP server
 * ({@code quarkus.grpc.server.use-separate-server=false}).
 *
 * <p>That server runs grpc-java services through Vert.x's {@code GrpcServiceBridge}, which neither
 * creates a deadline {@code Context} from {@code grpc-timeout} nor reports an HTTP/2 RST_STREAM that
 * arrives after the client half-closed (every unary call): Vert.x hands that reset only to the
 * response's exception handler, which the bridge does not watch. {@code ExecuteCode} must kill its
 * sandbox within a second of a cancel, so the gateway watches for it here: {@link #timeoutNanos} reads
 * the deadline header, and {@link #onReset} finds the bridge's Vert.x request behind the (possibly
 * wrapped) {@link ServerCall} and registers the response exception handler. Reflection is confined to
 * this class; when the bridge's shape changes it logs once and cancellation falls back to the deadline
 * alone (tested by {@code ToolGatewayGrpcTest.aCancelledCallKillsItsSandbox}).
 */
public final class StreamResets {
  private static final Logger LOG = Logger.getLogger(StreamResets.class);
  private static volatile boolean warned;

  private StreamResets() {}

  /** The deadline of a {@code grpc-timeout} header value in nanoseconds, or -1 when absent or malformed. */
  public static long timeoutNanos(String header) {
    if (header == null || header.length() < 2 || header.length() > 9) {
      return -1;
    }
    long v;
    try {
      v = Long.parseLong(header.substring(0, header.length() - 1));
    } catch (NumberFormatException e) {
      return -1;
    }
    return switch (header.charAt(header.length() - 1)) {
      case 'H' -> TimeUnit.HOURS.toNanos(v);
      case 'M' -> TimeUnit.MINUTES.toNanos(v);
      case 'S' -> TimeUnit.SECONDS.toNanos(v);
      case 'm' -> TimeUnit.MILLISECONDS.toNanos(v);
      case 'u' -> TimeUnit.MICROSECONDS.toNanos(v);
      case 'n' -> v;
      default -> -1;
    };
  }

  /** Runs {@code action} (on a Vert.x thread) when the client resets the call's stream; false when it cannot watch. */
  public static boolean onReset(ServerCall<?, ?> call, Runnable action) {
    try {
      GrpcServerRequest<?, ?> req = request(call);
      if (req == null) {
        warnOnce("no Vert.x gRPC request behind " + call.getClass().getName());
        return false;
      }
      req.response().exceptionHandler(t -> {
        if (t instanceof StreamResetException) {
          action.run();
        }
      });
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      warnOnce(e.toString());
      return false;
    }
  }

  /** Per call class: its {@code req} field (the bridge) or its {@code delegate()} method (a wrapper), looked up once. */
  private record Access(Field req, Method delegate) {}

  private static final ClassValue<Access> ACCESS = new ClassValue<>() {
    @Override
    protected Access computeValue(Class<?> k) {
      Field req = field(k, "req");
      if (req != null && GrpcServerRequest.class.isAssignableFrom(req.getType())) {
        req.setAccessible(true);
        return new Access(req, null);
      }
      Method delegate = method(k, "delegate");
      if (delegate != null) {
        delegate.setAccessible(true);
      }
      return new Access(null, delegate);
    }
  };

  private static GrpcServerRequest<?, ?> request(Object call) throws ReflectiveOperationException {
    Object c = call;
    for (int depth = 0; depth < 8 && c != null; depth++) {
      Access a = ACCESS.get(c.getClass());
      if (a.req() != null) {
        return (GrpcServerRequest<?, ?>) a.req().get(c);
      }
      if (a.delegate() == null) {
        return null;
      }
      c = a.delegate().invoke(c);
    }
    return null;
  }

  private static Field field(Class<?> k, String name) {
    for (Class<?> x = k; x != null; x = x.getSuperclass()) {
      try {
        return x.getDeclaredField(name);
      } catch (NoSuchFieldException e) {
        // look further up
      }
    }
    return null;
  }

  private static Method method(Class<?> k, String name) {
    for (Class<?> x = k; x != null; x = x.getSuperclass()) {
      try {
        return x.getDeclaredMethod(name);
      } catch (NoSuchMethodException e) {
        // look further up
      }
    }
    return null;
  }

  private static void warnOnce(String why) {
    if (!warned) {
      warned = true;
      LOG.warnf("cannot watch gRPC stream resets (%s): a cancelled call without a deadline runs to its own time limit", why);
    }
  }
}
