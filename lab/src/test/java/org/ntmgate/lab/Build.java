package org.ntmgate.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;

/** A "new build" of a bundle for the field tech's swap: the same classes under another Bundle-Version, written beside and renamed. */
final class Build {
    private Build() {
    }

    static void write(Path from, Path to, String version) throws Exception {
        Path tmp = to.resolveSibling("." + to.getFileName() + ".part");
        try (JarFile in = new JarFile(from.toFile())) {
            Manifest mf = new Manifest(in.getManifest());
            mf.getMainAttributes().putValue("Bundle-Version", version);
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tmp), mf)) {
                for (var e : Collections.list(in.entries())) {
                    if (!e.getName().equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                        out.putNextEntry(new ZipEntry(e.getName()));
                        in.getInputStream(e).transferTo(out);
                        out.closeEntry();
                    }
                }
            }
        }
        Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
