package ai.otc.cli.tool;

import ai.otc.proto.v1.Passage;
import ai.otc.proto.v1.SearchRequest;
import ai.otc.proto.v1.SearchResponse;
import ai.otc.cli.OneLineUsageErrors;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./otc tool search QUERY…}: one {@code Search} call to a running gateway; prints the passages (rank, id,
 * title, score, text) and the status, or the refusal with its retry-after.
 */
@Command(name = "search", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Search the corpus of a running gateway and print the passages.",
        "One Search call, charged and metered like a rollout's; prints rank, id, title,",
        "BM25 score and text of each passage and the status. A refused call prints the",
        "gRPC status, its description and the retry-after the gateway sent.",
        ExitCode.HELP_1, ExitCode.HELP_2, ExitCode.HELP_3, ExitCode.HELP_4, ""})
final class ToolSearchCommand implements Callable<Integer>, OneLineUsageErrors {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  @Mixin GatewayOptions gateway = new GatewayOptions();
  @Mixin CallContextOptions context = new CallContextOptions();

  @Option(names = "--top-k", paramLabel = "K",
      description = "passages to return (default 0: the gateway's default, 3; at most its otc.gateway.search.max-top-k)")
  int topK;

  @Parameters(arity = "1..*", paramLabel = "QUERY", description = "the query (several words are joined by spaces)")
  List<String> query;

  PrintStream out = System.out;
  PrintStream err = System.err;
  String tokenEnv = System.getenv(GatewayOptions.TOKEN_ENV);

  @Override
  public Integer call() throws InterruptedException {
    ToolRunner runner = new ToolRunner("otc tool search", out, err);
    SearchRequest.Builder req = SearchRequest.newBuilder().setQuery(String.join(" ", query)).setTopK(topK);
    try {
      if (topK < 0) {
        throw new IllegalArgumentException("--top-k must be >= 0, got " + topK);
      }
      if (req.getQuery().isBlank()) {
        throw new IllegalArgumentException("QUERY must not be empty");
      }
      context.context().ifPresent(req::setContext);
    } catch (IllegalArgumentException e) {
      return runner.usage(e.getMessage());
    }
    return runner.run(gateway, tokenEnv, DEFAULT_TIMEOUT, stub -> stub.search(req.build()), ToolSearchCommand::print);
  }

  static void print(SearchResponse r, double ms, PrintStream out) {
    int rank = 1;
    for (Passage p : r.getPassagesList()) {
      out.printf("%d. [%s] %s (score %.4f)%n", rank++, p.getId(), p.getTitle(), p.getScore());
      out.println("   " + p.getText().replace("\n", "\n   "));
    }
    out.printf("status: OK, tool status: %s, passages: %d, cache hit: %s, %.1f ms including the connection%n",
        ToolRunner.status(r.getStatus()), r.getPassagesCount(), r.getCacheHit(), ms);
  }
}
