package ai.otc.cli.index;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.cli.Otc;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./otc index}: builds, then reuses an unchanged corpus's index, rebuilds a changed one, reports bad input. */
class IndexCommandTest {
  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run otc(String... args) {
    PrintStream out0 = System.out;
    PrintStream err0 = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Otc.commandLine().execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out0);
      System.setErr(err0);
    }
  }

  @Test
  void buildsReusesAndRebuildsTheIndex() throws Exception {
    Path corpus = tmp.resolve("corpus.jsonl");
    Files.writeString(corpus, """
        {"id":"1","title":"Paris","text":"Paris is the capital of France."}
        {"id":"2","title":"Berlin","text":"Berlin is the capital of Germany."}
        {"id":"3","title":"Rhine","text":"The Rhine flows through Germany."}
        """);
    Path index = tmp.resolve("index");
    Run first = otc("index", "--corpus", corpus.toString(), "--index-dir", index.toString(), "--query", "capital of France");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("3 passages").contains("built")
        .contains("Doc 1(Title: Paris) Paris is the capital of France.\n");
    assertThat(index.resolve("otc-index.properties")).exists();

    Run again = otc("index", "--corpus", corpus.toString(), "--index-dir", index.toString());
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("unchanged corpus, reused");

    Files.writeString(corpus, "{\"id\":\"4\",\"title\":\"Rome\",\"text\":\"Rome is the capital of Italy.\"}\n",
        java.nio.file.StandardOpenOption.APPEND);
    Run changed = otc("index", "--corpus", corpus.toString(), "--index-dir", index.toString());
    assertThat(changed.out()).contains("4 passages").contains("built");
  }

  @Test
  void badInputExitsOneNamingFileAndLine() throws Exception {
    Path bad = tmp.resolve("bad.jsonl");
    Files.writeString(bad, "{\"id\":\"1\",\"text\":\"ok\"}\nnot json\n");
    Run r = otc("index", "--corpus", bad.toString(), "--index-dir", tmp.resolve("i").toString());
    assertThat(r.code()).isEqualTo(1);
    assertThat(r.err()).startsWith("otc index: ").contains(bad + ":2:");
    Run missing = otc("index", "--corpus", tmp.resolve("nope.jsonl").toString(), "--index-dir", tmp.resolve("j").toString());
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.err()).contains("not found");
  }
}
