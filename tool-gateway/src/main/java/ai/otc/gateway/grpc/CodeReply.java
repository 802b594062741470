package ai.otc.gateway.grpc;

import ai.otc.proto.v1.ExecuteCodeResponse;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.jboss.logging.Logger;

/**
 * Where the answer of one code call goes: the response of an {@code ExecuteCode} RPC ({@link #unary}), or one slot
 * of a {@code BatchExecuteCode} response ({@link BatchCodeReplies}). {@link CodeCalls} answers every call exactly
 * once, with {@link #answer} or {@link #fail}.
 */
interface CodeReply {

  /** The call's response. */
  void answer(ExecuteCodeResponse response);

  /** The call failed (a limit refused it, its sandbox or its metering failed, its first attempt was cancelled). */
  void fail(StatusRuntimeException error);

  /** Whether the caller is gone (cancelled the RPC, or its deadline passed): nobody will read the answer. */
  boolean gone();

  /** Runs {@code leave} once when the caller goes away (at once when it already has). */
  void onGone(Runnable leave);

  /** The reply of a unary {@code ExecuteCode} RPC; made on the RPC's thread (it captures the call's context). */
  static CodeReply unary(StreamObserver<ExecuteCodeResponse> out) {
    ServerCallStreamObserver<ExecuteCodeResponse> sout = (ServerCallStreamObserver<ExecuteCodeResponse>) out;
    Context call = Context.current();
    Logger log = UnaryLog.LOG;
    return new CodeReply() {
      @Override
      public void answer(ExecuteCodeResponse response) {
        try {
          sout.onNext(response);
          sout.onCompleted();
        } catch (RuntimeException gone) {
          log.debugf("code response not delivered: %s", gone);
        }
      }

      @Override
      public void fail(StatusRuntimeException error) {
        try {
          sout.onError(error);
        } catch (RuntimeException gone) {
          log.debugf("code error not delivered: %s", gone);
        }
      }

      @Override
      public boolean gone() {
        return sout.isCancelled() || call.isCancelled();
      }

      @Override
      public void onGone(Runnable leave) {
        // must run on the RPC's thread: gRPC takes the cancel handler only before the handler returns
        sout.setOnCancelHandler(leave);
        call.addListener(c -> leave.run(), Runnable::run);
      }
    };
  }

  /** The logger of {@link #unary} replies, looked up once rather than per call. */
  final class UnaryLog {
    static final Logger LOG = Logger.getLogger(CodeReply.class);

    private UnaryLog() {}
  }
}
