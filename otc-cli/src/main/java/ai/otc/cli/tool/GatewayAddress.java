package ai.otc.cli.tool;

/**
 * A gateway's {@code HOST:PORT} as given to {@code --gateway} ({@code 127.0.0.1:8090}, {@code gw.local:8090},
 * {@code [::1]:8090}).
 */
public record GatewayAddress(String host, int port) {

  /**
   * Parses {@code HOST:PORT}.
   *
   * @throws IllegalArgumentException naming {@code --gateway} and what is wrong
   */
  public static GatewayAddress parse(String s) {
    String v = s == null ? "" : s.trim();
    int colon = v.lastIndexOf(':');
    if (colon <= 0 || colon == v.length() - 1) {
      throw new IllegalArgumentException("--gateway: expected HOST:PORT (e.g. 127.0.0.1:8090), got '" + s + "'");
    }
    String host = v.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("--gateway: write an IPv6 host in brackets ([::1]:8090), got '" + s + "'");
    }
    int port;
    try {
      port = Integer.parseInt(v.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--gateway: port '" + v.substring(colon + 1) + "' is not a number (in '" + s + "')", e);
    }
    if (host.isBlank() || port < 1 || port > 65535) {
      throw new IllegalArgumentException("--gateway: expected HOST:PORT with a port in 1..65535, got '" + s + "'");
    }
    return new GatewayAddress(host, port);
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
