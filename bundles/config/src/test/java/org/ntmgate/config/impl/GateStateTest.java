package org.ntmgate.config.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the gate keeps on disk, read back as a restart reads it. */
class GateStateTest {
    @Test
    void acceptedConfigurationsComeBackWithTheirTypesAndFactoryMembersAreFoundByEitherPidForm(@TempDir Path dir) throws Exception {
        AcceptedConfigurations a = new AcceptedConfigurations(dir.resolve("accepted"));
        a.load();
        Map<String, Object> pool = new TreeMap<>();
        pool.put("name", "node-v4");
        pool.put("prefix", "10.201.0.0/16");
        pool.put("leaseTimeSeconds", 3600L);
        pool.put("tags", new String[] { "a", "b" });
        a.put("org.ntmgate.pool~node-v4", pool);
        a.put("org.ntmgate.pool.3f2a", Map.of("name", "lab"));
        a.put("org.ntmgate.policy", Map.of("maxSessionsPerNode", 64));

        AcceptedConfigurations again = new AcceptedConfigurations(dir.resolve("accepted"));
        again.load();
        Map<String, Object> back = again.get("org.ntmgate.pool~node-v4");
        assertEquals(3600L, back.get("leaseTimeSeconds"), "a long stays a long");
        assertArrayEquals(new String[] { "a", "b" }, (String[]) back.get("tags"));
        assertTrue(Properties.same(pool, back));
        assertEquals(64, again.get("org.ntmgate.policy").get("maxSessionsPerNode"), "an int stays an int");
        assertEquals(2, again.ofFactory("org.ntmgate.pool").size());
        assertTrue(again.ofFactory("org.ntmgate.policy").isEmpty(), "a singleton PID is no factory member");

        again.remove("org.ntmgate.pool.3f2a");
        AcceptedConfigurations third = new AcceptedConfigurations(dir.resolve("accepted"));
        third.load();
        assertNull(third.get("org.ntmgate.pool.3f2a"));
    }

    @Test
    void anUnreadableAcceptedFileIsSetAsideAndTheOthersAreKept(@TempDir Path dir) throws Exception {
        AcceptedConfigurations a = new AcceptedConfigurations(dir);
        a.load();
        a.put("org.ntmgate.table", Map.of("capacity", 70000));
        Files.writeString(dir.resolve("org.ntmgate.policy.config"), "maxSessionsPerNode=I\"64\nthis is [ not ( the format");
        AcceptedConfigurations again = new AcceptedConfigurations(dir);
        again.load();
        assertEquals(70000, again.get("org.ntmgate.table").get("capacity"));
        assertNull(again.get("org.ntmgate.policy"));
        assertFalse(Files.exists(dir.resolve("org.ntmgate.policy.config")), "moved aside, not left to fail every start");
    }

    @Test
    void refusalsSurviveARestartAndAreClearedOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("refusals.properties");
        RefusalBook book = new RefusalBook(file);
        book.load();
        Path cfg = Files.writeString(dir.resolve("org.ntmgate.table.cfg"), "capacity=banana\n");
        book.put(new Refusal("org.ntmgate.table", "capacity", "org.ntmgate.table: 'capacity' must be a whole number, not 'banana'",
                "deploy/org.ntmgate.table.cfg", cfg.toUri().toString(), Instant.ofEpochMilli(1_000)));

        RefusalBook again = new RefusalBook(file);
        again.load();
        Refusal r = again.get("org.ntmgate.table");
        assertEquals("capacity", r.field());
        assertEquals("deploy/org.ntmgate.table.cfg", r.source());
        assertEquals("configuration org.ntmgate.table from deploy/org.ntmgate.table.cfg refused at 1970-01-01T00:00:01Z: "
                + "org.ntmgate.table: 'capacity' must be a whole number, not 'banana'", r.line());
        assertFalse(r.fileGone());
        Files.delete(cfg);
        assertTrue(r.fileGone(), "a removed file's refusal is no longer a problem");
        assertEquals(r, again.clear("org.ntmgate.table"));
        assertNull(again.clear("org.ntmgate.table"));
        RefusalBook third = new RefusalBook(file);
        third.load();
        assertTrue(third.all().isEmpty());
    }

    @Test
    void aRefusalKeepsTheImageThatMadeItAcrossARestart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("refusals.properties");
        RefusalBook book = new RefusalBook(file);
        book.load();
        book.put(new Refusal("org.ntmgate.table", "capacity", "org.ntmgate.table: 'capacity' must be 1..16777216, not 0", "ConfigAdmin", null,
                Instant.ofEpochMilli(2_000), "1.0.2"));
        book.put(new Refusal("org.ntmgate.policy", "denyNodes", "org.ntmgate.policy: 'denyNodes' entry 1: bad", "ConfigAdmin", null,
                Instant.ofEpochMilli(3_000)));
        RefusalBook again = new RefusalBook(file);
        again.load();
        Refusal r = again.get("org.ntmgate.table");
        assertEquals("1.0.2", r.image());
        assertTrue(r.otherImage("1.0.0"), "refused under the image the box rolled back from");
        assertFalse(r.otherImage("1.0.2"));
        assertFalse(r.otherImage(null), "outside an image nothing is known");
        assertNull(again.get("org.ntmgate.policy").image());
        assertFalse(again.get("org.ntmgate.policy").otherImage("1.0.0"), "a refusal without an image is always this gateway's");
        assertEquals(2, again.all().size(), "the image lines are no refusals of their own");
    }

    @Test
    void aDamagedRefusalsFileIsSetAside(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("refusals.properties"), "org.ntmgate.table=only-one-field\n");
        RefusalBook book = new RefusalBook(file);
        book.load();
        assertTrue(book.all().isEmpty());
        assertFalse(Files.exists(file));
    }
}
