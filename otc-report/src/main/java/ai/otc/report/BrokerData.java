package ai.otc.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Checks a demo's broker data folder before a broker is started on it: present, and not held by a running broker. */
final class BrokerData {

  private BrokerData() {}

  static void check(Path kafkaDir) {
    Path logs = kafkaDir.resolve("logs");
    if (!Files.isRegularFile(logs.resolve("meta.properties"))) {
      throw new ReportInputException("no broker data in " + kafkaDir + " (expected " + logs.resolve("meta.properties")
          + "): the demo's topics are not there; pass --bootstrap HOST:PORT to read them from a running broker");
    }
    // Kafka holds an exclusive lock on <log dir>/.lock while it runs; a second broker on the same data would fail.
    Path lock = logs.resolve(".lock");
    if (!Files.exists(lock)) {
      return;
    }
    try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.WRITE)) {
      FileLock l = ch.tryLock();
      if (l == null) {
        throw busy(kafkaDir);
      }
      l.release();
    } catch (OverlappingFileLockException e) {
      throw busy(kafkaDir);
    } catch (IOException e) {
      throw new UncheckedIOException("checking the lock of the broker data " + lock + ": " + e.getMessage(), e);
    }
  }

  private static BrokerBusyException busy(Path kafkaDir) {
    return new BrokerBusyException("a running broker holds " + kafkaDir + " (is the demo or ./otc up still running?):"
        + " pass --bootstrap HOST:PORT to read from it");
  }
}
