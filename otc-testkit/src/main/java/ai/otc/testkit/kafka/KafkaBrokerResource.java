package ai.otc.testkit.kafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * The test kit's {@link KafkaBroker} for a {@code @QuarkusTest}: started before the application, stopped
 * after it, its address injected as {@code kafka.bootstrap.servers} (the key both services read).
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(value = KafkaBrokerResource.class, restrictToAnnotatedClass = true,
 *     initArgs = @ResourceArg(name = KafkaBrokerResource.TOPICS, value = "otc.tool-usage.v1:2"))
 * class MeteringIT { ... }
 * }</pre>
 *
 * <p>Arguments ({@code initArgs}): {@value #TOPICS} ({@code name:partitions,...}, created at start),
 * {@value #AUTO_CREATE_TOPICS} ({@code true}/{@code false}, default false) and {@value #MODE}
 * ({@code IN_JVM}, default, or {@code CHILD_PROCESS}). Use {@code restrictToAnnotatedClass = true} so
 * only the annotated class pays for a broker.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

  public static final String TOPICS = "topics";
  public static final String AUTO_CREATE_TOPICS = "auto-create-topics";
  public static final String MODE = "mode";

  private KafkaBroker broker = KafkaBroker.create();

  @Override
  public void init(Map<String, String> args) {
    for (String key : args.keySet()) {
      if (!key.equals(TOPICS) && !key.equals(AUTO_CREATE_TOPICS) && !key.equals(MODE)) {
        throw new IllegalArgumentException("KafkaBrokerResource: unknown argument " + key + " (known: " + TOPICS + ", "
            + AUTO_CREATE_TOPICS + ", " + MODE + ")");
      }
    }
    broker = KafkaBroker.create();
    String auto = args.getOrDefault(AUTO_CREATE_TOPICS, "false");
    if (!auto.equals("true") && !auto.equals("false")) {
      throw new IllegalArgumentException("KafkaBrokerResource: " + AUTO_CREATE_TOPICS + " must be true or false, not " + auto);
    }
    broker.autoCreateTopics(Boolean.parseBoolean(auto));
    if (args.containsKey(MODE)) {
      broker.mode(KafkaBroker.Mode.valueOf(args.get(MODE)));
    }
    for (String spec : args.getOrDefault(TOPICS, "").split(",")) {
      if (spec.isBlank()) {
        continue;
      }
      String[] nameAndPartitions = spec.trim().split(":");
      if (nameAndPartitions.length != 2 || !nameAndPartitions[1].matches("[1-9][0-9]*")) {
        throw new IllegalArgumentException("KafkaBrokerResource: " + TOPICS + " entry \"" + spec + "\" is not name:partitions");
      }
      broker.withTopic(nameAndPartitions[0], Integer.parseInt(nameAndPartitions[1]));
    }
  }

  @Override
  public Map<String, String> start() {
    broker.start();
    return Map.of("kafka.bootstrap.servers", broker.bootstrap());
  }

  @Override
  public void stop() {
    broker.close();
  }
}
