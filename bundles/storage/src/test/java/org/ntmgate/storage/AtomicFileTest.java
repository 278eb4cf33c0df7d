package org.ntmgate.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void replacesContentAndCreatesFolders() throws Exception {
        Path f = dir.resolve("a/b/state.txt");
        AtomicFile.write(f, out -> out.write("one".getBytes(StandardCharsets.UTF_8)));
        AtomicFile.write(f, out -> out.write("two".getBytes(StandardCharsets.UTF_8)));
        assertEquals("two", Files.readString(f));
        assertFalse(Files.exists(dir.resolve("a/b/state.txt.tmp")));
    }

    @Test
    void aWriteThatFailsHalfwayLeavesTheOldFileWhole() throws Exception {
        Path f = dir.resolve("state.txt");
        AtomicFile.write(f, out -> out.write("old".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IOException.class, () -> AtomicFile.write(f, out -> {
            out.write("half of the new".getBytes(StandardCharsets.UTF_8));
            throw new IOException("power cut");
        }));
        assertEquals("old", Files.readString(f));
        assertFalse(Files.exists(dir.resolve("state.txt.tmp")));
    }

    @Test
    void secretsAreNeverReadableByOthers() throws Exception {
        Path f = dir.resolve("secret");
        AtomicFile.write(f, out -> out.write(1), PosixFilePermissions.fromString("rw-------"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void aCorruptFileIsSetAside() throws Exception {
        Path f = dir.resolve("state.txt");
        Files.writeString(f, "garbage");
        Path aside = AtomicFile.setAside(f, 42);
        assertEquals("state.txt.corrupt-42", aside.getFileName().toString());
        assertTrue(Files.exists(aside));
        assertFalse(Files.exists(f));
    }
}
