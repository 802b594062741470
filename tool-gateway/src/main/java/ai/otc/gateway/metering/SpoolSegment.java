package ai.otc.gateway.metering;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * One append-only file of the {@link UsageMeter}'s spool: length-prefixed serialized events, written
 * with one {@code write} per event (no per-event file creation, rename or delete), and in memory which
 * of them the broker has acknowledged and which are being sent. The meter deletes the file once every
 * event in it is acknowledged and no more are appended; a file left by a crashed gateway is read back
 * (a torn last record, cut off by the crash mid-write, is ignored: its call never answered) and sent
 * again.
 */
final class SpoolSegment {
  private final Path file;
  private FileChannel channel;
  private int count;
  private int ackedCount;
  private final BitSet acked = new BitSet();
  private final BitSet inFlight = new BitSet();
  private boolean sealed;

  private SpoolSegment(Path file, FileChannel channel, int count, boolean sealed) {
    this.file = file;
    this.channel = channel;
    this.count = count;
    this.sealed = sealed;
  }

  /** A new, empty segment open for appends. */
  static SpoolSegment create(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    return new SpoolSegment(file, ch, 0, false);
  }

  /** A new, empty segment named {@code file} whose appends go to {@code channel} (tests: a full disk). */
  static SpoolSegment over(Path file, FileChannel channel) {
    return new SpoolSegment(file, channel, 0, false);
  }

  /** A segment a previous meter left behind: sealed, nothing of it acknowledged. */
  static SpoolSegment recover(Path file) throws IOException {
    return new SpoolSegment(file, null, readAll(file, Integer.MAX_VALUE).size(), true);
  }

  Path file() {
    return file;
  }

  /** Appends one event; returns its index in the segment. */
  synchronized int append(byte[] event) throws IOException {
    if (sealed) {
      throw new IllegalStateException("segment " + file + " is sealed");
    }
    ByteBuffer b = ByteBuffer.allocate(4 + event.length);
    b.putInt(event.length).put(event).flip();
    while (b.hasRemaining()) {
      channel.write(b);
    }
    inFlight.set(count);
    return count++;
  }

  synchronized int count() {
    return count;
  }

  /** Events not yet acknowledged. */
  synchronized int unacknowledged() {
    return count - ackedCount;
  }

  /** Marks {@code index} acknowledged; true when the segment is now sealed and complete (delete it). */
  synchronized boolean acknowledge(int index) {
    inFlight.clear(index);
    if (!acked.get(index)) {
      acked.set(index);
      ackedCount++;
    }
    return sealed && ackedCount == count;
  }

  /** A send of {@code index} failed: it becomes eligible for {@link #claimUnsent()} again. */
  synchronized void failed(int index) {
    inFlight.clear(index);
  }

  /** Indices neither acknowledged nor being sent, now marked as being sent. */
  synchronized List<Integer> claimUnsent() {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      if (!acked.get(i) && !inFlight.get(i)) {
        inFlight.set(i);
        out.add(i);
      }
    }
    return out;
  }

  /** No more appends; true when every event is already acknowledged (delete it). */
  synchronized boolean seal() throws IOException {
    if (!sealed) {
      sealed = true;
      if (channel != null) {
        channel.close();
        channel = null;
      }
    }
    return ackedCount == count;
  }

  synchronized boolean sealed() {
    return sealed;
  }

  /** The first {@code upTo} complete records of {@code file}. */
  static List<byte[]> readAll(Path file, int upTo) throws IOException {
    List<byte[]> out = new ArrayList<>();
    try (InputStream in = Files.newInputStream(file); DataInputStream d = new DataInputStream(new java.io.BufferedInputStream(in))) {
      while (out.size() < upTo) {
        int len;
        try {
          len = d.readInt();
        } catch (EOFException end) {
          break;
        }
        if (len < 0 || len > (64 << 20)) {
          break; // a torn length: nothing after it is trustworthy
        }
        byte[] b = new byte[len];
        try {
          d.readFully(b);
        } catch (EOFException torn) {
          break;
        }
        out.add(b);
      }
    }
    return out;
  }
}
