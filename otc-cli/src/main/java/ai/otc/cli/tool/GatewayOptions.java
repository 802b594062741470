package ai.otc.cli.tool;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The flags every {@code ./otc tool} subcommand shares: where the gateway is, the credential, the call's deadline and
 * the output format (a picocli mixin).
 */
public final class GatewayOptions {

  /** The environment variable read when {@code --token} is not given (keeps the token out of shell history). */
  public static final String TOKEN_ENV = "OTC_GATEWAY_TOKEN";

  @Option(names = "--gateway", required = true, paramLabel = "HOST:PORT",
      description = "the gateway's gRPC port (plain text), e.g. 127.0.0.1:8090")
  String gateway;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "the tenant's bearer token; wins over the environment variable " + TOKEN_ENV
          + ", which is read when this flag is absent (and keeps the token out of shell history)")
  String token;

  @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "deadline of the call (500ms, 30s, 2m, PT30S; default: 30s for search, 90s for code)")
  Duration timeout;

  @Option(names = "--json", description = "print one JSON object per call on stdout (the response, or the refusal)")
  boolean json;

  /** The token from {@code --token}, else from {@value #TOKEN_ENV}; a usage error naming both when neither is set. */
  String token(String envValue) {
    String t = token != null ? token : envValue;
    if (t == null || t.isBlank()) {
      throw new IllegalArgumentException("no token: pass --token TOKEN or set " + TOKEN_ENV);
    }
    return t.strip();
  }

  /** {@code --timeout}, or {@code fallback} when not given. */
  Duration timeout(Duration fallback) {
    return timeout != null ? timeout : fallback;
  }
}
