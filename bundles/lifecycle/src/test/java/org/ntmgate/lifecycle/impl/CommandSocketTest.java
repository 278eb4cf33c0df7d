package org.ntmgate.lifecycle.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntmgate.provision.GogoClient;

/** The daemon's command socket with the provisioning command's client: over a real Unix domain socket. */
class CommandSocketTest {
    @TempDir
    Path home;

    @Test
    void eachConnectionRunsOneCommandAndGetsItsAnswerInAFolderOnlyTheGatewaysUserEnters() throws IOException {
        List<String> ran = new CopyOnWriteArrayList<>();
        Path path = home.resolve("run/gogo.sock");
        try (CommandSocket s = new CommandSocket(path, c -> {
            ran.add(c);
            return c.equals("lb") ? "ID|State|Name\n0|Active|System Bundle" : "failed: Command not found: " + c;
        })) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(path.getParent())));
            assertEquals("ID|State|Name\n0|Active|System Bundle\n", GogoClient.run(path, "lb"));
            assertEquals("failed: Command not found: nope\n", GogoClient.run(path, "nope"));
            assertEquals("", GogoClient.run(path, "  "), "a blank line runs nothing");
            assertEquals(List.of("lb", "nope"), ran);
            String tooLong = "x".repeat(CommandSocket.MAX_COMMAND + 10);
            assertTrue(GogoClient.run(path, tooLong).startsWith("refused: a command is at most 8192 bytes"));
            assertEquals(2, ran.size(), "a refused line is not run");
        }
        assertFalse(Files.exists(path), "the socket goes with the gateway");
        assertThrows(IOException.class, () -> GogoClient.run(path, "lb"), "nothing answers once it is closed");
    }

    @Test
    void aSocketLeftByAKilledGatewayIsReplaced() throws IOException {
        Path path = home.resolve("run/gogo.sock");
        Files.createDirectories(path.getParent());
        Files.writeString(path, "stale");
        try (CommandSocket s = new CommandSocket(path, c -> "ok")) {
            assertEquals("ok\n", GogoClient.run(path, "anything"));
        }
    }
}
