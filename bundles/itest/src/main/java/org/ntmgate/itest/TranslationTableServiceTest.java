package org.ntmgate.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ntmgate.api.config.ConfigurationEvents;
import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.EntrySpec;
import org.ntmgate.api.table.TableEvents;
import org.ntmgate.api.table.TableFullException;
import org.ntmgate.api.table.TranslationEntry;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.itest.consumer.ConsumerActivator;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/** The translation table as other bundles see it, in a real framework. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class TranslationTableServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @InjectBundleContext
    BundleContext context;
    @InjectService
    ConfigurationAdmin cm;

    private Kept original;

    @BeforeEach
    void remember() throws Exception {
        original = Kept.of(cm, "org.ntmgate.table");
        table().clear();
    }

    @AfterEach
    void restore() throws Exception {
        Bundle tableBundle = tableBundle();
        if (tableBundle.getState() != Bundle.ACTIVE) {
            tableBundle.start();
        }
        original.restore();
        Await.until("the original table configuration is back", WAIT, () -> table().statistics().capacity() == 65_536);
        table().clear();
    }

    /** The live service: looked up each time, because some tests restart the bundle that provides it. */
    private TranslationTable table() {
        ServiceReference<TranslationTable> ref = context.getServiceReference(TranslationTable.class);
        return ref == null ? null : context.getService(ref);
    }

    private TranslationTable awaitTable() throws Exception {
        Await.until("the TranslationTable service", WAIT, () -> table() != null);
        return table();
    }

    private Bundle tableBundle() {
        return Stream.of(context.getBundles()).filter(b -> b.getSymbolicName().equals("org.ntmgate.table")).findFirst()
                .orElseThrow();
    }

    private static EntrySpec spec(int i) {
        return EntrySpec.of(EntryKind.NTM_GENERAL_NODE, Endpoint.parse("2001:db8:aa::" + i), Endpoint.parse("2001:db8:bb::" + i),
                EntryOwner.of(1, i));
    }

    @Test
    void aCapacityChangedThroughConfigAdminTakesEffectWithoutLosingEntries() throws Exception {
        TranslationTable t = table();
        for (int i = 1; i <= 3; i++) {
            t.insert(spec(i));
        }
        Configuration c = Configs.put(cm, "org.ntmgate.table", "capacity", 4);
        Await.until("capacity 4", WAIT, () -> table().statistics().capacity() == 4);
        assertEquals(3, table().size(), "reconfiguration keeps entries");
        table().insert(spec(4));
        assertThrows(TableFullException.class, () -> table().insert(spec(5)));
        assertEquals(1, table().statistics().refusedFull());
    }

    @Test
    void aBadValueIsRefusedNamingTheFieldAndThePreviousSettingsStay() throws Exception {
        try (Events refusals = Events.refusals(context)) {
            Configuration c = Configs.put(cm, "org.ntmgate.table", "capacity", 0);
            Event refused = refusals.next();
            assertNotNull(refused, "a refusal event");
            assertEquals("org.ntmgate.table", refused.getProperty(ConfigurationEvents.PID));
            assertEquals("capacity", refused.getProperty(ConfigurationEvents.FIELD));
            assertTrue(((String) refused.getProperty(ConfigurationEvents.MESSAGE)).contains("'capacity' must be 1..16777216"));
            assertEquals(65_536, table().statistics().capacity());
            Await.until("the accepted capacity stored again", WAIT, () -> !Integer.valueOf(0).equals(c.getProperties().get("capacity")));
            assertTrue(Gogo.run(context, "config:forget org.ntmgate.table").startsWith("forgot: "));
            table().insert(spec(1));
        }
    }

    @Test
    void entriesSurviveUpdatesAndRemovalOfABundleThatUsesTheTable() throws Exception {
        Bundle consumer = context.installBundle("ntmgate-itest:consumer", consumerBundle(1));
        try {
            consumer.start();
            TranslationEntry first = table().lookupByVirtual(Endpoint.parse("2001:db8:c0::1")).orElseThrow();
            first.recordToReal(1000);

            consumer.update(consumerBundle(2));
            Await.until("the updated consumer is active", WAIT, () -> consumer.getState() == Bundle.ACTIVE);
            assertEquals(2, consumer.getVersion().getMajor());
            TranslationEntry stillThere = table().lookupByVirtual(Endpoint.parse("2001:db8:c0::1")).orElseThrow();
            assertEquals(first.id(), stillThere.id());
            assertEquals(1000, stillThere.bytesToReal(), "counters survive the update");
            assertTrue(table().lookupByVirtual(Endpoint.parse("2001:db8:c0::2")).isPresent(), "the new version's entry");
        } finally {
            consumer.uninstall();
        }
        assertEquals(2, table().entries(e -> e.owner().nodeId() == 0xC0).size(), "uninstalling the user keeps its entries");
    }

    @Test
    void entriesSurviveARestartOfTheTableBundleAndOldReferencesKnowTheyAreStale() throws Exception {
        TranslationTable before = table();
        TranslationEntry e1 = before.insert(spec(1));
        e1.recordToReal(64);
        e1.recordToVirtual(128);
        TranslationEntry e2 = before.insert(new EntrySpec(EntryKind.TEREDO_PEER, Endpoint.parse("2001:0:c000:201::9"),
                Endpoint.parse("203.0.113.9:40000"), EntryOwner.NONE, Duration.ofSeconds(77)));

        Bundle tableBundle = tableBundle();
        tableBundle.stop();
        assertFalse(e1.isLive(), "a holder of an entry learns that the service went away");
        tableBundle.start();

        TranslationTable after = awaitTable();
        assertEquals(2, after.size());
        TranslationEntry r1 = after.lookupByReal(Endpoint.parse("2001:db8:bb::1")).orElseThrow();
        assertEquals(e1.id(), r1.id());
        assertEquals(1, r1.packetsToReal());
        assertEquals(128, r1.bytesToVirtual());
        assertEquals(EntryOwner.of(1, 1), r1.owner());
        TranslationEntry r2 = after.lookupByVirtual(Endpoint.parse("2001:0:c000:201::9")).orElseThrow();
        assertEquals(e2.id(), r2.id());
        assertEquals(Duration.ofSeconds(77), r2.idleTimeout());
        assertTrue(after.insert(spec(3)).id() > e2.id(), "ids are not reused after a restart");
    }

    @Test
    void aCorruptSnapshotIsSetAsideAndTheTableStartsEmpty() throws Exception {
        table().insert(spec(1));
        Bundle tableBundle = tableBundle();
        Path snapshot = tableBundle.getBundleContext().getDataFile("table.snapshot").toPath();
        tableBundle.stop();
        assertTrue(Files.size(snapshot) > 0, "stopping wrote a snapshot");
        byte[] bytes = Files.readAllBytes(snapshot);
        bytes[bytes.length / 2] ^= 0x40;
        Files.write(snapshot, bytes);

        tableBundle.start();
        TranslationTable t = awaitTable();
        assertEquals(0, t.size(), "nothing is half-loaded from a corrupt snapshot");
        try (Stream<Path> files = Files.list(snapshot.getParent())) {
            List<String> names = files.map(f -> f.getFileName().toString()).collect(Collectors.toList());
            assertTrue(names.stream().anyMatch(n -> n.startsWith("table.snapshot.corrupt-")), names.toString());
        }
        t.insert(spec(2));
    }

    @Test
    void changesArePostedOnEventAdmin() throws Exception {
        try (Events events = Events.listen(context, TableEvents.TOPIC_PREFIX + "*")) {
            TranslationEntry e = table().insert(spec(7));
            Event added = next(events, TableEvents.TOPIC_ADDED);
            assertEquals(e.id(), added.getProperty(TableEvents.ENTRY_ID));
            assertEquals("2001:db8:aa::7", added.getProperty(TableEvents.VIRTUAL));
            assertTrue(table().remove(e.id()));
            Event removed = next(events, TableEvents.TOPIC_REMOVED);
            assertEquals("REMOVED", removed.getProperty(TableEvents.REASON));
        }
    }

    /** The next table event, within the wait, which must be on {@code topic}. */
    private static Event next(Events events, String topic) throws InterruptedException {
        Event e = events.next();
        assertNotNull(e, "no event on " + topic);
        assertEquals(topic, e.getTopic());
        return e;
    }

    /** A Teredo peer whose NAT moved it: one replace, posted as the old entry's removal and the new one's addition. */
    @Test
    void aMovedPeerIsReplacedPostedOnEventAdminAndKeptAcrossARestart() throws Exception {
        Endpoint teredo = Endpoint.parse("2001:0:c000:201::5");
        TranslationEntry old = table().insert(new EntrySpec(EntryKind.TEREDO_PEER, teredo, Endpoint.parse("203.0.113.9:40000"), EntryOwner.NONE,
                Duration.ofSeconds(77)));
        TranslationEntry moved;
        try (Events events = Events.listen(context, TableEvents.TOPIC_PREFIX + "*")) {
            moved = table().replace(old.id(), new EntrySpec(EntryKind.TEREDO_PEER, teredo, Endpoint.parse("203.0.113.9:40001"), EntryOwner.NONE,
                    Duration.ofSeconds(77)));
            assertEquals(old.id(), next(events, TableEvents.TOPIC_REMOVED).getProperty(TableEvents.ENTRY_ID));
            Event added = next(events, TableEvents.TOPIC_ADDED);
            assertEquals(moved.id(), added.getProperty(TableEvents.ENTRY_ID));
            assertEquals("203.0.113.9:40001", added.getProperty(TableEvents.REAL));
        }
        assertFalse(old.isLive());
        assertTrue(table().lookupByReal(Endpoint.parse("203.0.113.9:40000")).isEmpty());
        assertEquals(1, table().size());

        Bundle tableBundle = tableBundle();
        tableBundle.stop();
        tableBundle.start();
        TranslationEntry restored = awaitTable().lookupByVirtual(teredo).orElseThrow();
        assertEquals(moved.id(), restored.id());
        assertEquals(Endpoint.parse("203.0.113.9:40001"), restored.realSide());
    }

    @Test
    void gogoCommandsAddListLookUpAndClearEntries(@InjectService CommandProcessor processor) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(out, true);
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]), ps, ps);
        try {
            assertTrue(String.valueOf(session.execute("table:add 2001:db8:99::1 198.51.100.9:5000")).startsWith("added"));
            assertTrue(String.valueOf(session.execute("table:add 2001:db8:99::1 198.51.100.9:5001")).startsWith("refused"));
            String list = String.valueOf(session.execute("table:list"));
            assertTrue(list.contains("2001:db8:99::1") && list.contains("198.51.100.9:5000") && list.endsWith("1 entry"), list);
            String lookup = String.valueOf(session.execute("table:lookup 198.51.100.9:5000"));
            assertTrue(lookup.startsWith("real side of:"), lookup);
            assertTrue(String.valueOf(session.execute("table:lookup 198.51.100.9:5999")).startsWith("no entry"));
            assertTrue(String.valueOf(session.execute("table:stats")).contains("entries 1 / capacity"));
            assertEquals("cleared 1 entries", String.valueOf(session.execute("table:clear")));
            assertEquals(0, table().size());
        } finally {
            session.close();
        }
    }

    /** A bundle holding only {@link ConsumerActivator}, at version {@code major}.0.0. */
    private static InputStream consumerBundle(int major) throws IOException {
        Manifest mf = new Manifest();
        Attributes a = mf.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Bundle-ManifestVersion", "2");
        a.putValue("Bundle-SymbolicName", "org.ntmgate.itest.consumer");
        a.putValue("Bundle-Version", major + ".0.0");
        a.putValue("Bundle-Activator", ConsumerActivator.class.getName());
        a.putValue("Import-Package", "org.ntmgate.api.net;version=\"[1.0,2)\",org.ntmgate.api.table;version=\"[1.0,2)\","
                + "org.osgi.framework");
        String path = ConsumerActivator.class.getName().replace('.', '/') + ".class";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, mf);
                InputStream cls = ConsumerActivator.class.getClassLoader().getResourceAsStream(path)) {
            jar.putNextEntry(new JarEntry(path));
            cls.transferTo(jar);
            jar.closeEntry();
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }
}
