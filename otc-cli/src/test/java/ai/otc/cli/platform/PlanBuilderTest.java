package ai.otc.cli.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.platform.supervisor.PartSpec;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the plan tells the rollout service about the run's end, and which JIT each part runs on. */
class PlanBuilderTest {
  @TempDir Path home;

  private PartSpec rollout(int steps) throws Exception {
    Path jar = home.resolve(Home.ROLLOUT).resolve("target/quarkus-app/quarkus-run.jar");
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "");
    RunConfig run = new RunConfig("plan-run", "otc-grpo", steps, 1, 8, 16, 1, home.resolve("world"), "fp",
        home.resolve("policy.zip"), 3, "cpu", null);
    return new PlanBuilder(new Home(home), Map.of()).rollout(run, 18080, "127.0.0.1:9092", "127.0.0.1:9000", "t",
        URI.create("file:///tmp/store"), home.resolve("rollout.log"));
  }

  @Test
  void aRunOfNStepsGeneratesUntilTheLearnersVersionN() throws Exception {
    assertThat(rollout(60).properties()).containsEntry("otc.rollout.until-version", "60");
  }

  @Test
  void upWithoutStepsRunsUntilDownAndSetsNoLastVersion() throws Exception {
    // the rollout service requires until-version >= 1 when set: ./otc up (--steps 0) failed at its start with it at 0
    assertThat(rollout(0).properties()).doesNotContainKey("otc.rollout.until-version");
  }

  @Test
  void theInfrastructureRunsOnC1AndThePolicyServicesKeepC2() throws Exception {
    for (String jar : new String[] {Home.GATEWAY, Home.REWARD, Home.LEARNER}) {
      Path j = home.resolve(jar).resolve("target/quarkus-app/quarkus-run.jar");
      Files.createDirectories(j.getParent());
      Files.writeString(j, "");
    }
    PlanBuilder plan = new PlanBuilder(new Home(home), Map.of());
    RunConfig run = new RunConfig("plan-run", "otc-grpo", 10, 1, 8, 16, 1, home.resolve("world"), "fp",
        home.resolve("policy.zip"), 3, "cpu", null);
    Files.createDirectories(home.resolve("world"));
    Files.writeString(home.resolve("world/corpus.jsonl"), "");
    assertThat(plan.broker(9092, home.resolve("kafka"), home.resolve("k.log")).jvmOptions()).contains("-XX:TieredStopAtLevel=1");
    assertThat(plan.gateway(9000, home.resolve("world"), home.resolve("gw"), "127.0.0.1:9092", "t", home.resolve("g.log"))
        .jvmOptions()).contains("-XX:TieredStopAtLevel=1");
    assertThat(plan.reward(run, 9001, "127.0.0.1:9092", home.resolve("r.log")).jvmOptions()).contains("-XX:TieredStopAtLevel=1");
    assertThat(plan.learner(run, 9002, "127.0.0.1:9092", URI.create("file:///tmp/store"), home.resolve("ck"), home.resolve("l.log"))
        .jvmOptions()).noneMatch(o -> o.startsWith("-XX:TieredStopAtLevel"));
    assertThat(rollout(10).jvmOptions()).noneMatch(o -> o.startsWith("-XX:TieredStopAtLevel"));
  }

  @Test
  void theGatewayTokenTravelsInTheEnvironmentNotOnTheCommandLine() throws Exception {
    Path jar = home.resolve(Home.GATEWAY).resolve("target/quarkus-app/quarkus-run.jar");
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "");
    String token = "secret-token-0123456789";
    PartSpec gateway = new PlanBuilder(new Home(home), Map.of()).gateway(9000, home.resolve("world"), home.resolve("gw"),
        "127.0.0.1:9092", token, home.resolve("g.log"));
    RunConfig run = new RunConfig("plan-run", "otc-grpo", 10, 1, 8, 16, 1, home.resolve("world"), "fp",
        home.resolve("policy.zip"), 3, "cpu", null);
    Path rjar = home.resolve(Home.ROLLOUT).resolve("target/quarkus-app/quarkus-run.jar");
    Files.createDirectories(rjar.getParent());
    Files.writeString(rjar, "");
    PartSpec rollout = new PlanBuilder(new Home(home), Map.of()).rollout(run, 18080, "127.0.0.1:9092", "127.0.0.1:9000", token,
        URI.create("file:///tmp/store"), home.resolve("rollout.log"));
    for (PartSpec part : new PartSpec[] {gateway, rollout}) {
      // what a command line carries: JVM options and -D properties (/proc/PID/cmdline is readable by every local user)
      assertThat(part.jvmOptions()).noneMatch(o -> o.contains(token));
      assertThat(part.properties().values()).noneMatch(v -> v.contains(token));
    }
    assertThat(gateway.env()).containsEntry(PlanBuilder.GATEWAY_TOKEN_ENV, token);
    assertThat(gateway.properties()).containsEntry("otc.gateway.auth.tenants.platform.token", "${OTC_TENANT_PLATFORM_TOKEN}");
    // Quarkus reads otc.rollout.gateway.token from this variable
    assertThat(rollout.env()).containsEntry("OTC_ROLLOUT_GATEWAY_TOKEN", token);
  }
}
