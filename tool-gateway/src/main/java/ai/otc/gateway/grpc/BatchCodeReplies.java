package ai.otc.gateway.grpc;

import ai.otc.contract.GrpcMetadata;
import ai.otc.gateway.auth.Caller;
import ai.otc.proto.v1.BatchExecuteCodeResponse;
import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.ToolStatus;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * The answers of one {@code BatchExecuteCode} RPC: one {@link CodeReply} slot per call, and the response, in request
 * order, sent when the last slot is answered. A failed call is answered in place: refused by a limit, status
 * {@code RATE_LIMITED} (the trailer {@code retry-after-ms} carries the longest wait of the refused calls); any other
 * failure (sandbox, metering, a cancelled first attempt of its call id), status {@code UNAVAILABLE} with the reason as
 * observation. The RPC's cancellation or deadline reaches every slot's {@link CodeReply#onGone} action.
 *
 * <p>Made on the RPC's thread (it registers the cancel handler and captures the call's context and trailers there).
 */
final class BatchCodeReplies {
  private static final Logger LOG = Logger.getLogger(BatchCodeReplies.class);

  private final ServerCallStreamObserver<BatchExecuteCodeResponse> out;
  private final Context call;
  private final Metadata trailers;
  private final ExecuteCodeResponse[] slots;
  private final AtomicInteger unanswered;
  private final List<Runnable> leaves = new ArrayList<>();
  private boolean left;
  private long retryAfterMs = -1;

  BatchCodeReplies(int n, StreamObserver<BatchExecuteCodeResponse> out) {
    this.out = (ServerCallStreamObserver<BatchExecuteCodeResponse>) out;
    this.call = Context.current();
    this.trailers = Caller.trailers();
    this.slots = new ExecuteCodeResponse[n];
    this.unanswered = new AtomicInteger(n);
    this.out.setOnCancelHandler(this::leaveAll);
    call.addListener(c -> leaveAll(), Runnable::run);
  }

  /** The reply of the {@code i}-th call. */
  CodeReply slot(int i) {
    return new CodeReply() {
      @Override
      public void answer(ExecuteCodeResponse response) {
        fill(i, response, -1);
      }

      @Override
      public void fail(StatusRuntimeException error) {
        Status s = error.getStatus();
        if (s.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
          fill(i, ExecuteCodeResponse.newBuilder().setStatus(ToolStatus.TOOL_STATUS_RATE_LIMITED)
              .setObservation(describe(s)).build(), retryAfterMs(error));
        } else {
          fill(i, ExecuteCodeResponse.newBuilder().setStatus(ToolStatus.TOOL_STATUS_UNAVAILABLE)
              .setObservation(describe(s)).build(), -1);
        }
      }

      @Override
      public boolean gone() {
        return out.isCancelled() || call.isCancelled();
      }

      @Override
      public void onGone(Runnable leave) {
        boolean now;
        synchronized (leaves) {
          now = left;
          if (!now) {
            leaves.add(leave);
          }
        }
        if (now) {
          leave.run();
        }
      }
    };
  }

  private void fill(int i, ExecuteCodeResponse r, long retryMs) {
    synchronized (slots) {
      if (slots[i] != null) {
        throw new IllegalStateException("code call " + i + " of a batch answered twice");
      }
      slots[i] = r;
      retryAfterMs = Math.max(retryAfterMs, retryMs);
    }
    if (unanswered.decrementAndGet() == 0) {
      send();
    }
  }

  private void send() {
    BatchExecuteCodeResponse.Builder b = BatchExecuteCodeResponse.newBuilder();
    long retry;
    synchronized (slots) {
      for (ExecuteCodeResponse r : slots) {
        b.addResponses(r);
      }
      retry = retryAfterMs;
    }
    try {
      if (retry >= 0) {
        trailers.put(GrpcMetadata.RETRY_AFTER_MS_KEY, Long.toString(retry));
      }
      out.onNext(b.build());
      out.onCompleted();
    } catch (RuntimeException gone) {
      LOG.debugf("batch code response not delivered: %s", gone);
    }
  }

  private void leaveAll() {
    List<Runnable> todo;
    synchronized (leaves) {
      if (left) {
        return;
      }
      left = true;
      todo = List.copyOf(leaves);
      leaves.clear();
    }
    todo.forEach(Runnable::run);
  }

  private static long retryAfterMs(StatusRuntimeException e) {
    String v = e.getTrailers() == null ? null : e.getTrailers().get(GrpcMetadata.RETRY_AFTER_MS_KEY);
    if (v == null) {
      return 1;
    }
    try {
      return Math.max(1, Long.parseLong(v));
    } catch (NumberFormatException bad) {
      return 1;
    }
  }

  private static String describe(Status s) {
    return s.getCode() + (s.getDescription() == null ? "" : ": " + s.getDescription());
  }
}
