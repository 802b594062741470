package ai.otc.gateway.metering;

import java.io.IOException;

/**
 * A usage event could not be appended to the metering spool (disk full, spool directory gone or not
 * writable): the event is not recorded, so the tool call that produced it must fail rather than be
 * answered unmetered. The message names the spool directory and its config key.
 */
public final class MeteringSpoolException extends RuntimeException {
  MeteringSpoolException(String message, IOException cause) {
    super(message, cause);
  }
}
