package ai.otc.cli.tool;

import ai.otc.cli.OneLineUsageErrors;
import ai.otc.proto.v1.ExecuteCodeRequest;
import ai.otc.proto.v1.ExecuteCodeResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./otc tool code < program.py}: one {@code ExecuteCode} call with the python program read from stdin; prints
 * the program's stdout and stderr, then its status, exit code and wall time, or the refusal with its retry-after.
 */
@Command(name = "code", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Run the python program on stdin in the gateway's sandbox and print its output.",
        "One ExecuteCode call, charged and metered like a rollout's; prints the program's",
        "stdout and stderr, the observation a model would see (when it differs from",
        "stdout), the status (OK, ERROR, TIMEOUT, OOM, KILLED), exit code and wall time.",
        "A refused call prints the gRPC status, its description and the retry-after the",
        "gateway sent.",
        ExitCode.HELP_1, ExitCode.HELP_2, ExitCode.HELP_3, ExitCode.HELP_4, ""})
final class ToolCodeCommand implements Callable<Integer>, OneLineUsageErrors {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(90);

  @Mixin GatewayOptions gateway = new GatewayOptions();
  @Mixin CallContextOptions context = new CallContextOptions();

  @Option(names = "--call-id", paramLabel = "ID",
      description = "idempotency key: a retry with the same ID (same tenant) replays the first result, run and charged once")
  String callId;

  @Option(names = "--time-limit", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "the program's wall-clock limit (default: the gateway's otc.gateway.code.default-timeout, 20s;"
          + " capped by its max-timeout and by --timeout)")
  Duration timeLimit;

  InputStream in = System.in;
  PrintStream out = System.out;
  PrintStream err = System.err;
  String tokenEnv = System.getenv(GatewayOptions.TOKEN_ENV);

  @Override
  public Integer call() throws IOException, InterruptedException {
    ToolRunner runner = new ToolRunner("otc tool code", out, err);
    ExecuteCodeRequest.Builder req = ExecuteCodeRequest.newBuilder();
    try {
      if (callId != null) {
        if (callId.isBlank()) {
          throw new IllegalArgumentException("--call-id must not be empty");
        }
        req.setCallId(callId);
      }
      if (timeLimit != null) {
        if (timeLimit.toMillis() > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("--time-limit " + timeLimit + " is too long");
        }
        req.setTimeoutMs((int) timeLimit.toMillis());
      }
      context.context().ifPresent(req::setContext);
    } catch (IllegalArgumentException e) {
      return runner.usage(e.getMessage());
    }
    String program = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    if (program.isBlank()) {
      return runner.usage("no program on stdin: pipe the python source in (./otc tool code … < program.py)");
    }
    req.setCode(program);
    return runner.run(gateway, tokenEnv, DEFAULT_TIMEOUT, stub -> stub.executeCode(req.build()), ToolCodeCommand::print);
  }

  static void print(ExecuteCodeResponse r, double ms, PrintStream out) {
    block(out, "stdout", r.getStdout());
    block(out, "stderr", r.getStderr());
    if (!r.getObservation().equals(r.getStdout())) {
      block(out, "observation", r.getObservation());
    }
    out.printf("status: OK, tool status: %s, exit code: %d, wall: %.1f ms, cache hit: %s, replayed: %s, truncated: %s,"
        + " %.1f ms including the connection%n", ToolRunner.status(r.getStatus()), r.getExitCode(), r.getWallMs(), r.getCacheHit(), r.getReplayed(), r.getTruncated(), ms);
  }

  private static void block(PrintStream out, String label, String text) {
    if (text.isEmpty()) {
      out.println(label + ": (empty)");
      return;
    }
    out.println(label + ":");
    out.print(text);
    if (!text.endsWith("\n")) {
      out.println();
    }
  }
}
