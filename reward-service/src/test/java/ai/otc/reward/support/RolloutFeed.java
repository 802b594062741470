package ai.otc.reward.support;

import ai.otc.proto.v1.Trajectory;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Seeded GRPO groups for broker tests, with the brute-force expectations (group ids, per-question min m over correct members). */
public final class RolloutFeed {

  public final List<Trajectory> trajectories = new ArrayList<>();
  public final List<String> groupIds = new ArrayList<>();
  /** Brute-force n: min tool calls among correct trajectories, per question (absent: none correct). */
  public final Map<String, Integer> minCorrect = new HashMap<>();

  /** {@code groups} groups of {@code size} over {@code questions} questions named {@code prefix-q<i>}, members shuffled per group. */
  public static RolloutFeed generate(String prefix, int groups, int size, int questions, long seed) {
    RolloutFeed f = new RolloutFeed();
    Random rnd = new Random(seed);
    for (int g = 0; g < groups; g++) {
      String q = prefix + "-q" + rnd.nextInt(questions);
      String gid = prefix + "-g" + g;
      f.groupIds.add(gid);
      List<Trajectory> members = new ArrayList<>();
      for (int i = 0; i < size; i++) {
        boolean correct = rnd.nextInt(3) == 0;
        int m = rnd.nextInt(6);
        members.add(Trajectories.of(gid, gid + "-t" + i, q, size, m, correct));
        if (correct) {
          f.minCorrect.merge(q, m, Math::min);
        }
      }
      java.util.Collections.shuffle(members, rnd);
      f.trajectories.addAll(members);
    }
    return f;
  }

  public static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return producer(bootstrap, 1 << 20);
  }

  /** A producer that may send records up to {@code maxRequestBytes} (Kafka's default is 1 MiB). */
  public static KafkaProducer<String, byte[]> producer(String bootstrap, int maxRequestBytes) {
    Properties p = new Properties();
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(maxRequestBytes));
    p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(32L << 20, 4L * maxRequestBytes)));
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(p);
  }

  /** Sends trajectories [from, to) keyed by group id and waits for every ack. */
  public void send(KafkaProducer<String, byte[]> producer, String topic, int from, int to) throws Exception {
    List<Future<RecordMetadata>> acks = new ArrayList<>();
    for (int i = from; i < to; i++) {
      Trajectory t = trajectories.get(i);
      acks.add(producer.send(new ProducerRecord<>(topic, t.getGroupId(), t.toByteArray())));
    }
    producer.flush();
    for (Future<RecordMetadata> a : acks) {
      a.get();
    }
  }
}
