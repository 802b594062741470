package ai.otc.cli.tool;

import ai.otc.proto.v1.ToolGatewayGrpc;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.grpc.StatusRuntimeException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.function.Function;

/**
 * The part of a {@code ./otc tool} subcommand that does not depend on the tool: resolve the flags, make one call,
 * print the answer (text or {@code --json}) or the refusal, and return the exit code ({@link ExitCode}).
 */
final class ToolRunner {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Printer PROTO_JSON =
      JsonFormat.printer().preservingProtoFieldNames().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

  private final String name;
  private final PrintStream out;
  private final PrintStream err;

  /**
   * @param name the command as the user typed it ({@code otc tool search}), the prefix of every error line
   */
  ToolRunner(String name, PrintStream out, PrintStream err) {
    this.name = name;
    this.out = out;
    this.err = err;
  }

  /** A usage error: one line naming the flag, exit code {@link ExitCode#USAGE}. */
  int usage(String message) {
    err.println(name + ": " + message + " (see ./" + name + " --help)");
    err.flush();
    return ExitCode.USAGE;
  }

  /**
   * Makes the call {@code rpc} and prints its answer with {@code text}, or the refusal.
   *
   * @param tokenEnv the value of {@link GatewayOptions#TOKEN_ENV} (passed in so tests need not set the environment)
   */
  <R extends Message> int run(GatewayOptions options, String tokenEnv, Duration defaultTimeout,
      Function<ToolGatewayGrpc.ToolGatewayBlockingStub, R> rpc, TextRenderer<R> text) throws InterruptedException {
    GatewayAddress address;
    String token;
    try {
      address = GatewayAddress.parse(options.gateway);
      token = options.token(tokenEnv);
    } catch (IllegalArgumentException e) {
      return usage(e.getMessage());
    }
    long t0 = System.nanoTime();
    R response;
    Refusal refusal = null;
    try (GatewayClient client = new GatewayClient(address, token, options.timeout(defaultTimeout))) {
      response = null;
      try {
        response = rpc.apply(client.stub());
      } catch (StatusRuntimeException e) {
        refusal = Refusal.of(e);
      }
    }
    double ms = (System.nanoTime() - t0) / 1e6;
    if (refusal != null) {
      if (options.json) {
        out.println(refusalJson(address, refusal, ms));
      } else {
        err.println(name + ": " + refusal.line());
      }
    } else if (options.json) {
      out.println(answerJson(address, response, ms));
    } else {
      text.render(response, ms, out);
    }
    out.flush();
    err.flush();
    return refusal != null ? refusal.exitCode() : ExitCode.OK;
  }

  private ObjectNode base(GatewayAddress address, String code, double ms) {
    ObjectNode n = JSON.createObjectNode();
    n.put("command", name);
    n.put("gateway", address.toString());
    n.put("grpc_status", code);
    // Client-side, from before the channel was opened: a fresh connection is part of it.
    n.put("elapsed_ms", Math.round(ms * 1000) / 1000.0);
    return n;
  }

  private String answerJson(GatewayAddress address, Message response, double ms) {
    ObjectNode n = base(address, "OK", ms);
    try {
      n.set("response", JSON.readTree(PROTO_JSON.print(response)));
      return JSON.writeValueAsString(n);
    } catch (InvalidProtocolBufferException | com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the gateway's answer as JSON: " + e.getMessage(), e);
    }
  }

  private String refusalJson(GatewayAddress address, Refusal r, double ms) {
    ObjectNode n = base(address, r.code().name(), ms);
    n.put("description", r.description());
    n.put("cause", r.cause());
    if (r.retryAfterMs() != null) {
      n.put("retry_after_ms", r.retryAfterMs());
    } else {
      n.put("retry_after_ms", r.retryAfterRaw());
    }
    n.put("owner_replica", r.ownerReplica());
    n.put("exit_code", r.exitCode());
    try {
      return JSON.writeValueAsString(n);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write the refusal as JSON: " + e.getMessage(), e);
    }
  }

  /** Prints a tool's answer as text. */
  @FunctionalInterface
  interface TextRenderer<R> {
    void render(R response, double elapsedMs, PrintStream out);
  }

  /** A tool status without its enum prefix: {@code TOOL_STATUS_TIMEOUT} → {@code TIMEOUT}. */
  static String status(Enum<?> s) {
    return s.name().replaceFirst("^TOOL_STATUS_", "");
  }
}
