package ai.otc.rollout.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.core.protocol.CodeProtocol;
import ai.otc.policy.generation.TaskFormat;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.policy.offline.tools.ArithmeticEvaluator;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.policy.tools.CallRef;
import ai.otc.policy.tools.CallStatus;
import ai.otc.policy.tools.CodeCall;
import ai.otc.policy.tools.CodeOutcome;
import ai.otc.policy.tools.SearchCall;
import ai.otc.policy.tools.SearchOutcome;
import ai.otc.policy.tools.ToolBackend;
import ai.otc.rollout.support.PackagedGateway;
import ai.otc.rollout.support.TinyPolicy;
import ai.otc.testkit.Ports;
import ai.otc.testkit.process.ServiceProcess;
import ai.otc.world.Entity;
import ai.otc.world.Question;
import ai.otc.world.QuestionKind;
import ai.otc.world.World;
import ai.otc.world.WorldIo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GatewayToolBackend} against the packaged tool gateway (a real process, real gRPC, real sandbox) serving the
 * tiny world's corpus with {@code ranking=world}.
 */
class GatewayToolBackendIT {
  @TempDir static Path tmp;
  private static final World WORLD = TinyPolicy.WORLD;
  private static ServiceProcess gateway;
  private static final WordTokenizer TK = WorldTasks.tokenizer();

  @BeforeAll
  static void start() throws Exception {
    WorldIo.write(WORLD, tmp.resolve("world"));
    gateway = PackagedGateway.builder("rollcore-backend-it",
        PackagedGateway.config(tmp.resolve("world/corpus.jsonl"), "world", tmp.resolve("gw"))).startAndAwaitReady();
  }

  @AfterAll
  static void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
  }

  private static GatewayClientConfig config(String token) {
    return GatewayClientConfig.of(token).withDeadline(Duration.ofSeconds(20));
  }

  private static CallRef ref(String traj, int i) {
    return new CallRef("it-run", 3, traj, i);
  }

  @Test
  void theSearchesOfAStepAreOneRpcAndRankAsTheWarmStartWasTaught() {
    InProcessTools inProcess = new InProcessTools(WORLD.corpus());
    List<SearchCall> calls = new ArrayList<>();
    for (Entity e : WORLD.entities()) {
      calls.add(new SearchCall(e.name(), 1, ref("traj-" + e.id(), 0)));
    }
    calls.add(new SearchCall("  ", 1, ref("traj-blank", 0)));
    try (GatewayToolBackend gw = GatewayToolBackend.connect(gateway.endpoint(), config(PackagedGateway.TOKEN))) {
      List<SearchOutcome> out = gw.searchBatch(calls);
      assertThat(gw.stats().snapshot().rpcs()).as("one BatchSearch").isEqualTo(1);
      TaskFormat local = new TaskFormat(TK, inProcess, 1);
      TaskFormat remote = new TaskFormat(TK, gw, 1);
      for (int i = 0; i < calls.size(); i++) {
        SearchOutcome o = out.get(i);
        assertThat(o.info().delivered()).isTrue();
        // a blank query is answered by the client with no passages and never sent: counted, not executed
        assertThat(o.info().status()).isEqualTo(calls.get(i).query().isBlank() ? CallStatus.NOT_EXECUTED : CallStatus.OK);
        List<ToolBackend.Hit> want = inProcess.search(calls.get(i).query(), 1);
        assertThat(o.hits()).extracting(ToolBackend.Hit::id).containsExactlyElementsOf(
            want.stream().map(ToolBackend.Hit::id).toList());
        assertThat(remote.searchObservation(o.hits())).as("the observation the policy sees")
            .isEqualTo(local.searchObservation(calls.get(i).query()));
      }
      assertThat(out.getLast().hits()).as("blank query: nothing, not sent").isEmpty();
      assertThat(out.getLast().info().delivered()).as("the empty observation is delivered: the row goes on").isTrue();
      assertThat(out.getLast().info().status()).as("counted, never sent, never metered").isEqualTo(CallStatus.NOT_EXECUTED);
      List<SearchOutcome> again = gw.searchBatch(calls.subList(0, calls.size() - 1));
      assertThat(again).allSatisfy(o -> assertThat(o.info().cacheHit()).isTrue());
      GatewayStats.Snapshot s = gw.stats().snapshot();
      assertThat(s.calls(GatewayStats.SEARCH, CallStatus.OK)).isEqualTo(2L * (calls.size() - 1));
      assertThat(s.calls(GatewayStats.SEARCH, CallStatus.NOT_EXECUTED)).isEqualTo(1L);
      assertThat(s.cacheHits()).isEqualTo(calls.size() - 1);
      assertThat(s.rpcs()).isEqualTo(2);
      assertThat(gw.search(WORLD.entities().get(0).name(), 1)).hasSize(1);
    }
  }

  @Test
  void theWorldsProgramsPrintInTheSandboxWhatTheInProcessEvaluatorPrints() {
    List<CodeCall> calls = new ArrayList<>();
    List<String> programs = new ArrayList<>();
    int i = 0;
    for (Question q : WORLD.questions()) {
      if (q.kind().task() != QuestionKind.Task.CODE) {
        continue;
      }
      // the program exactly as the environment extracts it from the policy's tokens (demonstration text)
      String turn = WordTokenizer.PYTHON + "\nprint ( " + q.subject() + " )\n" + WordTokenizer.FENCE + "\n"
          + WordTokenizer.OUTPUT;
      String program = CodeProtocol.lastPythonBlock(TK.decode(TK.encode(turn))).orElseThrow();
      programs.add(program);
      calls.add(new CodeCall(program, ref("code-" + q.id(), 0)));
      i++;
    }
    assertThat(i).isGreaterThan(5);
    try (GatewayToolBackend gw = GatewayToolBackend.connect(gateway.endpoint(), config(PackagedGateway.TOKEN))) {
      List<CodeOutcome> out = gw.executeBatch(calls);
      TaskFormat format = new TaskFormat(TK, gw, 1);
      for (int j = 0; j < calls.size(); j++) {
        assertThat(out.get(j).info().status()).isEqualTo(CallStatus.OK);
        assertThat(format.codeObservation(out.get(j).execution())).as(programs.get(j))
            .isEqualTo(format.codeObservation(ArithmeticEvaluator.run(programs.get(j))));
      }
      // a failing program: the error is the observation (status ERROR, delivered)
      CodeOutcome bad = gw.executeBatch(List.of(new CodeCall("print ( 1 // 0 )\n", ref("bad", 0)))).get(0);
      assertThat(bad.info().delivered()).isTrue();
      assertThat(bad.info().status()).isEqualTo(CallStatus.ERROR);
      assertThat(format.codeObservation(bad.execution())).contains("ZeroDivisionError");
      // refused before they become tool calls (the gateway makes no usage event): counted in m, never sent or metered
      List<CodeOutcome> refused = gw.executeBatch(List.of(new CodeCall(" \n", ref("empty", 0)),
          new CodeCall("print ( 1 )\n" + "#".repeat(70_000), ref("huge", 0))));
      assertThat(refused).allSatisfy(o -> assertThat(o.info().status()).isEqualTo(CallStatus.NOT_EXECUTED));
      assertThat(refused.get(0).info().delivered()).as("an empty program's empty output is delivered").isTrue();
      assertThat(refused.get(0).execution().stdout()).isEmpty();
      assertThat(refused.get(0).execution().exitCode()).isZero();
      assertThat(gw.stats().snapshot().calls(GatewayStats.CODE, CallStatus.NOT_EXECUTED)).isEqualTo(2L);
    }
  }

  @Test
  void programsOfAStepRunConcurrentlyAndARetriedCallIdRunsOnce() {
    List<CodeCall> sleepers = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      sleepers.add(new CodeCall("import time\ntime.sleep(1)\nprint(" + i + ")\n", ref("sleep-" + i, 0)));
    }
    try (GatewayToolBackend gw = GatewayToolBackend.connect(gateway.endpoint(), config(PackagedGateway.TOKEN))) {
      long t0 = System.nanoTime();
      List<CodeOutcome> out = gw.executeBatch(sleepers);
      double s = (System.nanoTime() - t0) / 1e9;
      assertThat(out).extracting(o -> o.execution().stdout()).containsExactly("0\n", "1\n", "2\n", "3\n", "4\n", "5\n");
      assertThat(s).as("6 one-second programs together (one after the other: over 6 s)").isLessThan(4.5);
      CodeCall random = new CodeCall("import random\nprint(random.random())\n", ref("idem", 4));
      String first = gw.executeBatch(List.of(random)).get(0).execution().stdout();
      String second = gw.executeBatch(List.of(random)).get(0).execution().stdout();
      assertThat(second).as("same call id: the first result, not a second run").isEqualTo(first);
    }
  }

  @Test
  void aStepsDistinctProgramsRunTogetherWhateverOrderTheGroupsSendThemIn() {
    // 4 groups of 8 members, each group's members sending the same one-second program one after the other (as the
    // sampler lays rows out): with 4 calls in flight (this gateway's 8 slots x max-tenant-share 0.5), sent in that
    // order, the groups' programs ran one after another
    List<CodeCall> step = new ArrayList<>();
    for (int g = 0; g < 4; g++) {
      for (int m = 0; m < 8; m++) {
        step.add(new CodeCall("import time\ntime.sleep(1)\nprint(" + g + ")\n", ref("order-" + g + "-" + m, 0)));
      }
    }
    GatewayClientConfig fourAtATime = new GatewayClientConfig(PackagedGateway.TOKEN, Duration.ofSeconds(20), 0,
        RetryPolicy.defaults(), 4, 256);
    try (GatewayToolBackend gw = GatewayToolBackend.connect(gateway.endpoint(), fourAtATime)) {
      long t0 = System.nanoTime();
      List<CodeOutcome> out = gw.executeBatch(step);
      double s = (System.nanoTime() - t0) / 1e9;
      for (int i = 0; i < step.size(); i++) {
        assertThat(out.get(i).execution().stdout()).as("call %d", i).isEqualTo((i / 8) + "\n");
      }
      assertThat(s).as("four one-second programs together (one group after another: over 4 s)").isLessThan(3.0);
      GatewayStats.Snapshot st = gw.stats().snapshot();
      assertThat(st.rpcs()).as("one BatchExecuteCode for the step's 4 programs and their copies").isEqualTo(1);
      // 32 calls over the tenant's 4 permits: the copies ride on their program's run and are never refused
      assertThat(st.rateLimitRetries()).isZero();
      assertThat(st.cacheHits()).as("the 7 copies of each program joined its run").isEqualTo(28);
    }
  }

  @Test
  void programsRefusedInPlaceAreSentAgainWhenTheGatewaySays() {
    // tight: 2 programs per second, burst 2; 5 calls of 5 programs (one RPC each) and 3 copies of a sixth
    List<CodeCall> step = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      step.add(new CodeCall("print('tight', " + i + ")\n", ref("tight-code-" + i, 0)));
    }
    for (int m = 0; m < 3; m++) {
      step.add(new CodeCall("print('tight copies')\n", ref("tight-copy-" + m, 0)));
    }
    try (GatewayToolBackend gw = GatewayToolBackend.connect(gateway.endpoint(), config(PackagedGateway.TIGHT_TOKEN))) {
      List<CodeOutcome> out = gw.executeBatch(step);
      for (int i = 0; i < 5; i++) {
        assertThat(out.get(i).info().delivered()).as("call %d: %s", i, out.get(i).info().detail()).isTrue();
        assertThat(out.get(i).execution().stdout()).isEqualTo("tight " + i + "\n");
      }
      assertThat(out.subList(5, 8)).allSatisfy(o -> assertThat(o.execution().stdout()).isEqualTo("tight copies\n"));
      GatewayStats.Snapshot st = gw.stats().snapshot();
      assertThat(st.rateLimitRetries()).as("8 calls at 2 a second need waits").isGreaterThanOrEqualTo(1);
      assertThat(st.backoffMs()).isGreaterThan(400);
      assertThat(st.calls(GatewayStats.CODE, CallStatus.OK)).isEqualTo(8);
    }
  }

  @Test
  void refusalsAreWaitedOutAsTheGatewaySaysOrReportedWhenTheWaitIsTooLong() {
    List<SearchCall> calls = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      calls.add(new SearchCall(WORLD.entities().get(i).name(), 1, ref("tight-" + i, 0)));
    }
    try (GatewayToolBackend gw = GatewayToolBackend.connect(gateway.endpoint(), config(PackagedGateway.TIGHT_TOKEN))) {
      List<SearchOutcome> out = gw.searchBatch(calls);
      assertThat(out).allSatisfy(o -> {
        assertThat(o.info().delivered()).isTrue();
        assertThat(o.hits()).hasSize(1);
      });
      GatewayStats.Snapshot s = gw.stats().snapshot();
      assertThat(s.rateLimitRetries()).as("2 per second, burst 2: 6 queries need retries").isGreaterThanOrEqualTo(1);
      assertThat(s.backoffMs()).isGreaterThan(400);
      assertThat(s.rpcs()).isGreaterThanOrEqualTo(2);
    }
    RetryPolicy noWaiting = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(10), 1, 0, Duration.ZERO,
        Duration.ZERO);
    try (GatewayToolBackend gw = GatewayToolBackend.connect(gateway.endpoint(),
        config(PackagedGateway.TIGHT_TOKEN).withRetry(noWaiting))) {
      List<SearchOutcome> out = gw.searchBatch(calls);
      List<SearchOutcome> refused = out.stream().filter(o -> !o.info().delivered()).toList();
      assertThat(refused).isNotEmpty().allSatisfy(o -> {
        assertThat(o.info().status()).isEqualTo(CallStatus.RATE_LIMITED);
        assertThat(o.info().detail()).contains("max-rate-limit-wait");
        assertThat(o.hits()).isEmpty();
      });
      assertThat(gw.stats().snapshot().calls(GatewayStats.SEARCH, CallStatus.RATE_LIMITED)).isEqualTo(refused.size());
    }
  }

  @Test
  void aBadTokenIsNotRetriedAndAnExhaustedDeadlineIsATimeout() {
    try (GatewayToolBackend gw = GatewayToolBackend.connect(gateway.endpoint(), config("wrong-token-0123456789"))) {
      SearchOutcome o = gw.searchBatch(List.of(new SearchCall("te po", 1, null))).get(0);
      assertThat(o.info().delivered()).isFalse();
      assertThat(o.info().attempts()).isEqualTo(1);
      assertThat(o.info().detail()).contains("UNAUTHENTICATED");
      assertThatThrownBy(() -> gw.search("te po", 1)).isInstanceOf(ToolCallException.class)
          .hasMessageContaining("UNAUTHENTICATED");
    }
    RetryPolicy twice = new RetryPolicy(2, Duration.ofMillis(10), Duration.ofMillis(10), 1, 0, Duration.ZERO,
        Duration.ZERO);
    try (GatewayToolBackend gw = GatewayToolBackend.connect(gateway.endpoint(),
        config(PackagedGateway.TOKEN).withDeadline(Duration.ofMillis(800)).withRetry(twice))) {
      CodeOutcome o = gw.executeBatch(List.of(new CodeCall("import time\ntime.sleep(5)\n", ref("slow", 0)))).get(0);
      assertThat(o.info().delivered()).isFalse();
      assertThat(o.info().status()).as(o.info().detail()).isEqualTo(CallStatus.TIMEOUT);
      assertThat(o.info().attempts()).isEqualTo(2);
      assertThat(gw.stats().snapshot().transientRetries()).isEqualTo(1);
    }
  }

  @Test
  void anOutageShorterThanTheRetryBudgetIsBridgedALongerOneReported() throws Exception {
    int port = Ports.free();
    RetryPolicy brief = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(20), 1, 0, Duration.ZERO,
        Duration.ZERO);
    try (GatewayToolBackend gw = GatewayToolBackend.connect("127.0.0.1:" + port,
        config(PackagedGateway.TOKEN).withRetry(brief))) {
      SearchOutcome o = gw.searchBatch(List.of(new SearchCall("te po", 1, ref("down", 0)))).get(0);
      assertThat(o.info().delivered()).isFalse();
      assertThat(o.info().status()).isEqualTo(CallStatus.UNAVAILABLE);
      assertThat(o.info().attempts()).isEqualTo(3);
      assertThat(o.info().detail()).contains("UNAVAILABLE after 3 attempt(s)");
      assertThat(gw.stats().snapshot().transientRetries()).isEqualTo(2);
    }
    // the gateway comes up while the call is retrying: it is answered
    RetryPolicy patient = new RetryPolicy(200, Duration.ofMillis(200), Duration.ofSeconds(1), 2, 0.5, Duration.ZERO,
        Duration.ZERO);
    try (GatewayToolBackend gw = GatewayToolBackend.connect("127.0.0.1:" + port,
        config(PackagedGateway.TOKEN).withRetry(patient))) {
      String name = WORLD.entities().get(1).name();
      CompletableFuture<SearchOutcome> call = CompletableFuture.supplyAsync(
          () -> gw.searchBatch(List.of(new SearchCall(name, 1, ref("bridged", 0)))).get(0));
      Thread.sleep(1500);
      assertThat(call).isNotDone();
      try (ServiceProcess late = PackagedGateway.builder("rollcore-backend-it-late",
          PackagedGateway.config(tmp.resolve("world/corpus.jsonl"), "world", tmp.resolve("gw-late")))
          .port(port).startAndAwaitReady()) {
        SearchOutcome o = call.get(60, TimeUnit.SECONDS);
        assertThat(o.info().delivered()).isTrue();
        assertThat(o.info().attempts()).isGreaterThan(1);
        assertThat(o.hits()).extracting(ToolBackend.Hit::title).containsExactly(name);
        assertThat(gw.stats().snapshot().transientRetries()).isGreaterThan(0);
      }
    }
  }

  @Test
  void aMalformedTargetIsNamed() {
    assertThatThrownBy(() -> GatewayToolBackend.connect("localhost", config(PackagedGateway.TOKEN)))
        .hasMessageContaining("host:port");
    assertThatThrownBy(() -> GatewayClientConfig.of(" ")).hasMessageContaining("token");
  }
}
