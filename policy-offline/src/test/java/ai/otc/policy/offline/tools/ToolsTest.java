package ai.otc.policy.offline.tools;

import static org.assertj.core.api.Assertions.assertThat;

import ai.otc.policy.tools.ToolBackend;
import ai.otc.world.Entity;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import org.junit.jupiter.api.Test;

class ToolsTest {
  @Test
  void arithmeticFollowsPythonSemantics() {
    assertThat(ArithmeticEvaluator.run("print ( 37 * 58 )\n").stdout()).isEqualTo("2146\n");
    assertThat(ArithmeticEvaluator.run("print((2+3)*4)").stdout()).isEqualTo("20\n");
    assertThat(ArithmeticEvaluator.run("print(-7 // 2)").stdout()).isEqualTo("-4\n");
    assertThat(ArithmeticEvaluator.run("print(-7 % 3)").stdout()).isEqualTo("2\n");
    ToolBackend.Execution bad = ArithmeticEvaluator.run("import os");
    assertThat(bad.exitCode()).isEqualTo(1);
    assertThat(bad.stderr()).contains("Error");
    assertThat(ArithmeticEvaluator.run("print(1//0)").stderr()).startsWith("ZeroDivisionError");
  }

  @Test
  void searchFindsTheEntityPassageByName() {
    World w = WorldGenerator.generate(WorldConfig.defaults());
    InProcessTools t = new InProcessTools(w.corpus());
    for (Entity e : w.entities()) {
      ToolBackend.Hit top = t.search(e.name(), 3).get(0);
      assertThat(top.title()).isEqualTo(e.name());
      assertThat(top.text()).contains("friend " + e.friend());
    }
    assertThat(t.search("zebra", 3)).isEmpty();
  }
}
