package ai.otc.gateway.cache;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.proto.v1.ExecuteCodeResponse;
import ai.otc.proto.v1.ToolStatus;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The idempotency store: keys per tenant, and bounded by the bytes of the results it remembers. */
class IdempotencyStoreTest {
  private static final long MIB = 1 << 20;

  private static ExecuteCodeResponse result(String stdout) {
    return ExecuteCodeResponse.newBuilder().setStatus(ToolStatus.TOOL_STATUS_OK).setStdout(stdout).build();
  }

  @Test
  void anotherTenantsCallIdIsAnotherCall() {
    IdempotencyStore s = new IdempotencyStore(MIB, Duration.ofHours(1));
    CompletableFuture<ExecuteCodeResponse> a = new CompletableFuture<>();
    assertThat(s.claim("alpha", "traj-1:0", a)).isNull();
    s.complete("alpha", "traj-1:0", a, result("alpha's output"));
    // beta with alpha's call id claims its own call, and so runs it
    CompletableFuture<ExecuteCodeResponse> b = new CompletableFuture<>();
    assertThat(s.claim("beta", "traj-1:0", b)).isNull();
    // alpha's retry replays alpha's result
    assertThat(s.claim("alpha", "traj-1:0", new CompletableFuture<>()).join().getStdout()).isEqualTo("alpha's output");
  }

  @Test
  void rememberedResultsStayUnderTheByteBound() {
    IdempotencyStore s = new IdempotencyStore(MIB, Duration.ofHours(1));
    String big = "y".repeat(64 * 1024);
    int n = 200;
    for (int i = 0; i < n; i++) {
      CompletableFuture<ExecuteCodeResponse> f = new CompletableFuture<>();
      assertThat(s.claim("alpha", "call-" + i, f)).isNull();
      s.complete("alpha", "call-" + i, f, result(big));
      assertThat(s.bytes()).isLessThanOrEqualTo(MIB);
    }
    // Counted independently of the estimate: at most 16 results of 64 KiB fit in 1 MiB. (Had the entries
    // kept the weight of the empty claim they started as, all 200 would still be there.)
    int remembered = 0;
    for (int i = 0; i < n; i++) {
      CompletableFuture<ExecuteCodeResponse> probe = new CompletableFuture<>();
      if (s.claim("alpha", "call-" + i, probe) != null) {
        remembered++;
      } else {
        s.release("alpha", "call-" + i, probe, new IllegalStateException("probe only"));
      }
    }
    assertThat(remembered).isBetween(8, 15);
  }

  @Test
  void aReleasedClaimLetsTheRetryRun() {
    IdempotencyStore s = new IdempotencyStore(MIB, Duration.ofHours(1));
    CompletableFuture<ExecuteCodeResponse> f = new CompletableFuture<>();
    assertThat(s.claim("alpha", "c", f)).isNull();
    s.release("alpha", "c", f, new IllegalStateException("refused"));
    assertThat(f).isCompletedExceptionally();
    assertThat(s.claim("alpha", "c", new CompletableFuture<>())).isNull();
    assertThat(s.bytes()).isPositive();
  }
}
