package ai.otc.policy.warmstart;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.model.ModelConfig;
import ai.otc.policy.offline.WorldTasks;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class WarmStartCacheTest {
  @Test
  void cacheKeyDependsOnWorldModelAndWarmStart() {
    World w0 = WorldGenerator.generate(WorldConfig.tiny(0));
    World w1 = WorldGenerator.generate(WorldConfig.tiny(1));
    ModelConfig mc = ModelConfig.defaults(WorldTasks.tokenizer().size());
    WarmStartConfig ws = WarmStartConfig.defaults();
    String k = WarmStartCache.key(w0, mc, ws);
    assertThat(WarmStartCache.key(w0, mc, ws)).isEqualTo(k);
    assertThat(WarmStartCache.key(w1, mc, ws)).isNotEqualTo(k);
    assertThat(WarmStartCache.key(w0, mc.withValueHead(true), ws)).isNotEqualTo(k);
    assertThat(WarmStartCache.key(w0, mc, ws.withSteps(10))).isNotEqualTo(k);
    assertThat(WarmStartCache.key(w0, mc.withDevice("gpu"), ws)).as("device does not change the weights").isEqualTo(k);
  }

  @Test
  void theArtifactIsNamedByTheKey() {
    World w = WorldGenerator.generate(WorldConfig.tiny(0));
    ModelConfig mc = ModelConfig.tiny(WorldTasks.tokenizer().size());
    WarmStartConfig ws = WarmStartConfig.defaults();
    assertThat(new WarmStartCache(Path.of("c")).path(w, mc, ws))
        .isEqualTo(Path.of("c", "policy-" + WarmStartCache.key(w, mc, ws) + ".zip"));
  }
}
