package ai.otc.cli.policy;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.cli.OtcProcess;
import ai.otc.cli.OtcProcess.Run;
import java.time.Duration;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./otc world | warmstart | eval} through the real launcher on a tiny world and model: the commands run end to
 * end, write what they say, reuse the cached warm start, and name bad flags.
 */
class PolicyCommandsIT {
  private static final String[] TINY_WORLD = {"--entities", "12", "--distractors", "3", "--easy-arith", "10", "--hard-arith", "10"};
  private static final String[] TINY_MODEL = {"--d-model", "32", "--layers", "1", "--heads", "2", "--ff", "64", "--context", "96",
      "--steps", "4", "--batch", "8", "--warmup", "1", "--threads", "1"};

  @TempDir Path tmp;

  private Run otc(String... args) throws Exception {
    return OtcProcess.run(null, tmp, Map.of(), Duration.ofSeconds(120), args);
  }

  private static String[] concat(String[]... parts) {
    List<String> l = new ArrayList<>();
    for (String[] p : parts) {
      l.addAll(List.of(p));
    }
    return l.toArray(String[]::new);
  }

  @Test
  void worldWarmstartEvalEndToEnd() throws Exception {
    Run a = otc(concat(new String[] {"world", "-o", "w1"}, TINY_WORLD));
    assertThat(a.exit()).as(a.err()).isZero();
    assertThat(a.out()).contains("12 entities").contains("| test |");
    Run b = otc(concat(new String[] {"world", "-o", "w2"}, TINY_WORLD));
    assertThat(b.exit()).isZero();
    for (String f : List.of("world.json", "corpus.jsonl", "entities.jsonl", "train.jsonl", "dev.jsonl", "test.jsonl")) {
      assertThat(Files.readAllBytes(tmp.resolve("w1").resolve(f))).as(f).isEqualTo(Files.readAllBytes(tmp.resolve("w2").resolve(f)));
    }

    Run ws = otc(concat(new String[] {"warmstart", "--world", "w1", "--cache-dir", "cache", "--no-check"}, TINY_MODEL));
    assertThat(ws.exit()).as(ws.err()).isZero();
    assertThat(ws.out()).contains("warmstart step 4/4").contains("tok/s").contains("ETA").contains("artifact: cache/policy-");
    Run again = otc(concat(new String[] {"warmstart", "--world", "w1", "--cache-dir", "cache", "--no-check"}, TINY_MODEL));
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).contains("reusing cached policy");

    Run ev = otc(concat(new String[] {"eval", "--world", "w1", "--cache-dir", "cache", "--split", "dev", "-o", "eval.json"}, TINY_MODEL));
    assertThat(ev.exit()).as(ev.err()).isZero();
    assertThat(ev.out()).contains("world_1hop EM").contains("1p EM/TC");
    String json = Files.readString(tmp.resolve("eval.json"));
    assertThat(json).contains("\"world_fingerprint\"").contains("\"weights_sha256\"").contains("\"split\"");
    long devQuestions = Files.readAllLines(tmp.resolve("w1").resolve("dev.jsonl")).stream().filter(l -> !l.isBlank()).count();
    assertThat(Files.readAllLines(tmp.resolve("eval.jsonl")).stream().filter(l -> !l.isBlank())).hasSize((int) devQuestions);
  }

  @Test
  void badFlagsAreNamed() throws Exception {
    Run w = otc("world", "--entities", "2");
    assertThat(w.exit()).isEqualTo(2);
    assertThat(w.err()).contains("--entities");
    Run e = otc("eval", "--tools", "nope", "--policy", "missing.zip");
    assertThat(e.exit()).isNotZero();
    Run s = otc(concat(new String[] {"warmstart", "--no-check", "--lr", "0"}, TINY_WORLD));
    assertThat(s.exit()).isEqualTo(2);
    assertThat(s.err()).contains("--lr");
  }
}
