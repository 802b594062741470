package ai.otc.cli;

import java.util.concurrent.Callable;

/**
 * A subcommand of {@code ./otc}. Implementations are picocli {@code @Command}s registered in
 * {@code META-INF/services/ai.otc.cli.OtcSubcommand}, so each area (scoring, world, tools, ...)
 * adds its command without touching the launcher.
 */
public interface OtcSubcommand extends Callable<Integer> {}
