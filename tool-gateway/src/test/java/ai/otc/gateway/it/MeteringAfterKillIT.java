package ai.otc.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.contract.Topics;
import ai.otc.gateway.support.GrpcClients;
import ai.otc.gateway.support.PackagedGateway;
import ai.otc.proto.v1.CallContext;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.SearchRequest;
import ai.otc.proto.v1.ToolGatewayGrpc;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.proto.v1.ToolUsage;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.kafka.TopicReader;
import ai.otc.testkit.process.ServiceProcess;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metering that survives a crash under load: the packaged gateway serves concurrent search and code calls from 6
 * client threads, is SIGKILLed in the middle, restarts on the same spool, and the client retries what was left
 * unanswered (same call context, so the same event id) and goes on. Read back from {@code otc.tool-usage.v1} (real
 * embedded KRaft broker), the metered cost after dedupe by id equals the cost of the calls really executed.
 *
 * <p><b>Really executed</b>, defined from the client's side: every call the client issued, each of which ends
 * answered OK, either before the kill (answered in life 1), or unanswered at the kill and then retried and answered
 * in life 2, or issued in life 2. A call in flight at the kill may also have run (and been metered) in life 1 before
 * its answer was lost; its retry runs again and is metered under the same id, so dedupe counts that logical call once
 * (the tenant pays once per call, the gateway's at-least-once delivery and the retry collapse). The test records how
 * many unanswered calls life 1 had already metered. Costs: search 1 unit, code 2 units, so a lost or doubled event of
 * either kind moves the sum.
 */
class MeteringAfterKillIT {
  static final int WORKERS = 6;
  static final int CODE_WORKERS = 2;
  static final int KILL_AFTER_ANSWERS = 120;
  static final int CALLS_AFTER_RESTART = 8;
  static final int UID_BASE = 65200;

  @RegisterExtension
  static final KafkaBroker broker = KafkaBroker.perClass();

  @TempDir Path tmp;

  /** One call the client issued: its event id, its cost, and how to send it again. */
  record Call(String id, double cost, int worker, int index, boolean code) {}

  /** C1 only and the serial collector: the two starts dominate this test's time on a small, busy machine. */
  static final List<String> LEAN_JVM = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private Map<String, String> config(Path spool) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kafka.bootstrap.servers", broker.bootstrap());
    p.put("otc.gateway.search.corpus", Path.of("src/test/resources/corpus.jsonl").toAbsolutePath().toString());
    p.put("otc.gateway.search.index-dir", tmp.resolve("index").toString());
    p.put("otc.gateway.metering.spool-dir", spool.toString());
    p.put("otc.gateway.metering.source", "/tool-gateway/kill-it");
    p.put("otc.gateway.metering.segment-events", "64");
    p.put("otc.gateway.auth.tenants.alpha.token", GrpcClients.ALPHA);
    p.put("otc.gateway.limits.code.cost-units", "2");
    p.put("otc.gateway.limits.max-tenant-share", "1");
    p.put("otc.gateway.cache.enabled", "false");
    p.put("otc.gateway.code.uid-base", Integer.toString(UID_BASE));
    p.put("otc.gateway.code.slots", "4");
    return p;
  }

  private static Call call(int worker, int index) {
    boolean code = worker < CODE_WORKERS;
    return new Call("alpha/kill-w" + worker + ":" + index, code ? 2.0 : 1.0, worker, index, code);
  }

  /** Sends the call; true when answered OK (anything else throws or fails the assertion). */
  private static void send(ToolGatewayGrpc.ToolGatewayBlockingStub stub, Call c) {
    CallContext ctx = CallContext.newBuilder().setTrajectoryId("kill-w" + c.worker()).setCallIndex(c.index()).build();
    var s = stub.withDeadlineAfter(30, TimeUnit.SECONDS);
    if (c.code()) {
      var r = s.executeCode(ExecuteCodeRequest.newBuilder().setContext(ctx)
          .setCode("print(" + c.worker() + " * 100000 + " + c.index() + ")").build());
      assertThat(r.getStatus()).as(c.id() + " " + r.getStderr()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
      assertThat(r.getStdout()).isEqualTo((c.worker() * 100000 + c.index()) + "\n");
    } else {
      var r = s.search(SearchRequest.newBuilder().setContext(ctx).setTopK(2)
          .setQuery("river king " + c.worker() + " " + c.index()).build());
      assertThat(r.getStatus()).as(c.id()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
    }
  }

  @Test
  void theMeteredCostAfterDedupeEqualsTheCallsReallyExecutedAcrossASigkillUnderLoad() throws Exception {
    long t0 = System.nanoTime();
    Path spool = tmp.resolve("spool");
    List<Call> answered = Collections.synchronizedList(new ArrayList<>());
    Map<Integer, Call> unanswered = new ConcurrentHashMap<>();
    Map<Integer, Integer> nextIndex = new ConcurrentHashMap<>();
    AtomicInteger answers = new AtomicInteger();
    Instant killedAt;
    int sandboxLeftovers;

    // life 1: load from 6 threads until 150 answers, then SIGKILL with calls in flight
    try (ServiceProcess g1 = PackagedGateway.builder("kill-load-1").jvmOptions(LEAN_JVM).properties(config(spool))
        .startAndAwaitReady()) {
      ManagedChannel ch = GrpcClients.channel(g1.port());
      ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
      try {
        var stub = GrpcClients.stub(ch, GrpcClients.ALPHA);
        Object killLock = new Object();
        boolean[] killed = {false};
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
          int worker = w;
          workers.add(pool.submit(() -> {
            for (int i = 0; ; i++) {
              Call c = call(worker, i);
              try {
                send(stub, c);
                answered.add(c);
                answers.incrementAndGet();
              } catch (StatusRuntimeException e) {
                synchronized (killLock) {
                  if (!killed[0]) {
                    throw new AssertionError("call " + c.id() + " failed before the kill", e);
                  }
                }
                unanswered.put(worker, c);
                nextIndex.put(worker, i + 1);
                return null;
              }
            }
          }));
        }
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (answers.get() < KILL_AFTER_ANSWERS && System.nanoTime() < until) {
          Thread.sleep(5);
        }
        assertThat(answers.get()).as("answers before the kill").isGreaterThanOrEqualTo(KILL_AFTER_ANSWERS);
        synchronized (killLock) {
          killed[0] = true;
        }
        killedAt = Instant.now();
        g1.kill();
        for (Future<?> f : workers) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
        GrpcClients.close(ch);
      }
      // bwrap's --die-with-parent: the dead gateway's sandboxes die with it
      sandboxLeftovers = sandboxProcesses();
    }
    assertThat(sandboxLeftovers).as("sandbox processes alive after the gateway's SIGKILL").isZero();
    assertThat(unanswered).as("every worker ends life 1 with one unanswered call").hasSize(WORKERS);

    // life 2 on the same spool: retry the unanswered calls (same context, same id), then go on
    List<Call> later = Collections.synchronizedList(new ArrayList<>());
    try (ServiceProcess g2 = PackagedGateway.builder("kill-load-2").jvmOptions(LEAN_JVM).properties(config(spool))
        .startAndAwaitReady()) {
      ManagedChannel ch = GrpcClients.channel(g2.port());
      ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
      try {
        var stub = GrpcClients.stub(ch, GrpcClients.ALPHA);
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
          int worker = w;
          workers.add(pool.submit(() -> {
            send(stub, unanswered.get(worker)); // the retry first, as a client would
            for (int i = 0; i < CALLS_AFTER_RESTART; i++) {
              Call c = call(worker, nextIndex.get(worker) + i);
              send(stub, c);
              later.add(c);
            }
            return null;
          }));
        }
        for (Future<?> f : workers) {
          f.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
        GrpcClients.close(ch);
      }

      Map<String, Call> executed = new HashMap<>();
      Stream.of(answered, List.copyOf(unanswered.values()), later).flatMap(List::stream)
          .forEach(c -> assertThat(executed.put(c.id(), c)).as("issued once: " + c.id()).isNull());
      double expectedCost = executed.values().stream().mapToDouble(Call::cost).sum();

      List<ToolUsage> events;
      try (TopicReader<ToolUsage> usage = TopicReader.open(broker.bootstrap(), Topics.TOOL_USAGE, ToolUsage.parser())) {
        usage.pollUntil(ev -> ev.stream().map(ToolUsage::getId).distinct().count() >= executed.size(),
            Duration.ofSeconds(60));
        usage.settle(Duration.ofMillis(500)); // an extra event would show up here
        events = usage.values();
      }
      Map<String, ToolUsage> byId = new LinkedHashMap<>();
      for (ToolUsage e : events) {
        ToolUsage first = byId.putIfAbsent(e.getId(), e);
        if (first != null) {
          // a duplicate (a re-sent segment, or life 1's run of a retried call) repeats the same call and cost
          assertThat(e.getCostUnits()).as("cost of duplicate " + e.getId()).isEqualTo(first.getCostUnits());
          assertThat(e.getTool()).isEqualTo(first.getTool());
        }
      }
      assertThat(byId.keySet()).as("one metered id per call really executed, none lost, none extra")
          .containsExactlyInAnyOrderElementsOf(executed.keySet());
      double meteredCost = byId.values().stream().mapToDouble(ToolUsage::getCostUnits).sum();
      assertThat(meteredCost).as("metered cost after dedupe by id").isEqualTo(expectedCost);
      for (ToolUsage e : byId.values()) {
        assertThat(e.getCostUnits()).as(e.getId()).isEqualTo(executed.get(e.getId()).cost());
        assertThat(e.getStatus()).isEqualTo(ToolStatus.TOOL_STATUS_OK);
      }

      // the record: what life 1 metered of the calls it never answered
      long meteredBeforeKill = events.stream()
          .filter(e -> unanswered.values().stream().anyMatch(c -> c.id().equals(e.getId())))
          .filter(e -> e.getTime().getSeconds() * 1000 + e.getTime().getNanos() / 1_000_000 < killedAt.toEpochMilli())
          .map(ToolUsage::getId).distinct().count();
      g2.terminate();
      System.out.printf("metering after SIGKILL: %d calls really executed (%d answered before the kill, %d in flight "
              + "and retried, %d after the restart), cost %.0f units; %d records read, %d distinct ids, metered cost "
              + "after dedupe %.0f; %d of the unanswered calls had been metered by the killed gateway; %.1f s%n",
          executed.size(), answered.size(), unanswered.size(), later.size(), expectedCost, events.size(), byId.size(),
          meteredCost, meteredBeforeKill, (System.nanoTime() - t0) / 1e9);
    }
  }

  /** Live (non-zombie) processes of this test's sandbox uids, from /proc. */
  private static int sandboxProcesses() throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    int n;
    do {
      n = 0;
      try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
        for (Path p : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
          try {
            String status = Files.readString(p.resolve("status"));
            int uid = Integer.parseInt(status.replaceAll("(?s).*\nUid:\\s+(\\d+).*", "$1"));
            boolean zombie = status.matches("(?s).*\nState:\\s+Z.*");
            if (uid >= UID_BASE && uid < UID_BASE + 10 && !zombie) {
              n++;
            }
          } catch (IOException gone) {
            // exited while we looked
          }
        }
      }
      if (n > 0) {
        Thread.sleep(100);
      }
    } while (n > 0 && System.nanoTime() < deadline);
    return n;
  }
}
