package ai.otc.contract.kafka;

import ai.otc.contract.HeaderCheck;
import ai.otc.contract.Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;

/**
 * Writes and checks the contract's record headers on Kafka records. Every producer of a platform
 * topic calls {@link #stamp}, so the type and version headers are spelled in one place.
 */
public final class ContractHeaders {

  private static final byte[] VERSION = bytes(Headers.VERSION_VALUE);
  /** The encoded type values, computed once: stamping is on the hot path of the reward stream. */
  private static final Map<String, byte[]> TYPES = encodeTypes();

  private ContractHeaders() {}

  private static Map<String, byte[]> encodeTypes() {
    Map<String, byte[]> m = new HashMap<>();
    for (String t : Headers.TYPES) {
      m.put(t, bytes(t));
    }
    return Map.copyOf(m);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Adds {@link Headers#TYPE} = {@code type} and {@link Headers#VERSION} = {@link Headers#VERSION_VALUE}.
   * (The byte arrays are shared between records; Kafka never modifies a header value.)
   *
   * @param type one of {@link Headers#TYPES}
   * @throws IllegalArgumentException for a type that is not a contract message
   */
  public static void stamp(org.apache.kafka.common.header.Headers headers, String type) {
    byte[] t = TYPES.get(type);
    if (t == null) {
      throw new IllegalArgumentException(type + " is not a message type of the contract " + Headers.TYPES);
    }
    headers.add(Headers.TYPE, t);
    headers.add(Headers.VERSION, VERSION);
  }

  /** {@link HeaderCheck#problems} of a Kafka record's headers; empty when they conform to {@code contractTopic}. */
  public static List<String> problems(String contractTopic, org.apache.kafka.common.header.Headers headers) {
    List<Map.Entry<String, byte[]>> l = new ArrayList<>();
    for (Header h : headers) {
      l.add(new java.util.AbstractMap.SimpleImmutableEntry<>(h.key(), h.value()));
    }
    return HeaderCheck.problems(contractTopic, l);
  }
}
