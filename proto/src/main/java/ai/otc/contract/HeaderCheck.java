package ai.otc.contract;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a record's headers against the contract of the topic it belongs to; empty means it
 * conforms. Consumers may use it to dead-letter foreign records; the tests of every producer use it
 * to catch drift (a type or version header that differs from this contract).
 *
 * <ul>
 *   <li>A topic whose value is a contract message: exactly one {@link Headers#TYPE} equal to the
 *       table's value type and exactly one {@link Headers#VERSION} equal to {@link Headers#VERSION_VALUE};
 *       on otc.tool-usage.v1 also one {@link CloudEvents#HEADER_ID} and one {@link CloudEvents#HEADER_TYPE}
 *       equal to {@link CloudEvents#TYPE_TOOL_USAGE}.</li>
 *   <li>A dead-letter topic: every {@link DeadLetterHeaders#REQUIRED} header once, and type/version
 *       headers, if the poison record had them, as the source topic's contract says.</li>
 * </ul>
 */
public final class HeaderCheck {

  private HeaderCheck() {}

  /**
   * @param contractTopic the platform topic whose records these are (for output written to a renamed
   *     or ad-hoc topic, such as {@code ./otc rescore}'s target, the topic it stands for)
   * @param headers the record's headers in order (name, value); a name may repeat
   * @return what is wrong, one line each; empty when the headers conform
   */
  public static List<String> problems(String contractTopic, List<Map.Entry<String, byte[]>> headers) {
    List<String> out = new ArrayList<>();
    if (Topics.isDlq(contractTopic)) {
      String source = Topics.dlqSource(contractTopic);
      for (String h : DeadLetterHeaders.REQUIRED) {
        one(headers, h, null, out);
      }
      if (count(headers, Headers.TYPE) > 0 || count(headers, Headers.VERSION) > 0) {
        messageHeaders(TopicTable.get(source), headers, out);
      }
      return out;
    }
    TopicSpec spec = TopicTable.get(contractTopic);
    if (!spec.hasMessageValue()) {
      throw new IllegalArgumentException(contractTopic + " holds no contract message (" + spec.value() + "): no headers to check");
    }
    messageHeaders(spec, headers, out);
    if (contractTopic.equals(Topics.TOOL_USAGE)) {
      one(headers, CloudEvents.HEADER_ID, null, out);
      one(headers, CloudEvents.HEADER_TYPE, CloudEvents.TYPE_TOOL_USAGE, out);
    }
    return out;
  }

  private static void messageHeaders(TopicSpec spec, List<Map.Entry<String, byte[]>> headers, List<String> out) {
    one(headers, Headers.TYPE, spec.value(), out);
    one(headers, Headers.VERSION, Headers.VERSION_VALUE, out);
  }

  /** Exactly one header {@code name}, equal to {@code expected} unless that is null. */
  private static void one(List<Map.Entry<String, byte[]>> headers, String name, String expected, List<String> out) {
    int n = count(headers, name);
    if (n != 1) {
      out.add("header " + name + ": " + n + " times, expected once");
      return;
    }
    if (expected == null) {
      return;
    }
    for (Map.Entry<String, byte[]> e : headers) {
      if (e.getKey().equals(name)) {
        String v = e.getValue() == null ? null : new String(e.getValue(), StandardCharsets.UTF_8);
        if (!expected.equals(v)) {
          out.add("header " + name + ": '" + v + "', the contract says '" + expected + "'");
        }
      }
    }
  }

  private static int count(List<Map.Entry<String, byte[]>> headers, String name) {
    int n = 0;
    for (Map.Entry<String, byte[]> e : headers) {
      if (e.getKey().equals(name)) {
        n++;
      }
    }
    return n;
  }
}
