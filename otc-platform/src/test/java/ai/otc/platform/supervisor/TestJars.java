package ai.otc.platform.supervisor;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Runnable jars made of one class of the test sources, for {@code java -jar}. */
final class TestJars {

  private TestJars() {}

  static Path runnable(Class<?> main, Path dir) throws Exception {
    String entry = main.getName().replace('.', '/') + ".class";
    Manifest mf = new Manifest();
    mf.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    mf.getMainAttributes().put(Attributes.Name.MAIN_CLASS, main.getName());
    Path jar = Files.createDirectories(dir).resolve(main.getSimpleName() + ".jar");
    try (InputStream in = main.getClassLoader().getResourceAsStream(entry);
        OutputStream os = Files.newOutputStream(jar);
        JarOutputStream jos = new JarOutputStream(os, mf)) {
      jos.putNextEntry(new JarEntry(entry));
      jos.write(in.readAllBytes());
      jos.closeEntry();
    }
    return jar;
  }
}
