package ai.otc.tools.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Drains one output stream of a sandboxed program, keeping only its first {@code head} and last
 * {@code tail} bytes. The pipe is always drained (a full pipe would stall the program until the
 * wall-clock kill), and memory stays bounded whatever the program prints.
 */
final class BoundedCapture {
  private final byte[] head;
  private final byte[] tail;
  private int headLen;
  private long total;
  private int tailPos;

  BoundedCapture(int headBytes, int tailBytes) {
    this.head = new byte[headBytes];
    this.tail = new byte[tailBytes];
  }

  /** Reads {@code in} to its end (or until the process is killed and the pipe closes). */
  void drain(InputStream in) throws IOException {
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) > 0) {
      accept(buf, n);
    }
  }

  synchronized void accept(byte[] buf, int n) {
    int off = 0;
    if (headLen < head.length) {
      int k = Math.min(n, head.length - headLen);
      System.arraycopy(buf, 0, head, headLen, k);
      headLen += k;
      off = k;
    }
    for (int i = off; i < n && tail.length > 0; i++) {
      tail[tailPos] = buf[i];
      tailPos = (tailPos + 1) % tail.length;
    }
    total += n;
  }

  synchronized long total() {
    return total;
  }

  synchronized boolean truncated() {
    return total > head.length + (long) tail.length;
  }

  /** The kept text; when bytes were dropped, a marker with their count stands between head and tail. */
  synchronized String text() {
    long afterHead = total - headLen;
    if (afterHead <= 0) {
      return new String(head, 0, headLen, StandardCharsets.UTF_8);
    }
    int keptTail = (int) Math.min(afterHead, tail.length);
    byte[] t = new byte[keptTail];
    // The ring holds the last keptTail bytes ending just before tailPos.
    int start = Math.floorMod(tailPos - keptTail, Math.max(tail.length, 1));
    for (int i = 0; i < keptTail; i++) {
      t[i] = tail[(start + i) % tail.length];
    }
    String h = new String(head, 0, headLen, StandardCharsets.UTF_8);
    String tl = new String(t, StandardCharsets.UTF_8);
    long dropped = afterHead - keptTail;
    return dropped == 0 ? h + tl : h + "\n...[" + dropped + " bytes dropped]...\n" + tl;
  }
}
