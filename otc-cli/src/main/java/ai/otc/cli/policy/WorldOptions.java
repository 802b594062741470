package ai.otc.cli.policy;

import ai.otc.world.World;
import ai.otc.world.WorldConfig;
import ai.otc.world.WorldGenerator;
import ai.otc.world.WorldIo;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** World flags shared by {@code world}, {@code warmstart} and {@code eval}: a world directory, or generator flags. */
public final class WorldOptions {
  private static final WorldConfig D = WorldConfig.defaults();

  @Option(names = "--world", paramLabel = "DIR", description = "a world written by ./otc world (default: generate from the flags below)")
  Path worldDir;

  @Option(names = "--world-seed", description = "generator seed (default ${DEFAULT-VALUE})")
  long seed = D.seed();

  @Option(names = "--entities", description = "number of entities (default ${DEFAULT-VALUE})")
  int entities = D.entities();

  @Option(names = "--famous-share", description = "share of entities whose facts are parametric (default ${DEFAULT-VALUE})")
  double famousShare = D.famousShare();

  @Option(names = "--distractors", description = "distractor passages (default ${DEFAULT-VALUE})")
  int distractors = D.distractors();

  @Option(names = "--filler-words", description = "filler words per passage, i.e. passage length (default ${DEFAULT-VALUE})")
  int fillerWords = D.fillerWords();

  @Option(names = "--single-hop-share", description = "share of single-hop questions kept (default ${DEFAULT-VALUE})")
  double singleHopShare = D.singleHopShare();

  @Option(names = "--two-hop-share", description = "share of two-hop questions kept (default ${DEFAULT-VALUE})")
  double twoHopShare = D.twoHopShare();

  @Option(names = "--easy-arith", description = "easy arithmetic questions, <= 81 (default ${DEFAULT-VALUE})")
  int easyArith = D.easyArith();

  @Option(names = "--hard-arith", description = "hard arithmetic questions (default ${DEFAULT-VALUE})")
  int hardArith = D.hardArith();

  @Option(names = "--dev-share", description = "held-out dev share per kind (default ${DEFAULT-VALUE})")
  double devShare = D.devShare();

  @Option(names = "--test-share", description = "held-out test share per kind (default ${DEFAULT-VALUE})")
  double testShare = D.testShare();

  /** The generator config from the flags. */
  public WorldConfig config() {
    return new WorldConfig(seed, entities, famousShare, distractors, fillerWords, singleHopShare, twoHopShare, easyArith,
        hardArith, devShare, testShare).validate();
  }

  /** Reads {@code --world} or generates from the flags. */
  public World world() {
    return worldDir != null ? WorldIo.read(worldDir) : WorldGenerator.generate(config());
  }
}
