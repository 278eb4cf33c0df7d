package org.ntmgate.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Dictionary;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ntmgate.api.config.ConfigurationEvents;
import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.policy.RelayRequest;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.event.Event;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class RelayPolicyServiceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final RelayRequest TO_SECRET = new RelayRequest("mn.example.net", "www.secret.example.org", null, "rsn-1");

    @InjectBundleContext
    BundleContext context;
    @InjectService
    ConfigurationAdmin cm;
    @InjectService
    RelayPolicy policy;

    private Kept shipped;

    @BeforeEach
    void remember() throws Exception {
        shipped = Kept.of(cm, "org.ntmgate.policy");
        assertNotNull(shipped.properties(), "the defaults bundle configured org.ntmgate.policy");
    }

    @AfterEach
    void restore() throws Exception {
        shipped.restore();
        Await.until("the shipped policy is back", WAIT, () -> policy.decide(TO_SECRET).allowed());
    }

    @Test
    void aDenyRuleAddedThroughConfigAdminAppliesAtOnce() throws Exception {
        assertTrue(policy.decide(TO_SECRET).allowed(), "the shipped policy is open");
        assertEquals(64, policy.limitsFor("mn.example.net").maxSessions());
        Configuration c = cm.getConfiguration("org.ntmgate.policy", "?");
        Dictionary<String, Object> p = c.getProperties();
        p.put("denyDestinations", new String[] { "secret.example.org" });
        p.put("maxSessionsPerNode", 4);
        c.update(p);
        Await.until("the deny rule", WAIT, () -> !policy.decide(TO_SECRET).allowed());
        assertTrue(policy.decide(TO_SECRET).reason().contains("denyDestinations entry 'secret.example.org'"));
        assertEquals(4, policy.limitsFor("mn.example.net").maxSessions());
    }

    @Test
    void aBadEntryIsRefusedNamingTheFieldAndThePolicyStays() throws Exception {
        try (Events refusals = Events.refusals(context)) {
            Configuration c = Configs.put(cm, "org.ntmgate.policy", "denyDestinations", new String[] { "secret.example.org", "2001:db8::1/32" });
            Event refused = refusals.next();
            assertNotNull(refused);
            assertEquals("org.ntmgate.policy", refused.getProperty(ConfigurationEvents.PID));
            assertEquals("denyDestinations", refused.getProperty(ConfigurationEvents.FIELD));
            assertTrue(policy.decide(TO_SECRET).allowed(), "nothing of the refused change applies, not even its good entry");
            assertFalse(String.valueOf(refused.getProperty(ConfigurationEvents.MESSAGE)).isEmpty());
            // the configuration gate stores the accepted policy again: what ConfigAdmin holds is what runs
            Await.until("the refused list no longer stored", WAIT,
                    () -> !(c.getProperties().get("denyDestinations") instanceof String[] d && java.util.Arrays.asList(d).contains("2001:db8::1/32")));
            assertTrue(Gogo.run(context, "config:forget org.ntmgate.policy").startsWith("forgot: "));
        }
    }
}
