package ai.otc.cli.policy;

import ai.otc.cli.OtcSubcommand;
import ai.otc.world.QuestionKind;
import ai.otc.world.Split;
import ai.otc.world.World;
import ai.otc.world.WorldGenerator;
import ai.otc.world.WorldIo;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./otc world}: generates the seeded task world as JSON Lines (Search-R1 / FlashRAG formats). */
@Command(name = "world", mixinStandardHelpOptions = true,
    description = {"Generate the seeded task world: entities, corpus.jsonl, train/dev/test.jsonl (id, question, golden_answers,",
        "data_source, kind, min_calls). Same flags and seed -> byte-identical files."})
public final class WorldCommand implements OtcSubcommand {
  @Mixin WorldOptions world;

  @Option(names = {"-o", "--out"}, paramLabel = "DIR", description = "output directory (default ${DEFAULT-VALUE})")
  Path out = Path.of("data/world");

  @Override
  public Integer call() {
    try {
      World w = WorldGenerator.generate(world.config());
      WorldIo.write(w, out);
      System.out.printf("world %s -> %s: %d entities (%d famous), %d passages%n", w.fingerprint(), out, w.entities().size(),
          w.famous().size(), w.corpus().size());
      System.out.print("| split |");
      for (QuestionKind k : QuestionKind.values()) {
        System.out.print(" " + k.label() + " |");
      }
      System.out.println(" total |");
      for (Split s : Split.values()) {
        System.out.print("| " + s.label() + " |");
        for (QuestionKind k : QuestionKind.values()) {
          System.out.print(" " + w.split(s).stream().filter(q -> q.kind() == k).count() + " |");
        }
        System.out.println(" " + w.split(s).size() + " |");
      }
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("otc world: " + e.getMessage());
      return 2;
    }
  }
}
