package ai.otc.cli.tool;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.cli.OtcProcess;
import ai.otc.cli.OtcProcess.Run;
import java.time.Duration;
import java.util.HashMap;
import ai.otc.testkit.Ports;
import ai.otc.testkit.process.ServiceProcess;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./otc tool search|code} through the real launcher script against the real packaged gateway
 * ({@code tool-gateway/target/quarkus-app}, a child process on a free port of 127.0.0.1, over a real plain-text gRPC
 * channel): a search returns the passage the tiny corpus holds for the query, a program's output and failures come
 * back with their status, a bad token is UNAUTHENTICATED, a tenant with a 1-per-hour bucket is refused with
 * RESOURCE_EXHAUSTED and a retry-after of about an hour, an unreachable gateway is UNAVAILABLE, each with its exit
 * code, and bad flags are one line naming the flag. No broker: the gateway serves and spools its usage events.
 */
class ToolCommandIT {
  private static final String ALPHA = "alpha-cli-token-0123456789";
  private static final String TIGHT = "tight-cli-token-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path tmp;
  static ServiceProcess gateway;

  @BeforeAll
  static void startGateway() throws Exception {
    Path corpus = tmp.resolve("corpus.jsonl");
    Files.writeString(corpus, String.join("\n",
        "{\"id\":\"p-quagga\",\"title\":\"Quagga\",\"text\":\"The quagga was a plains zebra with stripes only on the front of its body.\"}",
        "{\"id\":\"p-rhine\",\"title\":\"Rhine\",\"text\":\"The Rhine is a river that flows from the Alps to the North Sea.\"}",
        "{\"id\":\"p-franks\",\"title\":\"Charlemagne\",\"text\":\"Charlemagne was king of the Franks and emperor of the Romans.\"}",
        "{\"id\":\"p-grevy\",\"title\":\"Grevy's zebra\",\"text\":\"Grevy's zebra is the largest living wild equid, with narrow stripes.\"}",
        ""));
    Map<String, String> p = new LinkedHashMap<>();
    // Nothing listens there: the gateway starts without a broker and spools its usage events.
    p.put("kafka.bootstrap.servers", "127.0.0.1:" + Ports.free());
    p.put("otc.gateway.search.corpus", corpus.toString());
    p.put("otc.gateway.search.index-dir", tmp.resolve("index").toString());
    p.put("otc.gateway.metering.spool-dir", tmp.resolve("spool").toString());
    p.put("otc.gateway.metering.source", "/tool-gateway/otc-cli-it");
    p.put("otc.gateway.auth.tenants.alpha.token", ALPHA);
    p.put("otc.gateway.auth.tenants.tight.token", TIGHT);
    p.put("otc.gateway.limits.tenants.tight.search.rate", "1");
    p.put("otc.gateway.limits.tenants.tight.search.period", "1h");
    p.put("otc.gateway.limits.tenants.tight.search.burst", "1");
    // A uid pool of its own: other modules' sandbox tests may run at the same time on this host.
    p.put("otc.gateway.code.uid-base", "67000");
    p.put("otc.gateway.code.slots", "2");
    gateway = ServiceProcess.builder()
        .name("otc-tool-it")
        .jvmOptions("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED")
        .logDir(Path.of("target", "it-logs").toAbsolutePath())
        .properties(p)
        .startAndAwaitReady();
  }

  @AfterAll
  static void stopGateway() throws InterruptedException {
    if (gateway != null) {
      gateway.close();
    }
  }

  /** {@code ./otc args…} with {@code stdin}; {@code tokenEnv} is OTC_GATEWAY_TOKEN (null: unset). */
  private static Run otc(String stdin, String tokenEnv, String... args) throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put(GatewayOptions.TOKEN_ENV, tokenEnv);
    return OtcProcess.run(stdin, null, env, Duration.ofSeconds(60), args);
  }

  private static String gw() {
    return gateway.endpoint();
  }

  @Test
  void searchPrintsTheExpectedPassagesAndTheStatus() throws Exception {
    Run r = otc("", null, "tool", "search", "--gateway", gw(), "--token", ALPHA, "--top-k", "2", "quagga", "stripes");
    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    // Only p-quagga has both words, only p-grevy has one of them besides it.
    assertThat(lines.get(0)).startsWith("1. [p-quagga] Quagga (score ");
    assertThat(lines.get(1)).contains("plains zebra with stripes");
    assertThat(lines.get(2)).startsWith("2. [p-grevy] Grevy's zebra (score ");
    assertThat(lines.get(lines.size() - 1)).startsWith("status: OK, tool status: OK, passages: 2, cache hit: false");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void jsonOutputAndTheTokenFromTheEnvironmentWhichTheFlagOverrides() throws Exception {
    Run env = otc("", ALPHA, "tool", "search", "--gateway", gw(), "--json", "--top-k", "1", "king of the Franks");
    assertThat(env.exit()).as(env.err()).isZero();
    JsonNode j = JSON.readTree(env.out());
    assertThat(j.path("grpc_status").asText()).isEqualTo("OK");
    assertThat(j.path("response").path("passages")).hasSize(1);
    assertThat(j.path("response").path("passages").get(0).path("id").asText()).isEqualTo("p-franks");
    assertThat(j.path("response").path("status").asText()).isEqualTo("TOOL_STATUS_OK");

    Run flagWins = otc("", "not-a-valid-token-at-all", "tool", "search", "--gateway", gw(), "--token", ALPHA, "rhine river");
    assertThat(flagWins.exit()).as(flagWins.err()).isZero();
    assertThat(flagWins.out()).startsWith("1. [p-rhine] Rhine");
  }

  @Test
  void codePrintsTheProgramsOutputAndStatus() throws Exception {
    Run ok = otc("print(6 * 7)\n", null, "tool", "code", "--gateway", gw(), "--token", ALPHA);
    assertThat(ok.exit()).as(ok.err()).isZero();
    assertThat(ok.out()).startsWith("stdout:\n42\nstderr: (empty)\n").doesNotContain("observation:");
    assertThat(ok.out()).contains("status: OK, tool status: OK, exit code: 0, wall: ");

    Run failing = otc("import sys\nprint('half', flush=True)\nprint('bad input', file=sys.stderr)\nsys.exit(3)\n", null,
        "tool", "code", "--gateway", gw(), "--token", ALPHA);
    assertThat(failing.exit()).as("the gateway answered: the program's failure is in the output").isZero();
    assertThat(failing.out()).contains("stdout:\nhalf\n").contains("stderr:\nbad input\n")
        .contains("tool status: ERROR, exit code: 3,");

    Run slow = otc("import time\ntime.sleep(30)\n", null, "tool", "code", "--gateway", gw(), "--token", ALPHA, "--time-limit", "1s");
    assertThat(slow.exit()).as(slow.err()).isZero();
    assertThat(slow.out()).contains("tool status: TIMEOUT").contains("observation:");

    String program = "import random\nprint(random.random())\n";
    Run first = otc(program, ALPHA, "tool", "code", "--gateway", gw(), "--call-id", "cli-it-1");
    Run retry = otc(program, ALPHA, "tool", "code", "--gateway", gw(), "--call-id", "cli-it-1");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(retry.exit()).as(retry.err()).isZero();
    assertThat(first.out()).contains("replayed: false");
    assertThat(retry.out()).contains("replayed: true");
    assertThat(retry.out().lines().skip(1).findFirst()).isEqualTo(first.out().lines().skip(1).findFirst());
  }

  @Test
  void aBadTokenIsUnauthenticated() throws Exception {
    Run r = otc("", null, "tool", "search", "--gateway", gw(), "--token", "wrong-token-0123456789", "rhine");
    assertThat(r.exit()).isEqualTo(ExitCode.AUTH).isEqualTo(5);
    assertThat(r.err()).startsWith("otc tool search: UNAUTHENTICATED");
    assertThat(r.out()).isEmpty();
    Run code = otc("print(1)\n", null, "tool", "code", "--gateway", gw(), "--token", "wrong-token-0123456789");
    assertThat(code.exit()).isEqualTo(5);
    assertThat(code.err()).startsWith("otc tool code: UNAUTHENTICATED");
  }

  @Test
  void overTheRateLimitIsResourceExhaustedWithTheRetryAfter() throws Exception {
    Run first = otc("", TIGHT, "tool", "search", "--gateway", gw(), "quagga");
    assertThat(first.exit()).as(first.err()).isZero();
    Run second = otc("", TIGHT, "tool", "search", "--gateway", gw(), "quagga");
    assertThat(second.exit()).isEqualTo(ExitCode.REFUSED).isEqualTo(3);
    assertThat(second.err().lines()).hasSize(1);
    Matcher m = Pattern.compile("^otc tool search: RESOURCE_EXHAUSTED: .* \\(retry-after-ms: (\\d+)\\)$").matcher(second.err().strip());
    assertThat(m.matches()).as(second.err()).isTrue();
    // The bucket refills 1 token per hour and was emptied seconds ago.
    assertThat(Long.parseLong(m.group(1))).isBetween(3_400_000L, 3_600_000L);

    Run json = otc("", TIGHT, "tool", "search", "--gateway", gw(), "--json", "quagga");
    assertThat(json.exit()).isEqualTo(3);
    JsonNode j = JSON.readTree(json.out());
    assertThat(j.path("grpc_status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(j.path("retry_after_ms").asLong()).isBetween(3_400_000L, 3_600_000L);
    assertThat(j.path("exit_code").asInt()).isEqualTo(3);
  }

  @Test
  void anUnreachableGatewayIsUnavailable() throws Exception {
    Run r = otc("", null, "tool", "search", "--gateway", "127.0.0.1:" + Ports.free(), "--token", ALPHA, "--timeout", "10s", "rhine");
    assertThat(r.exit()).isEqualTo(ExitCode.UNAVAILABLE).isEqualTo(4);
    assertThat(r.err()).startsWith("otc tool search: UNAVAILABLE").contains("Connection refused");
  }

  @Test
  void badFlagsAreOneLineNamingTheFlag() throws Exception {
    Run noGateway = otc("", null, "tool", "search", "--token", ALPHA, "rhine");
    assertThat(noGateway.exit()).isEqualTo(2);
    assertThat(noGateway.err().lines()).hasSize(1);
    assertThat(noGateway.err()).contains("--gateway");

    Run badGateway = otc("", null, "tool", "search", "--gateway", "localhost", "--token", ALPHA, "rhine");
    assertThat(badGateway.exit()).isEqualTo(2);
    assertThat(badGateway.err()).contains("--gateway").contains("HOST:PORT").contains("'localhost'");

    Run noToken = otc("", null, "tool", "search", "--gateway", gw(), "rhine");
    assertThat(noToken.exit()).isEqualTo(2);
    assertThat(noToken.err()).contains("--token").contains(GatewayOptions.TOKEN_ENV);

    Run badTimeout = otc("", null, "tool", "code", "--gateway", gw(), "--token", ALPHA, "--timeout", "soon");
    assertThat(badTimeout.exit()).isEqualTo(2);
    assertThat(badTimeout.err().lines()).hasSize(1);
    assertThat(badTimeout.err()).contains("--timeout").contains("'soon'");

    Run noProgram = otc("", null, "tool", "code", "--gateway", gw(), "--token", ALPHA);
    assertThat(noProgram.exit()).isEqualTo(2);
    assertThat(noProgram.err()).contains("no program on stdin");

    Run badTopK = otc("", null, "tool", "search", "--gateway", gw(), "--token", ALPHA, "--top-k", "-1", "rhine");
    assertThat(badTopK.exit()).isEqualTo(2);
    assertThat(badTopK.err()).contains("--top-k");
  }
}
