package ai.otc.rollout.support;

import ai.otc.testkit.process.ServiceProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The packaged tool gateway ({@code tool-gateway/target/quarkus-app/quarkus-run.jar}, path from the system property
 * {@code otc.gateway.jar}) as a child process on 127.0.0.1, over a given corpus, with tenant {@code rollout} (token
 * {@link #TOKEN}) and tenant {@code tight} (token {@link #TIGHT_TOKEN}: 2 searches and 2 programs per second, burst 2 each). Metering
 * spools to disk (no broker: the bootstrap points nowhere), as the gateway does through a broker outage.
 */
public final class PackagedGateway {
  public static final String TOKEN = "rollout-token-0123456789";
  public static final String TIGHT_TOKEN = "tight-token-0123456789";

  private PackagedGateway() {}

  /** The jar, or an assertion error saying how to build it. */
  public static Path jar() {
    Path jar = Path.of(System.getProperty("otc.gateway.jar",
        "../tool-gateway/target/quarkus-app/quarkus-run.jar")).toAbsolutePath().normalize();
    if (!Files.isRegularFile(jar)) {
      throw new AssertionError("the packaged tool gateway is missing at " + jar
          + ": build it first (./mvnw -B -pl tool-gateway -am install -DskipTests)");
    }
    return jar;
  }

  /** Settings for a gateway over {@code corpus} with {@code ranking}, its files under {@code dir}. */
  public static Map<String, String> config(Path corpus, String ranking, Path dir) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kafka.bootstrap.servers", "127.0.0.1:1");
    p.put("quarkus.log.category.\"org.apache.kafka\".level", "ERROR");
    p.put("otc.gateway.search.corpus", corpus.toAbsolutePath().toString());
    p.put("otc.gateway.search.index-dir", dir.resolve("index").toAbsolutePath().toString());
    p.put("otc.gateway.search.ranking", ranking);
    p.put("otc.gateway.metering.spool-dir", dir.resolve("spool").toAbsolutePath().toString());
    p.put("otc.gateway.code.uid-base", "65000");
    p.put("otc.gateway.code.slots", "8");
    p.put("otc.gateway.auth.tenants.rollout.token", TOKEN);
    p.put("otc.gateway.auth.tenants.tight.token", TIGHT_TOKEN);
    p.put("otc.gateway.limits.tenants.tight.search.rate", "2");
    p.put("otc.gateway.limits.tenants.tight.search.period", "1s");
    p.put("otc.gateway.limits.tenants.tight.search.burst", "2");
    p.put("otc.gateway.limits.tenants.tight.code.rate", "2");
    p.put("otc.gateway.limits.tenants.tight.code.period", "1s");
    p.put("otc.gateway.limits.tenants.tight.code.burst", "2");
    return p;
  }

  /** A launcher for the packaged gateway with these settings. */
  public static ServiceProcess.Builder builder(String name, Map<String, String> props) {
    return ServiceProcess.builder(jar()).name(name).properties(props)
        .jvmOptions(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
  }
}
