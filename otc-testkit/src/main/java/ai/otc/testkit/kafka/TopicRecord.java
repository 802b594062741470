package ai.otc.testkit.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One record a {@link TopicReader} read: the record as it came off the wire ({@link #raw()}: key, value
 * bytes, headers, partition, offset, time) and its decoded value.
 */
public record TopicRecord<T>(ConsumerRecord<String, byte[]> raw, T value) {

  public String key() {
    return raw.key();
  }

  public int partition() {
    return raw.partition();
  }

  public long offset() {
    return raw.offset();
  }

  public long timestamp() {
    return raw.timestamp();
  }

  /** The last header of that name as UTF-8 text, or null when the record has none. */
  public String header(String name) {
    Header h = raw.headers().lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Every header of that name, in order, as UTF-8 text (a header written twice shows up twice). */
  public List<String> headers(String name) {
    List<String> out = new ArrayList<>();
    for (Header h : raw.headers().headers(name)) {
      out.add(h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
    }
    return out;
  }
}
