package ai.otc.gateway.bench;

import ai.otc.gateway.support.PackagedGateway;
import ai.otc.gateway.support.GrpcClients;

import ai.otc.contract.Topics;

import ai.otc.proto.v1.BatchSearchRequest;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.SearchRequest;
import ai.otc.proto.v1.ToolGatewayGrpc;
import ai.otc.proto.v1.ToolStatus;
import ai.otc.testkit.kafka.KafkaBroker;
import ai.otc.testkit.process.ServiceProcess;
import ai.otc.tools.sandbox.Sandbox;
import ai.otc.tools.sandbox.SandboxConfig;
import ai.otc.tools.sandbox.SandboxResult;
import ai.otc.tools.sandbox.SandboxStatus;
import ai.otc.tools.search.SearchEngine;
import grpc.health.v1.HealthGrpc;
import grpc.health.v1.HealthOuterClass.HealthCheckRequest;
import io.grpc.ManagedChannel;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The tool gateway's benchmark ({@code bench/gateway-bench.sh}), in one run on this machine:
 *
 * <ol>
 *   <li>raw in-process Lucene: {@link SearchEngine#search} + Search-R1 formatting, one thread, and the
 *       same queries through the packaged gateway (a separate process) over gRPC on 127.0.0.1 with a
 *       bearer token, limits set high, metering on (a real embedded KRaft broker), cache off: unary
 *       calls from one thread, and {@code BatchSearch} of 32 queries per call; the three alternate in
 *       rounds;
 *   <li>sandboxed python calls per second (in-process {@link Sandbox} and through the gateway) vs plain
 *       {@code python3} process spawns of the same program, alternating call by call;
 *   <li>the search rows again with the cache on (a fresh gateway; warm-up fills the cache, so the
 *       measured calls are all hits).
 * </ol>
 *
 * It prints a Markdown table with the ratios (and writes it to {@code <work>/gateway-bench.md}). The
 * corpus and queries are generated from a fixed seed, so every run measures the same work.
 */
public final class GatewayBench {
  private static final String TOKEN = "bench-token-0123456789abcdef";
  private static final int TOP_K = 3;
  private static final int BATCH = 32;

  private final Path work;
  private final Path jar;
  private final int docs;
  private final int distinctQueries;
  private final int calls;
  private final int codeCalls;
  private final List<String[]> rows = new ArrayList<>();
  private final Map<String, Double> results = new LinkedHashMap<>();

  private GatewayBench(Path work, Path jar, int docs, int distinctQueries, int calls, int codeCalls) {
    this.work = work;
    this.jar = jar;
    this.docs = docs;
    this.distinctQueries = distinctQueries;
    this.calls = calls;
    this.codeCalls = codeCalls;
  }

  /** {@code GatewayBench [--work DIR] [--jar JAR] [--docs N] [--queries N] [--calls N] [--code-calls N]}. */
  public static void main(String[] args) throws Exception {
    Map<String, String> a = new LinkedHashMap<>(Map.of("--work", "tool-gateway/target/bench",
        "--jar", "tool-gateway/target/quarkus-app/quarkus-run.jar", "--docs", "100000", "--queries", "2000",
        "--calls", "10000", "--code-calls", "40"));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!a.containsKey(args[i])) {
        System.err.println("gateway-bench: unknown option " + args[i] + "; known: " + a.keySet());
        System.exit(2);
      }
      a.put(args[i], args[i + 1]);
    }
    GatewayBench b = new GatewayBench(Path.of(a.get("--work")), Path.of(a.get("--jar")), Integer.parseInt(a.get("--docs")),
        Integer.parseInt(a.get("--queries")), Integer.parseInt(a.get("--calls")), Integer.parseInt(a.get("--code-calls")));
    b.run();
    System.exit(0);
  }

  private void run() throws Exception {
    Files.createDirectories(work);
    Path corpus = work.resolve("corpus.jsonl");
    Path index = work.resolve("index");
    log("corpus: %d passages (seed 42) -> %s", docs, corpus);
    List<String> queries = writeCorpus(corpus, docs, distinctQueries, new Random(42));

    // ---- 1. raw Lucene: opened (index built) once, measured interleaved with each gateway phase below
    SearchEngine engine = SearchEngine.open(corpus, index);
    log("index: %d passages, %s", engine.documents(), engine.rebuilt() ? "built" : "reused");
    for (int i = 0; i < Math.max(5000, calls / 2); i++) {
      SearchEngine.format(engine.search(queries.get(i % queries.size()), TOP_K));
    }

    // The gateway does not create otc.tool-usage.v1 itself: the broker creates it on the first write.
    KafkaBroker broker = KafkaBroker.create().start();
    long gatewayCalls = 0;
    try {
      // ---- 2. gateway, cache off, metering on
      try (ServiceProcess g = gateway("gateway-cache-off", gatewayConfig(broker, corpus, index, false))) {
        ManagedChannel ch = GrpcClients.channel(g.port());
        try {
          gatewayCalls += searchPhase(ch, g.port(), engine, queries, "cache off", "gw");
          gatewayCalls += codePhase(ch);
        } finally {
          GrpcClients.close(ch);
        }
      }
      // ---- 3. gateway, cache on (a fresh process; warm-up fills the cache, the measured pass hits it)
      try (ServiceProcess g = gateway("gateway-cache-on", gatewayConfig(broker, corpus, index, true))) {
        ManagedChannel ch = GrpcClients.channel(g.port());
        try {
          gatewayCalls += searchPhase(ch, g.port(), engine, queries, "cache on", "gwcache");
        } finally {
          GrpcClients.close(ch);
        }
      }
      long events = topicSize(broker.bootstrap());
      log("metering: %d tool calls made, %d records on %s", gatewayCalls, events, Topics.TOOL_USAGE);
      results.put("metered.calls", (double) gatewayCalls);
      results.put("metered.events", (double) events);
    } finally {
      broker.close();
      engine.close();
    }

    report();
  }

  /**
   * The packaged gateway, started and serving, its log in the work folder; {@code -Dbench.jfr=true} records a JFR
   * profile of each next to the report.
   */
  private ServiceProcess gateway(String name, Map<String, String> config) throws InterruptedException {
    ServiceProcess.Builder b = PackagedGateway.builder(jar, name).properties(config).logDir(work);
    if (Boolean.getBoolean("bench.jfr")) {
      b.jvmOptions("-XX:StartFlightRecording=filename=" + work.resolve(name + ".jfr").toAbsolutePath() + ",settings=profile");
    }
    ServiceProcess g = b.start();
    try {
      return g.awaitReady(Duration.ofSeconds(120));
    } catch (RuntimeException | InterruptedException e) {
      g.close();
      throw e;
    }
  }

  private Map<String, String> gatewayConfig(KafkaBroker broker, Path corpus, Path index, boolean cache) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kafka.bootstrap.servers", broker.bootstrap());
    p.put("otc.gateway.search.corpus", corpus.toAbsolutePath().toString());
    p.put("otc.gateway.search.index-dir", index.toAbsolutePath().toString());
    p.put("otc.gateway.metering.spool-dir", work.resolve("spool").toAbsolutePath().toString());
    p.put("otc.gateway.metering.source", "/tool-gateway/bench");
    p.put("otc.gateway.auth.tenants.bench.token", TOKEN);
    for (String tool : List.of("search", "code")) {
      p.put("otc.gateway.limits." + tool + ".rate", "100000000");
      p.put("otc.gateway.limits." + tool + ".burst", "100000000");
      p.put("otc.gateway.limits." + tool + ".max-concurrency", "1024");
    }
    p.put("otc.gateway.limits.budget.units", "1000000000");
    p.put("otc.gateway.cache.enabled", Boolean.toString(cache));
    p.put("otc.gateway.code.uid-base", "66000");
    p.put("otc.gateway.code.slots", "4");
    p.put("otc.gateway.limits.max-tenant-share", "1"); // one tenant: it may use everything
    p.put("quarkus.log.level", "WARN");
    return p;
  }

  /**
   * Raw Lucene, unary gateway calls and gateway batches, measured in alternating rounds so that load
   * from elsewhere on a shared machine hits all three alike; each throughput is calls over the summed
   * time of its rounds.
   */
  private long searchPhase(ManagedChannel ch, int port, SearchEngine engine, List<String> queries, String mode, String key)
      throws Exception {
    ToolGatewayGrpc.ToolGatewayBlockingStub stub = ToolGatewayGrpc.newBlockingStub(ch).withCallCredentials(GrpcClients.bearer(TOKEN));
    long n = 0;
    int warm = Math.max(5000, calls / 2);
    for (int i = 0; i < warm; i++) {
      check(stub.search(q(queries.get(i % queries.size()))).getStatus());
      n++;
    }
    for (int w = 0; w < warm / BATCH / 4 + 1; w++) {
      batch(stub, queries, w);
      n += BATCH;
    }
    int rounds = 5;
    int per = Math.max(BATCH, calls / rounds);
    int batchesPer = Math.max(1, per / BATCH);
    double[] rawLat = new double[per * rounds];
    double[] unLat = new double[per * rounds];
    double[] bLat = new double[batchesPer * rounds];
    double[] hLat = new double[per * rounds];
    long rawNs = 0;
    long unNs = 0;
    long bNs = 0;
    long hNs = 0;
    java.util.TreeMap<Double, Double> inside = new java.util.TreeMap<>();
    HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(ch);
    for (int i = 0; i < warm; i++) {
      health.check(HealthCheckRequest.getDefaultInstance());
    }
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      for (int i = r * per; i < (r + 1) * per; i++) {
        long s = System.nanoTime();
        SearchEngine.format(engine.search(queries.get(i % queries.size()), TOP_K));
        rawLat[i] = (System.nanoTime() - s) / 1e6;
      }
      java.util.TreeMap<Double, Double> before = inGateway(port);
      long t1 = System.nanoTime();
      for (int i = r * per; i < (r + 1) * per; i++) {
        long s = System.nanoTime();
        check(stub.search(q(queries.get(i % queries.size()))).getStatus());
        unLat[i] = (System.nanoTime() - s) / 1e6;
      }
      long t2 = System.nanoTime();
      java.util.TreeMap<Double, Double> after = inGateway(port);
      after.forEach((bound, c) -> inside.merge(bound, c - before.getOrDefault(bound, 0.0), Double::sum));
      for (int b = r * batchesPer; b < (r + 1) * batchesPer; b++) {
        long s = System.nanoTime();
        batch(stub, queries, b);
        bLat[b] = (System.nanoTime() - s) / 1e6;
      }
      long t3 = System.nanoTime();
      for (int i = r * per; i < (r + 1) * per; i++) {
        long s = System.nanoTime();
        health.check(HealthCheckRequest.getDefaultInstance());
        hLat[i] = (System.nanoTime() - s) / 1e6;
      }
      long t4 = System.nanoTime();
      rawNs += t1 - t0;
      unNs += t2 - t1;
      bNs += t3 - t2;
      hNs += t4 - t3;
    }
    n += (long) per * rounds + (long) batchesPer * rounds * BATCH;
    double rawQps = per * rounds / (rawNs / 1e9);
    double unQps = per * rounds / (unNs / 1e9);
    double bQps = (double) batchesPer * rounds * BATCH / (bNs / 1e9);
    record("search", "raw Lucene in-process, 1 thread (rounds alternating with the " + mode + " rows)", rawQps, rawLat);
    record("search", "gateway unary Search, 1 client thread, " + mode, unQps, unLat);
    record("search", "gateway BatchSearch of " + BATCH + ", 1 client thread, " + mode + " (latency per batch)", bQps, bLat);
    record("(floor)", "gRPC health Check round trip to the same gateway (no auth, no tool, no metering)",
        per * rounds / (hNs / 1e9), hLat);
    results.put(key + ".health.p50", percentile(hLat, 50));
    if (!inside.isEmpty()) {
      results.put(key + ".inside.p50", medianMs(inside));
      log("%s: p50 time inside the gateway per unary search (its own latency histogram): <= %.3f ms", mode, medianMs(inside));
    }
    results.put(key + ".raw.qps", rawQps);
    results.put(key + ".raw.p50", percentile(rawLat, 50));
    results.put(key + ".unary.qps", unQps);
    results.put(key + ".unary.p50", percentile(unLat, 50));
    results.put(key + ".batch.qps", bQps);
    return n;
  }

  /**
   * The gateway's own {@code otc_gateway_call_latency_seconds{tool="search"}} histogram: cumulative
   * bucket counts by upper bound (seconds), plus {@code +Inf}.
   */
  private static java.util.TreeMap<Double, Double> inGateway(int port) throws IOException, InterruptedException {
    String body = ai.otc.platform.process.QuarkusApp.get(port, "/q/metrics").body(); // bounded, on this thread
    java.util.regex.Pattern le = java.util.regex.Pattern.compile("le=\"([^\"]+)\"");
    java.util.TreeMap<Double, Double> buckets = new java.util.TreeMap<>();
    for (String line : body.lines().toList()) {
      if (line.startsWith("otc_gateway_call_latency_seconds_bucket{") && line.contains("tool=\"search\"")) {
        java.util.regex.Matcher m = le.matcher(line);
        if (m.find()) {
          double bound = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
          buckets.put(bound, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
        }
      }
    }
    if (buckets.isEmpty()) {
      throw new IllegalStateException("no search latency histogram in /q/metrics");
    }
    return buckets;
  }

  /** The median (ms, the upper bound of its bucket) of the calls recorded between two histogram snapshots. */
  private static double medianMs(java.util.TreeMap<Double, Double> delta) {
    double total = delta.lastEntry().getValue();
    for (Map.Entry<Double, Double> e : delta.entrySet()) {
      if (e.getValue() >= total / 2) {
        return e.getKey() * 1000;
      }
    }
    return Double.NaN;
  }

  private void batch(ToolGatewayGrpc.ToolGatewayBlockingStub stub, List<String> queries, int b) {
    BatchSearchRequest.Builder r = BatchSearchRequest.newBuilder();
    for (int i = 0; i < BATCH; i++) {
      r.addRequests(q(queries.get((b * BATCH + i) % queries.size())));
    }
    stub.batchSearch(r.build()).getResponsesList().forEach(x -> check(x.getStatus()));
  }

  /**
   * The same program as a plain {@code python3 -} spawn, in the in-process {@link Sandbox} and through
   * the gateway's {@code ExecuteCode}, one of each in turn (so machine load hits all three alike);
   * every program differs (a comment), so nothing is answered from the cache.
   */
  private long codePhase(ManagedChannel ch) throws Exception {
    ToolGatewayGrpc.ToolGatewayBlockingStub stub = ToolGatewayGrpc.newBlockingStub(ch).withCallCredentials(GrpcClients.bearer(TOKEN));
    String python = "/usr/bin/python3";
    Sandbox sandbox = Sandbox.create(SandboxConfig.defaults().withUidBase(66100).withSlots(2));
    if (!sandbox.available()) {
      log("sandbox unavailable, code rows skipped: %s", sandbox.unavailableReason());
      return 0;
    }
    for (int i = 0; i < 5; i++) {
      spawn(python, program(-1 - i));
      sandbox.run(program(-1 - i), Duration.ofSeconds(20));
      check(stub.executeCode(ExecuteCodeRequest.newBuilder().setCode(program(-1 - i)).build()).getStatus());
    }
    double[] plain = new double[codeCalls];
    double[] sb = new double[codeCalls];
    double[] gw = new double[codeCalls];
    long plainNs = 0;
    long sbNs = 0;
    long gwNs = 0;
    for (int i = 0; i < codeCalls; i++) {
      long t0 = System.nanoTime();
      spawn(python, program(i));
      long t1 = System.nanoTime();
      SandboxResult r = sandbox.run(program(i), Duration.ofSeconds(20));
      long t2 = System.nanoTime();
      if (r.status() != SandboxStatus.OK) {
        throw new IllegalStateException("sandbox run failed: " + r);
      }
      check(stub.executeCode(ExecuteCodeRequest.newBuilder().setCode(program(i)).build()).getStatus());
      long t3 = System.nanoTime();
      plain[i] = (t1 - t0) / 1e6;
      sb[i] = (t2 - t1) / 1e6;
      gw[i] = (t3 - t2) / 1e6;
      plainNs += t1 - t0;
      sbNs += t2 - t1;
      gwNs += t3 - t2;
    }
    double plainCps = codeCalls / (plainNs / 1e9);
    double sbCps = codeCalls / (sbNs / 1e9);
    double gwCps = codeCalls / (gwNs / 1e9);
    record("code", "plain `python3 -` spawn (no sandbox), sequential", plainCps, plain);
    record("code", "in-process Sandbox (setpriv+prlimit+bwrap), sequential", sbCps, sb);
    record("code", "gateway ExecuteCode (bwrap sandbox) over gRPC, sequential, cache off", gwCps, gw);
    results.put("code.plain.cps", plainCps);
    results.put("code.sandbox.cps", sbCps);
    results.put("code.gateway.cps", gwCps);
    return codeCalls + 5;
  }

  private static void spawn(String python, String code) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(python, "-").redirectErrorStream(true).start();
    try (var in = p.getOutputStream()) {
      in.write(code.getBytes(StandardCharsets.UTF_8));
    }
    p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("plain python3 failed");
    }
  }

  private static String program(int i) {
    return "# run " + i + "\nprint(sum(i * i for i in range(1000)))\n";
  }

  private static SearchRequest q(String query) {
    return SearchRequest.newBuilder().setQuery(query).setTopK(TOP_K).build();
  }

  private static void check(ToolStatus s) {
    if (s != ToolStatus.TOOL_STATUS_OK) {
      throw new IllegalStateException("call answered " + s);
    }
  }

  private static long topicSize(String bootstrap) {
    Map<String, Object> p = Map.of("bootstrap.servers", bootstrap, "key.deserializer", ByteArrayDeserializer.class.getName(),
        "value.deserializer", ByteArrayDeserializer.class.getName());
    // the gateways flushed their spools at shutdown; allow the last acks a moment
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = c.partitionsFor(Topics.TOOL_USAGE, Duration.ofSeconds(30)).stream()
          .map(x -> new TopicPartition(x.topic(), x.partition())).toList();
      return c.endOffsets(parts, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  // ---------------------------------------------------------------- corpus

  /** Writes a seeded synthetic corpus (Zipf-distributed pseudo-words) and returns distinct queries over it. */
  static List<String> writeCorpus(Path corpus, int docs, int nQueries, Random rnd) throws IOException {
    String[] vocab = vocabulary(20_000, rnd);
    double[] cdf = zipfCdf(vocab.length, 1.07);
    try (BufferedWriter w = Files.newBufferedWriter(corpus, StandardCharsets.UTF_8)) {
      StringBuilder sb = new StringBuilder(1024);
      for (int d = 0; d < docs; d++) {
        sb.setLength(0);
        sb.append("{\"id\":\"d").append(d).append("\",\"title\":\"");
        int tw = 1 + rnd.nextInt(3);
        for (int i = 0; i < tw; i++) {
          sb.append(i == 0 ? "" : " ").append(vocab[sample(cdf, rnd)]);
        }
        sb.append("\",\"text\":\"");
        int words = 40 + rnd.nextInt(60);
        for (int i = 0; i < words; i++) {
          sb.append(i == 0 ? "" : " ").append(vocab[sample(cdf, rnd)]);
        }
        sb.append(".\"}\n");
        w.write(sb.toString());
      }
    }
    List<String> queries = new ArrayList<>(nQueries);
    for (int i = 0; i < nQueries; i++) {
      int words = 2 + rnd.nextInt(5);
      StringBuilder q = new StringBuilder();
      for (int k = 0; k < words; k++) {
        // mid-frequency words: what a question names (entities, attributes), not the stop-word head
        q.append(k == 0 ? "" : " ").append(vocab[20 + sample(cdf, rnd) % (vocab.length - 20)]);
      }
      queries.add(q.toString());
    }
    return queries;
  }

  private static String[] vocabulary(int n, Random rnd) {
    String[] syl = {"ka", "lo", "mi", "ren", "tu", "sa", "vel", "or", "an", "pri", "do", "xe", "qua", "bri", "nel", "st",
        "ur", "mo", "thi", "za"};
    java.util.Set<String> seen = new java.util.LinkedHashSet<>();
    while (seen.size() < n) {
      int k = 2 + rnd.nextInt(3);
      StringBuilder w = new StringBuilder();
      for (int i = 0; i < k; i++) {
        w.append(syl[rnd.nextInt(syl.length)]);
      }
      seen.add(w.toString());
    }
    return seen.toArray(String[]::new);
  }

  private static double[] zipfCdf(int n, double s) {
    double[] c = new double[n];
    double sum = 0;
    for (int i = 0; i < n; i++) {
      sum += 1.0 / Math.pow(i + 1, s);
      c[i] = sum;
    }
    for (int i = 0; i < n; i++) {
      c[i] /= sum;
    }
    return c;
  }

  private static int sample(double[] cdf, Random rnd) {
    int i = Arrays.binarySearch(cdf, rnd.nextDouble());
    return Math.min(cdf.length - 1, i < 0 ? -i - 1 : i);
  }

  // ---------------------------------------------------------------- report

  static double percentile(double[] v, double p) {
    double[] s = v.clone();
    Arrays.sort(s);
    int i = (int) Math.ceil(p / 100.0 * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, i))];
  }

  private void record(String tool, String what, double perSecond, double[] lat) {
    rows.add(new String[] {tool, what, fmt(perSecond), fmt(percentile(lat, 50)), fmt(percentile(lat, 99))});
    log("%s: %s: %s/s, p50 %s ms, p99 %s ms", tool, what, fmt(perSecond), fmt(percentile(lat, 50)), fmt(percentile(lat, 99)));
  }

  private void report() throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%n%d passages, %d distinct queries, top-k %d, %d measured calls per search row, "
        + "%d per code row; %d CPUs (%s), load average at the end %.2f%n%n", docs, distinctQueries, TOP_K, calls, codeCalls,
        Runtime.getRuntime().availableProcessors(), System.getProperty("os.arch"), loadAverage()));
    sb.append("| tool | measurement | calls/s | p50 ms | p99 ms |\n|---|---|---|---|---|\n");
    for (String[] r : rows) {
      sb.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    sb.append("\n| ratio | value | target |\n|---|---|---|\n");
    ratio(sb, "gateway unary, cache off / raw Lucene (throughput)", results.get("gw.unary.qps"), results.get("gw.raw.qps"), ">= 0.70");
    ratio(sb, "gateway BatchSearch, cache off / raw Lucene (throughput)", results.get("gw.batch.qps"), results.get("gw.raw.qps"), ">= 0.70");
    ratio(sb, "gateway unary, cache on / raw Lucene (throughput)", results.get("gwcache.unary.qps"), results.get("gwcache.raw.qps"), "");
    ratio(sb, "gateway BatchSearch, cache on / raw Lucene (throughput)", results.get("gwcache.batch.qps"), results.get("gwcache.raw.qps"), "");
    for (String k : List.of("gw", "gwcache")) {
      Double gwP50 = results.get(k + ".unary.p50");
      Double rawP50 = results.get(k + ".raw.p50");
      if (gwP50 != null && rawP50 != null) {
        sb.append(String.format(Locale.ROOT, "| p50 overhead of a unary gateway search, %s (gateway p50 - raw p50) | %.3f ms | <= 0.5 ms |%n",
            k.equals("gw") ? "cache off" : "cache on", gwP50 - rawP50));
      }
      Double inside = results.get(k + ".inside.p50");
      if (inside != null) {
        sb.append(String.format(Locale.ROOT, "| time inside the gateway per unary search, p50 (admission to metered answer, Lucene included; its own histogram, bucket bound), %s | <= %.3f ms | |%n",
            k.equals("gw") ? "cache off" : "cache on", inside));
      }
      Double hP50 = results.get(k + ".health.p50");
      if (gwP50 != null && rawP50 != null && hP50 != null) {
        sb.append(String.format(Locale.ROOT, "| bare gRPC round trip to the gateway (health Check p50), %s phase | %.3f ms | |%n",
            k.equals("gw") ? "cache off" : "cache on", hP50));
      }
    }
    ratio(sb, "in-process sandbox / plain spawn (time per call)", inv(results.get("code.sandbox.cps")), inv(results.get("code.plain.cps")), "<= 2.0");
    ratio(sb, "gateway ExecuteCode / plain spawn (time per call)", inv(results.get("code.gateway.cps")), inv(results.get("code.plain.cps")), "<= 2.0");
    if (results.containsKey("metered.calls")) {
      sb.append(String.format(Locale.ROOT, "| usage events on %s / gateway tool calls | %.0f / %.0f | one per call |%n",
          Topics.TOOL_USAGE, results.get("metered.events"), results.get("metered.calls")));
    }
    System.out.print(sb);
    Files.writeString(work.resolve("gateway-bench.md"), sb.toString());
    log("report written to %s", work.resolve("gateway-bench.md"));
  }

  private static Double inv(Double x) {
    return x == null ? null : 1.0 / x;
  }

  private static void ratio(StringBuilder sb, String what, Double a, Double b, String target) {
    if (a == null || b == null) {
      sb.append("| ").append(what).append(" | not measured | ").append(target).append(" |\n");
      return;
    }
    sb.append(String.format(Locale.ROOT, "| %s | %.2f | %s |%n", what, a / b, target));
  }

  private static double loadAverage() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static String fmt(double v) {
    return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.3f", v);
  }

  private static void log(String f, Object... a) {
    System.err.printf(Locale.ROOT, "gateway-bench: " + f + "%n", a);
  }
}
