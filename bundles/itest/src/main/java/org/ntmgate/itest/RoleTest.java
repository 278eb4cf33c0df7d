package org.ntmgate.itest;

import java.time.Duration;

import org.apache.felix.service.command.CommandProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * A role that runs only when its configuration PID is set (AS, DC): each test switches it on through ConfigAdmin,
 * and it is switched off again after every test, whatever happened.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
abstract class RoleTest {
    static final Duration WAIT = Duration.ofSeconds(20);
    /** K_ad of the tests: the key the AS seals tickets with and the DC opens them with. */
    static final String K_AD = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";

    @InjectBundleContext
    BundleContext context;
    @InjectService
    ConfigurationAdmin cm;
    @InjectService
    CommandProcessor gogo;

    /** The role's configuration PID. */
    abstract String pid();

    @AfterEach
    void switchOff() throws Exception {
        Configuration c = cm.getConfiguration(pid(), "?");
        if (c.getProperties() != null) {
            c.delete();
        }
        // Declarative Services deactivates the role after ConfigAdmin's event, on another thread: the next test starts
        // only when no service carries the configuration any more
        Await.until(pid() + " switched off", WAIT, () -> {
            try {
                return context.getServiceReferences((String) null, "(service.pid=" + pid() + ")") == null;
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    String run(String command) {
        return Gogo.run(gogo, command);
    }
}
