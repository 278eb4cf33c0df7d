package org.ntmgate.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces a file so that a crash at any moment leaves either the old content or the new, whole: the content goes
 * to a temporary file beside it, is forced to disk, is renamed over the file, and the folder is forced too.
 */
public final class AtomicFile {
    private AtomicFile() {
    }

    /** Writes content to an output stream; may throw I/O errors. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Replaces {@code file} with what {@code content} writes; the file keeps the default permissions. */
    public static void write(Path file, Content content) throws IOException {
        write(file, content, null);
    }

    /**
     * Replaces {@code file}; when {@code permissions} is given, the temporary file is created with them, so no
     * moment exists where others could read the content (for secrets: {@code rw-------}).
     */
    public static void write(Path file, Content content, Set<PosixFilePermission> permissions) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        if (permissions != null) {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(permissions));
        }
        try {
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING), 1 << 16)) {
                content.writeTo(out);
            }
            publish(tmp, file);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * Puts {@code written}, a whole file that something else wrote beside {@code file} (a JVM's dump, say), in its
     * place the same way: forced to disk, renamed over {@code file}, the folder forced.
     */
    public static void publish(Path written, Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(written, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(written, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel ch = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            // A file system that cannot open a folder: the rename is as durable as it makes it.
        }
    }

    /** Moves a file that failed its checks to {@code <name>.corrupt-<millis>}, kept for diagnosis; returns where. */
    public static Path setAside(Path file, long nowMillis) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + nowMillis);
        Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }
}
