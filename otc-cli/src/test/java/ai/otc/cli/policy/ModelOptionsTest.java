package ai.otc.cli.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.otc.policy.warmstart.WarmStartConfig;
import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The warm-start flags parse to the configuration they name: the defaults are {@link WarmStartConfig#defaults()}, and
 * each {@code --no-X} of a switch that is on by default turns it off (it did nothing before: picocli toggles a boolean
 * whose default comes from the field alone, so {@code --X} turned it off and {@code --no-X} left it on).
 */
class ModelOptionsTest {
  @CommandLine.Command(name = "t")
  static final class Cmd {
    @CommandLine.Mixin ModelOptions model;
  }

  private static final World WORLD = WorldGenerator.generate(WorldConfig.defaults());

  private static WarmStartConfig parse(String... args) {
    Cmd c = new Cmd();
    new CommandLine(c).parseArgs(args);
    return c.model.warm(WarmStartConfig.defaults().steps(), WORLD);
  }

  @Test
  void theDefaultsAreTheWarmStartDefaults() {
    assertThat(parse()).isEqualTo(WarmStartConfig.defaults());
    assertThat(parse("--copy-curriculum", "--mixed-drills", "--recall-decisions", "--decision-curriculum",
        "--friend-curriculum", "--famous-curriculum", "--decision-scaling")).isEqualTo(WarmStartConfig.defaults());
  }

  @Test
  void eachNegatedSwitchTurnsItsPartOff() {
    assertThat(parse("--no-copy-curriculum").copyCurriculum()).isFalse();
    assertThat(parse("--no-mixed-drills").mixedDrills()).isFalse();
    assertThat(parse("--no-recall-decisions").recallDecisions()).isFalse();
    assertThat(parse("--no-decision-curriculum").decisionCurriculum()).isFalse();
    assertThat(parse("--no-friend-curriculum").friendCurriculum()).isFalse();
    assertThat(parse("--no-friend-curriculum").decisionCurriculum()).as("the two curricula switch apart").isTrue();
    assertThat(parse("--no-decision-curriculum").friendCurriculum()).isTrue();
    assertThat(parse().friendQuestions()).as("on by default").isTrue();
    assertThat(parse().canonical()).endsWith(" friendcurriculum friendquestions famouscurriculum");
    assertThat(parse("--no-friend-questions").friendQuestions()).isFalse();
    assertThat(parse("--no-friend-questions").canonical()).endsWith(" friendcurriculum famouscurriculum");
    assertThat(parse().famousCurriculum()).as("on by default").isTrue();
    assertThat(parse("--no-famous-curriculum").famousCurriculum()).isFalse();
    assertThat(parse("--no-famous-curriculum").decisionCurriculum()).as("apart from the unknown subjects'").isTrue();
    assertThat(parse("--no-famous-curriculum").canonical()).endsWith(" friendcurriculum friendquestions");
    assertThat(parse().arithmeticFacts()).as("off by default").isFalse();
    assertThat(parse("--arithmetic-facts").arithmeticFacts()).isTrue();
    assertThat(parse("--arithmetic-facts").canonical()).endsWith(" famouscurriculum arithmeticfacts3");
    WarmStartConfig off = parse("--no-copy-curriculum");
    assertThat(off.decisionCurriculum()).isTrue();
    assertThat(off.mixedDrills()).isTrue();
  }

  @Test
  void theCopyFloorIsPartOfTheCacheKeyUnlessItIsTheOldOne() {
    assertThat(parse().copyFloor()).isEqualTo(0.5);
    assertThat(parse().canonical()).contains(" copycurriculum copyfloor=0.5000 copyuntil=0.9500 mixeddrills");
    assertThat(parse("--copy-floor", "0.25").canonical()).contains(" copyfloor=0.2500");
    // 0.1 was the floor before the flag: its warm starts keep the keys (and cached artifacts) they had
    assertThat(parse("--copy-floor", "0.1").canonical()).doesNotContain("copyfloor")
        .contains(" copycurriculum copyuntil=0.9500 mixeddrills");
    assertThat(parse("--no-copy-curriculum").canonical()).doesNotContain("copycurriculum").doesNotContain("copyfloor");
    assertThatThrownBy(() -> parse("--copy-floor", "0")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--copy-floor");
  }

  @Test
  void theCopyGateIsOnByDefaultPartOfTheCacheKeyAndValidated() {
    assertThat(parse().copyUntil()).isEqualTo(0.95);
    assertThat(parse().canonical()).contains(" copyfloor=0.5000 copyuntil=0.9500 mixeddrills");
    assertThat(parse("--copy-until", "0.9").canonical()).contains(" copyuntil=0.9000");
    // off: the key of a warm start from before the gate existed
    assertThat(parse("--copy-until", "0").canonical()).doesNotContain("copyuntil")
        .contains(" copycurriculum copyfloor=0.5000 mixeddrills");
    // the gate measures on its own without the curriculum, so it keys the run either way
    assertThat(parse("--no-copy-curriculum").canonical()).contains(" copyuntil=0.9500");
    for (String bad : new String[] {"1", "-0.1", "NaN"}) {
      assertThatThrownBy(() -> parse("--copy-until", bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("--copy-until");
    }
  }

  @Test
  void decisionAndFactScalingFollowTheirSwitchesOnALargerWorld() {
    // 240 entities (kd = 1.5), 120 of them famous (kf = 1.5); by hand from 2,000 steps of 20 % decision and 30 % fact
    // rows: both 2,000 + 200 + 300 = 2,500; decisions only 2,200; facts only 2,300; neither 2,000
    World larger = WorldGenerator.generate(new WorldConfig(0, 240, 0.5, 40, 0, 1.0, 1.0, 81, 240, 0.1, 0.2));
    assertThat(larger.entities().stream().filter(ai.otc.world.Entity::famous).count()).isEqualTo(120);
    assertThat(warm(larger).steps()).isEqualTo(2500);
    assertThat(warm(larger).factShare() * 2500).isCloseTo(900, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(warm(larger, "--no-fact-scaling").steps()).isEqualTo(2200);
    assertThat(warm(larger, "--no-decision-scaling").steps()).isEqualTo(2300);
    assertThat(warm(larger, "--no-decision-scaling", "--no-fact-scaling")).isEqualTo(WarmStartConfig.defaults());
    assertThat(warm(WORLD)).as("the default world: neither scales").isEqualTo(WarmStartConfig.defaults());
  }

  private static WarmStartConfig warm(World world, String... args) {
    Cmd c = new Cmd();
    new CommandLine(c).parseArgs(args);
    return c.model.warm(2000, world);
  }
}
