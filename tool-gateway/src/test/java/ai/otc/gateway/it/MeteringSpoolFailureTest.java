package ai.otc.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.gateway.support.GrpcClients;
import ai.otc.proto.v1.BatchSearchRequest;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.SearchRequest;
import ai.otc.proto.v1.ToolGatewayGrpc;
import ai.otc.proto.v1.ToolStatus;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A metering spool that cannot be written, over a real gRPC channel: every tool call (search, batch,
 * code, a retry of the same code {@code call_id}) fails promptly with {@code UNAVAILABLE} naming the
 * metering spool, instead of being answered unmetered or left to its deadline; once the spool directory
 * is back, calls succeed again. The failure is a real one: the spool directory is replaced by a file
 * (as root, {@code chmod} would not stop the writes), and one event per segment makes every call
 * create a segment file in it.
 */
@QuarkusTest
@TestProfile(MeteringSpoolFailureTest.BrokenSpool.class)
class MeteringSpoolFailureTest {
  static final Path SPOOL = Path.of("target", "spool-failure-test-" + ProcessHandle.current().pid()).toAbsolutePath();

  /** This test's own spool directory, one event per segment file. */
  public static final class BrokenSpool implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("otc.gateway.metering.spool-dir", SPOOL.toString(), "otc.gateway.metering.segment-events", "1");
    }
  }

  @TestHTTPResource URL url;

  private static void assertMeteringUnavailable(Runnable call) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
      assertThat(e.getStatus().getDescription()).contains("metering spool " + SPOOL).contains("otc.gateway.metering.spool-dir");
    });
  }

  private static void deleteTree(Path p) throws Exception {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path f : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(f);
      }
    }
  }

  @Test
  void aSpoolThatCannotBeWrittenFailsEveryToolCallPromptlyUntilItIsBack() throws Exception {
    ManagedChannel ch = GrpcClients.channel(url);
    try {
      var alpha = GrpcClients.stub(ch, GrpcClients.ALPHA).withDeadlineAfter(30, TimeUnit.SECONDS);
      SearchRequest q = SearchRequest.newBuilder().setQuery("paris").setTopK(3).build();
      assertThat(alpha.search(q).getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);

      deleteTree(SPOOL);
      Files.writeString(SPOOL, "not a directory");

      assertMeteringUnavailable(() -> alpha.search(q));
      assertMeteringUnavailable(() -> alpha.batchSearch(BatchSearchRequest.newBuilder().addRequests(q).build()));
      // The program runs, then its event cannot be spooled: the caller gets the error, not its deadline.
      ExecuteCodeRequest code = ExecuteCodeRequest.newBuilder().setCode("print(6 * 7)").setCallId("spool-failure:1").build();
      long t0 = System.nanoTime();
      assertMeteringUnavailable(() -> alpha.executeCode(code));
      // The failed call gave its call_id up: a retry runs again (and fails again), it does not wait forever.
      assertMeteringUnavailable(() -> alpha.executeCode(code));
      assertThat((System.nanoTime() - t0) / 1_000_000).as("ms for two failed code calls").isLessThan(20_000);

      Files.delete(SPOOL);
      Files.createDirectories(SPOOL);
      assertThat(alpha.search(q).getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
      var ok = alpha.executeCode(code);
      assertThat(ok.getStdout()).isEqualTo("42\n");
      assertThat(ok.getReplayed()).as("the failed attempts left no result to replay").isFalse();
      try (Stream<Path> s = Files.list(SPOOL)) {
        assertThat(s.count()).as("the two events since, spooled (no broker in tests)").isEqualTo(2);
      }
    } finally {
      GrpcClients.close(ch);
    }
  }
}
