import java.io.*;
import java.util.zip.*;

/**
 * The cost of compressing policy artifacts: deflate level 6 (the JDK default, what PolicyArtifact wrote before) against
 * stored blocks (what it writes now) on a policy artifact's weights.bin, written and read back in memory, alternating,
 * best of 5. Usage (source-launched): java bench/ArtifactZipBench.java POLICY.zip
 */
public class ArtifactZipBench {
  public static void main(String[] a) throws Exception {
    byte[] w;
    try (ZipInputStream z = new ZipInputStream(new FileInputStream(a[0]))) {
      ZipEntry e;
      while (!(e = z.getNextEntry()).getName().equals("weights.bin")) {}
      w = z.readAllBytes();
    }
    double[][] best = {{1e9, 1e9}, {1e9, 1e9}};
    for (int r = 0; r < 5; r++) {
      for (int lvl : new int[] {Deflater.DEFAULT_COMPRESSION, Deflater.NO_COMPRESSION}) {
        long t0 = System.nanoTime();
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bos)) {
          z.setLevel(lvl);
          z.putNextEntry(new ZipEntry("weights.bin"));
          z.write(w);
          z.closeEntry();
        }
        long t1 = System.nanoTime();
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(bos.toByteArray()))) {
          z.getNextEntry();
          z.readAllBytes();
        }
        long t2 = System.nanoTime();
        int i = lvl == Deflater.NO_COMPRESSION ? 1 : 0;
        best[i][0] = Math.min(best[i][0], (t1 - t0) / 1e6);
        best[i][1] = Math.min(best[i][1], (t2 - t1) / 1e6);
        if (r == 4) System.out.printf("%s: %d bytes%n", i == 1 ? "stored" : "deflate-6", bos.size());
      }
    }
    System.out.printf("weights %d bytes; write ms: deflate-6 %.1f, stored %.1f; read ms: deflate-6 %.1f, stored %.1f (best of 5, alternating)%n",
        w.length, best[0][0], best[1][0], best[0][1], best[1][1]);
  }
}
