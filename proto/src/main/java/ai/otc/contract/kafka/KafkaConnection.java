package ai.otc.contract.kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * How a service's Kafka clients reach the broker and authenticate to it, from the service's {@code kafka.*}
 * configuration: the address ({@code kafka.bootstrap.servers}) and the security settings ({@code kafka.security.protocol},
 * {@code kafka.security.providers}, {@code kafka.sasl.*}, {@code kafka.ssl.*}). Quarkus gives every {@code kafka.*}
 * key to each SmallRye Kafka channel; a service applies these to every client it builds by hand as well (admin
 * clients, consumers, producers), before that client's own overrides, so one set of lines configures TLS or SASL for
 * the whole service and no client of it is left on the plain listener.
 *
 * <p>Keys may also come from the environment in Quarkus' form ({@code KAFKA_SECURITY_PROTOCOL},
 * {@code KAFKA_SSL_KEYSTORE_LOCATION}). Other {@code kafka.*} keys (e.g. {@code kafka.auto.offset.reset}) are not
 * connection settings and are left to the channels.
 *
 * @param bootstrap the broker's address, {@code kafka.bootstrap.servers}
 * @param security the security settings as Kafka client keys ({@code security.protocol}, {@code ssl.keystore.location}),
 *     sorted; empty for a plain listener
 */
public record KafkaConnection(String bootstrap, Map<String, String> security) {

  /** The configuration key of the broker's address. */
  public static final String BOOTSTRAP_KEY = "kafka.bootstrap.servers";

  private static final String PREFIX = "kafka.";
  private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
  private static final Set<String> FILE_KEYS = Set.of("ssl.keystore.location", "ssl.truststore.location");

  /**
   * Checks the settings: a bootstrap address; only security keys; a known {@code security.protocol}; with TLS, the
   * key and trust stores named are readable files. Every error names the configuration key ({@code kafka.…}).
   */
  public KafkaConnection {
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException(BOOTSTRAP_KEY + " is not set: the broker's address (host:port,…)");
    }
    Map<String, String> sorted = new TreeMap<>(security);
    for (String key : sorted.keySet()) {
      if (!isSecuritySetting(key)) {
        throw new IllegalArgumentException(PREFIX + key + " is not a Kafka connection security setting");
      }
    }
    String protocol = sorted.getOrDefault("security.protocol", "PLAINTEXT").trim();
    if (!PROTOCOLS.contains(protocol.toUpperCase(Locale.ROOT))) {
      throw new IllegalArgumentException(PREFIX + "security.protocol is " + protocol + ", expected one of "
          + PROTOCOLS.stream().sorted().toList());
    }
    if (protocol.toUpperCase(Locale.ROOT).endsWith("SSL")) {
      for (String key : FILE_KEYS) {
        String file = sorted.get(key);
        if (file != null && !Files.isReadable(Path.of(file.trim()))) {
          throw new IllegalArgumentException(PREFIX + key + " (" + file + ") is not a readable file");
        }
      }
    }
    security = Collections.unmodifiableMap(sorted);
  }

  /** A broker on a plain listener: the address and nothing else. */
  public static KafkaConnection plain(String bootstrap) {
    return new KafkaConnection(bootstrap, Map.of());
  }

  /**
   * Whether a Kafka client setting (without the {@code kafka.} prefix) is part of how a client connects and
   * authenticates: {@code security.protocol}, {@code security.providers}, {@code sasl.*} or {@code ssl.*}.
   */
  public static boolean isSecuritySetting(String clientKey) {
    return clientKey.equals("security.protocol") || clientKey.equals("security.providers") || clientKey.startsWith("sasl.")
        || clientKey.startsWith("ssl.");
  }

  /**
   * Reads the connection from a service's configuration.
   *
   * @param names every property name the configuration knows (MicroProfile {@code Config.getPropertyNames()}):
   *     {@code kafka.ssl.truststore.location}, {@code %prod.kafka.security.protocol} or {@code KAFKA_SASL_MECHANISM}
   * @param lookup the value of a {@code kafka.…} key, with profiles and expressions resolved
   *     ({@code Config.getOptionalValue(name, String.class)}); a key only an inactive profile sets has none
   * @throws IllegalArgumentException naming the key when the address is missing, a setting is invalid, or a
   *     {@code kafka.…} security key is present without a value (empty, or an expression that does not resolve)
   */
  public static KafkaConnection fromConfig(Iterable<String> names, Function<String, Optional<String>> lookup) {
    String bootstrap = lookup.apply(BOOTSTRAP_KEY).orElse(null);
    Map<String, String> security = new LinkedHashMap<>();
    for (String name : names) {
      Optional<String> key = clientKey(name).filter(KafkaConnection::isSecuritySetting);
      if (key.isEmpty()) {
        continue;
      }
      Optional<String> value = lookup.apply(PREFIX + key.get());
      if (value.isPresent()) {
        security.put(key.get(), value.get());
      } else if (name.equals(PREFIX + key.get())) {
        // MicroProfile Config answers "no value" for an empty value and for a ${…} it cannot resolve: never drop a
        // security setting silently (the client would fall back to the plain listener's defaults).
        throw new IllegalArgumentException(name + " is set but has no value: it is empty, or a ${…} expression in it cannot"
            + " be resolved (an environment variable or Secret the process lacks?)");
      }
    }
    return new KafkaConnection(bootstrap, security);
  }

  /**
   * The settings every client of the service starts from: {@code bootstrap.servers} and the security settings.
   * A client puts its defaults and overrides over them.
   */
  public Map<String, Object> clientSettings() {
    Map<String, Object> p = new LinkedHashMap<>(security);
    p.put("bootstrap.servers", bootstrap);
    return p;
  }

  /** An admin client's settings: {@link #clientSettings()}, then {@code extra} (client id, timeouts). */
  public Map<String, Object> admin(Map<String, ?> extra) {
    Map<String, Object> p = clientSettings();
    p.putAll(extra);
    return p;
  }

  /** The Kafka client key a configuration name stands for: {@code kafka.x.y}, {@code %p.kafka.x.y}, {@code KAFKA_X_Y}. */
  static Optional<String> clientKey(String name) {
    String n = name;
    if (n.startsWith("%") && n.indexOf('.') > 0) {
      n = n.substring(n.indexOf('.') + 1);   // a profile's line: looked up under the plain name (active profile or none)
    }
    if (n.startsWith(PREFIX) && n.length() > PREFIX.length()) {
      return Optional.of(n.substring(PREFIX.length()));
    }
    if (n.startsWith("KAFKA_") && n.length() > 6 && n.equals(n.toUpperCase(Locale.ROOT))) {
      return Optional.of(n.substring(6).toLowerCase(Locale.ROOT).replace('_', '.'));
    }
    return Optional.empty();
  }

  /** Never prints the values (passwords, JAAS configurations): the address and the security keys only. */
  @Override
  public String toString() {
    return "KafkaConnection[" + bootstrap + ", security " + security.keySet() + "]";
  }
}
