package org.ntmgate.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ntmgate.api.config.ConfigurationEvents;
import org.ntmgate.api.net.AddressFamily;
import org.ntmgate.api.pool.Lease;
import org.ntmgate.api.pool.PoolException;
import org.ntmgate.api.pool.PoolInfo;
import org.ntmgate.api.pool.PoolPurpose;
import org.ntmgate.api.pool.VirtualAddressPools;
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

/** Pools as an administrator manages them: factory configurations through ConfigAdmin, in a real framework. */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class VirtualAddressPoolsServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @InjectBundleContext
    BundleContext context;
    @InjectService
    ConfigurationAdmin cm;
    @InjectService
    org.apache.felix.service.command.CommandProcessor gogo;

    private final List<Configuration> created = new ArrayList<>();

    @AfterEach
    void deleteTestPools() throws Exception {
        for (Configuration c : created) {
            try {
                c.delete();
            } catch (IllegalStateException alreadyGone) {
                // a refused new configuration: the configuration gate deleted it
            }
        }
        Await.until("test pools withdrawn", WAIT, () -> pools().pools().stream().noneMatch(p -> p.name().startsWith("itest-")));
    }

    private VirtualAddressPools pools() {
        ServiceReference<VirtualAddressPools> ref = context.getServiceReference(VirtualAddressPools.class);
        return ref == null ? null : context.getService(ref);
    }

    private Configuration pool(String name, String prefix, PoolPurpose purpose) throws Exception {
        Configuration c = cm.getFactoryConfiguration("org.ntmgate.pool", name, "?");
        c.update(props(name, prefix, purpose));
        created.add(c);
        return c;
    }

    private static Dictionary<String, Object> props(String name, String prefix, PoolPurpose purpose) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("name", name);
        p.put("prefix", prefix);
        p.put("purpose", purpose.name());
        p.put("leaseTimeSeconds", 600L);
        return p;
    }

    private PoolInfo awaitPool(String name, String prefix) throws Exception {
        Await.until("pool " + name + " " + prefix, WAIT,
                () -> pools().pools().stream().anyMatch(p -> p.name().equals(name) && p.prefix().toString().equals(prefix)));
        return pools().pools().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void theShippedDefaultPoolsAreUp() throws Exception {
        awaitPool("node-v4", "10.201.0.0/16");
        awaitPool("node-v6", "fd4e:746d:0:1::/64");
        awaitPool("general-v6", "fd4e:746d:0:2::/64");
    }

    @Test
    void aPoolCreatedAndChangedThroughConfigAdminTakesEffectAtOnce() throws Exception {
        Configuration c = pool("itest-a", "203.0.113.0/29", PoolPurpose.NODE);
        PoolInfo info = awaitPool("itest-a", "203.0.113.0/29");
        assertEquals(PoolPurpose.NODE, info.purpose());
        Lease l = pools().allocate(AddressFamily.IPV4, PoolPurpose.NODE, "itest-a.example.net");
        assertTrue(l.address().getHostAddress().startsWith("203.0.113.") || l.pool().equals("node-v4"), l.toString());

        c.update(props("itest-a", "203.0.113.0/28", PoolPurpose.NODE));
        awaitPool("itest-a", "203.0.113.0/28");
    }

    @Test
    void overlapsAndChangesThatStrandLeasesAreRefusedNamingPoolAndField() throws Exception {
        try (Events refusals = Events.refusals(context)) {
            Configuration gn = pool("itest-gn", "2001:db8:77::/126", PoolPurpose.GENERAL_NODE);
            awaitPool("itest-gn", "2001:db8:77::/126");
            Configuration clash = pool("itest-clash", "2001:db8:77::/125", PoolPurpose.GENERAL_NODE);
            Event overlap = refusals.next();
            assertNotNull(overlap, "a refusal for the overlapping pool");
            assertEquals("prefix", overlap.getProperty(ConfigurationEvents.FIELD));
            assertTrue(String.valueOf(overlap.getProperty(ConfigurationEvents.MESSAGE)).contains("'itest-clash'"));
            assertTrue(String.valueOf(overlap.getProperty(ConfigurationEvents.MESSAGE)).contains("overlaps pool 'itest-gn'"));
            // never accepted, so not kept: no configuration is left that would define the pool after a restart
            String clashPid = clash.getPid();
            Await.until("the refused new pool configuration removed", WAIT, () -> {
                try {
                    return cm.listConfigurations("(service.pid=" + clashPid + ")") == null;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertTrue(Gogo.run(gogo, "config:refusals").contains("configuration " + clashPid + " from ConfigAdmin refused"));
            assertTrue(Gogo.run(gogo, "config:forget " + clashPid).startsWith("forgot: "));

            withShippedPoolSetAside("general-v6", "fd4e:746d:0:2::/64", () -> {
                Lease l = pools().allocate(AddressFamily.IPV6, PoolPurpose.GENERAL_NODE, "itest>gn.example.org");
                assertEquals("itest-gn", l.pool());
                gn.update(props("itest-gn", "2001:db8:78::/126", PoolPurpose.GENERAL_NODE));
                Event stranded = refusals.next();
                assertNotNull(stranded, "a refusal for the change that strands a lease");
                assertEquals("prefix", stranded.getProperty(ConfigurationEvents.FIELD));
                assertTrue(String.valueOf(stranded.getProperty(ConfigurationEvents.MESSAGE)).contains("strand 1 live lease"));
                assertEquals("2001:db8:77::/126", awaitPool("itest-gn", "2001:db8:77::/126").prefix().toString(),
                        "the previous definition stays in force");
                Await.until("the accepted prefix stored again", WAIT, () -> "2001:db8:77::/126".equals(gn.getProperties().get("prefix")));
                assertNull(refusals.next(Duration.ofSeconds(1)), "one refusal event per refused write");
                assertTrue(Gogo.run(gogo, "config:forget " + gn.getPid()).startsWith("forgot: "));
                assertTrue(pools().release(l.address(), "itest>gn.example.org"));
            });
        }
    }

    @Test
    void anExhaustedPoolSaysWhichOne() throws Exception {
        // The shipped IPv4 general-node pool (a /16) is set aside so the tiny test pool is the only one of its kind.
        withShippedPoolSetAside("general-v4", "10.202.0.0/16", () -> {
            pool("itest-tiny", "198.51.100.0/30", PoolPurpose.GENERAL_NODE);
            awaitPool("itest-tiny", "198.51.100.0/30");
            Lease one = pools().allocate(AddressFamily.IPV4, PoolPurpose.GENERAL_NODE, "itest-1");
            Lease two = pools().allocate(AddressFamily.IPV4, PoolPurpose.GENERAL_NODE, "itest-2");
            PoolException full = assertThrows(PoolException.class,
                    () -> pools().allocate(AddressFamily.IPV4, PoolPurpose.GENERAL_NODE, "itest-3"));
            assertEquals(PoolException.Reason.EXHAUSTED, full.reason());
            assertTrue(full.getMessage().contains("'itest-tiny' (198.51.100.0/30)"), full.getMessage());
            pools().release(one.address(), "itest-1");
            pools().release(two.address(), "itest-2");
        });
    }

    @Test
    void leasesSurviveARestartOfThePoolBundle() throws Exception {
        pool("itest-keep", "2001:db8:99::/120", PoolPurpose.NODE);
        awaitPool("itest-keep", "2001:db8:99::/120");
        Lease before = pools().allocate(AddressFamily.IPV6, PoolPurpose.NODE, "itest-keep.example.net");
        Bundle b = Stream.of(context.getBundles()).filter(x -> x.getSymbolicName().equals("org.ntmgate.pool")).findFirst().orElseThrow();
        b.stop();
        b.start();
        Await.until("the pool service is back", WAIT, () -> pools() != null);
        awaitPool("itest-keep", "2001:db8:99::/120");
        assertEquals(before.address(), pools().leaseOf(before.address()).orElseThrow().address());
        assertEquals(before.address(), pools().allocate(AddressFamily.IPV6, PoolPurpose.NODE, "itest-keep.example.net").address(),
                "the same owner gets the same address after the restart");
        pools().release(before.address(), "itest-keep.example.net");
    }

    /** Runs {@code body} with a shipped default pool deleted, so a test pool is the only one of its kind; restores it. */
    private void withShippedPoolSetAside(String name, String prefix, ThrowingRunnable body) throws Exception {
        Configuration shipped = cm.getFactoryConfiguration("org.ntmgate.pool", name, "?");
        Dictionary<String, Object> shippedProps = shipped.getProperties();
        assertNotNull(shippedProps, "the defaults bundle configured " + name);
        shipped.delete();
        try {
            Await.until(name + " withdrawn", WAIT, () -> pools().pools().stream().noneMatch(p -> p.name().equals(name)));
            body.run();
        } finally {
            shippedProps.remove("service.pid");
            shippedProps.remove("service.factoryPid");
            cm.getFactoryConfiguration("org.ntmgate.pool", name, "?").update(shippedProps);
            awaitPool(name, prefix);
        }
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

}
