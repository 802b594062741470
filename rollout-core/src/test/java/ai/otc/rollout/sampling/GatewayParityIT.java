package ai.otc.rollout.sampling;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.core.protocol.CodeProtocol;
import ai.otc.policy.model.PolicyModel;
import ai.otc.policy.offline.tools.ArithmeticEvaluator;
import ai.otc.policy.offline.tools.InProcessTools;
import ai.otc.policy.store.PolicyArtifact;
import ai.otc.policy.tokenizer.WordTokenizer;
import ai.otc.rollout.gateway.GatewayClientConfig;
import ai.otc.rollout.gateway.GatewayStats;
import ai.otc.rollout.gateway.GatewayToolBackend;
import ai.otc.rollout.support.PackagedGateway;
import ai.otc.rollout.support.Parity;
import ai.otc.rollout.support.TinyPolicy;
import ai.otc.testkit.process.ServiceProcess;
import ai.otc.world.Question;
import ai.otc.world.Split;
import ai.otc.world.World;
import ai.otc.world.WorldIo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The parity bar: greedy evaluation through the gateway (the rollout's sampler and gateway client, the
 * packaged gateway with {@code ranking=world}, real python in its sandbox) matches in-process evaluation
 * ({@code policy-offline}'s Evaluator with {@code InProcessTools}, what the warm start was trained with) within 0.01
 * EM and TC per question kind.
 */
class GatewayParityIT {
  @TempDir Path tmp;

  @Test
  void greedyEvaluationThroughTheGatewayMatchesInProcessOnTheTinyWorld() throws Exception {
    World world = TinyPolicy.WORLD;
    WorldIo.write(world, tmp.resolve("world"));
    PolicyArtifact policy = TinyPolicy.artifact();
    List<Question> qs = new ArrayList<>(world.questions());
    qs.sort(Comparator.comparing(Question::id));
    try (ServiceProcess gw = PackagedGateway.builder("rollcore-parity-tiny",
            PackagedGateway.config(tmp.resolve("world/corpus.jsonl"), "world", tmp.resolve("gw"))).startAndAwaitReady();
        PolicyModel model = policy.newModel("cpu");
        GatewayToolBackend tools = GatewayToolBackend.connect(gw.endpoint(), GatewayClientConfig.of(PackagedGateway.TOKEN))) {
      WordTokenizer tk = policy.tokenizer();
      Parity.Run local = Parity.evaluator(model, tk, new InProcessTools(world.corpus()), qs);
      Parity.Run remote = Parity.sampler(model, tk, tools, qs);
      List<Parity.KindRow> rows = Parity.table(qs, local, remote);
      System.out.println("tiny world, " + qs.size() + " questions, greedy\n"
          + Parity.markdown(rows, "in-process", "gateway"));
      assertThat(rows).allSatisfy(r -> {
        assertThat(r.emDiff()).as("EM of %s", r.kind()).isLessThanOrEqualTo(0.01);
        assertThat(r.tcDiff()).as("TC of %s", r.kind()).isLessThanOrEqualTo(0.01);
      });
      // Responses may only part where a malformed program's error message is observed: the gateway runs real
      // python (its own error text), the in-process stand-in its own (ArithmeticEvaluator); well-formed world
      // programs print the same (GatewayToolBackendIT), searches are the same passages.
      int differ = 0;
      for (int i = 0; i < qs.size(); i++) {
        String a = local.responses().get(i);
        String b = remote.responses().get(i);
        if (a.equals(b)) {
          continue;
        }
        differ++;
        int d = 0;
        while (d < Math.min(a.length(), b.length()) && a.charAt(d) == b.charAt(d)) {
          d++;
        }
        String before = a.substring(0, d);
        int out = before.lastIndexOf(WordTokenizer.OUTPUT);
        assertThat(out).as("%s parts outside a program's output:%n%s%n%s", qs.get(i).id(), a, b).isNotNegative();
        String program = CodeProtocol.lastPythonBlock(before.substring(0, out + WordTokenizer.OUTPUT.length()))
            .orElseThrow();
        assertThat(ArithmeticEvaluator.run(program).exitCode()).as("%s parts after a well-formed program %s",
            qs.get(i).id(), program).isNotZero();
      }
      System.out.println(differ + " responses part after a malformed program's error message");
      GatewayStats.Snapshot s = tools.stats().snapshot();
      assertThat(s.calls(GatewayStats.SEARCH)).as("the policy searched through the gateway").isPositive();
      assertThat(s.calls(GatewayStats.CODE)).as("and ran programs there").isPositive();
      assertThat(rows.getLast().tcA()).isPositive();
    }
  }

  /**
   * The measurement of the README's parity table on a given world and policy (default: {@code ./otc world} and
   * {@code ./otc warmstart}): {@code -Dotc.parity.world=DIR -Dotc.parity.policy=ZIP}; prints and writes
   * {@code target/parity/parity.md}: in process vs the gateway with {@code ranking=world}, and vs {@code ranking=bm25}.
   */
  @Test
  @EnabledIfSystemProperty(named = "otc.parity.policy", matches = ".+")
  void measureOnAGivenWorldAndPolicy() throws Exception {
    Path worldDir = Path.of(System.getProperty("otc.parity.world", "../data/world")).toAbsolutePath().normalize();
    Path zip = Path.of(System.getProperty("otc.parity.policy")).toAbsolutePath().normalize();
    String split = System.getProperty("otc.parity.split", "test");
    World world = WorldIo.read(worldDir);
    List<Question> qs = world.split(Split.fromLabel(split));
    PolicyArtifact policy = PolicyArtifact.load(zip);
    StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
        "world %s (%s), policy %s, split %s (%d questions), greedy%n%n", world.fingerprint(), worldDir,
        zip.getFileName(), split, qs.size()));
    Parity.Run local;
    try (PolicyModel model = policy.newModel("cpu")) {
      long t0 = System.nanoTime();
      local = Parity.evaluator(model, policy.tokenizer(), new InProcessTools(world.corpus()), qs);
      report.append(String.format(Locale.ROOT, "in process: %.1f s%n%n", (System.nanoTime() - t0) / 1e9));
      for (String ranking : List.of("world", "bm25")) {
        try (ServiceProcess gw = PackagedGateway.builder("rollcore-parity-" + ranking,
                PackagedGateway.config(worldDir.resolve("corpus.jsonl"), ranking, tmp.resolve("gw-" + ranking)))
                .startAndAwaitReady();
            GatewayToolBackend tools = GatewayToolBackend.connect(gw.endpoint(),
                GatewayClientConfig.of(PackagedGateway.TOKEN))) {
          t0 = System.nanoTime();
          Parity.Run remote = Parity.sampler(model, policy.tokenizer(), tools, qs);
          double sec = (System.nanoTime() - t0) / 1e9;
          List<Parity.KindRow> rows = Parity.table(qs, local, remote);
          report.append("gateway `ranking=").append(ranking).append(String.format(Locale.ROOT,
              "`: %.1f s, %d of %d responses differ, %s%n%n", sec, Parity.differing(local, remote), qs.size(),
              tools.stats().snapshot())).append(Parity.markdown(rows, "in-process", "gateway")).append('\n');
          if (ranking.equals("world")) {
            assertThat(rows).allSatisfy(r -> {
              assertThat(r.emDiff()).as("EM of %s", r.kind()).isLessThanOrEqualTo(0.01);
              assertThat(r.tcDiff()).as("TC of %s", r.kind()).isLessThanOrEqualTo(0.01);
            });
          }
        }
      }
    } finally {
      System.out.println(report);
      Files.createDirectories(Path.of("target/parity"));
      Files.writeString(Path.of("target/parity/parity.md"), report);
    }
  }
}
