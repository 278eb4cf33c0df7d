package org.ntmgate.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ntmgate.api.table.TranslationTable;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class RuntimeBundlesTest {
    @InjectBundleContext
    BundleContext context;

    @Test
    void everyBundleOfTheRuntimeResolvesAndIsActive() {
        List<String> notActive = Arrays.stream(context.getBundles())
                .filter(b -> b.getHeaders().get(Constants.FRAGMENT_HOST) == null)
                // started with a lazy activation policy, a library waits in STARTING for its first class load (JNA)
                .filter(b -> b.getState() != Bundle.ACTIVE && !(b.getState() == Bundle.STARTING
                        && Constants.ACTIVATION_LAZY.equals(b.getHeaders().get(Constants.BUNDLE_ACTIVATIONPOLICY))))
                .map(b -> b.getSymbolicName() + " state " + b.getState())
                .collect(Collectors.toList());
        assertEquals(List.of(), notActive);
        List<String> names = Arrays.stream(context.getBundles()).map(Bundle::getSymbolicName).collect(Collectors.toList());
        for (String required : List.of("org.ntmgate.api", "org.ntmgate.table", "org.ntmgate.console", "org.ntmgate.lifecycle",
                "org.ntmgate.defaults", "org.ntmgate.pool", "org.ntmgate.policy", "org.ntmgate.as", "org.ntmgate.dc", "org.ntmgate.rsn", "org.ntmgate.node", "org.ntmgate.teredo", "org.ntmgate.tun", "org.ntmgate.packet", "org.ntmgate.wire", "org.ntmgate.storage", "org.apache.felix.scr", "org.apache.felix.configadmin", "org.apache.felix.metatype",
                "org.apache.felix.eventadmin", "org.apache.felix.log", "org.apache.felix.http.jetty12",
                "org.apache.felix.webconsole", "org.apache.felix.webconsole.plugins.ds",
                "org.apache.felix.webconsole.plugins.event", "org.apache.felix.gogo.shell", "org.apache.felix.fileinstall",
                "org.apache.felix.configurator")) {
            assertTrue(names.contains(required), required + " is part of the runtime");
        }
    }

    @Test
    void theTableServiceIsUpWithItsShippedDefaultConfiguration(@InjectService TranslationTable table,
            @InjectService ConfigurationAdmin cm) throws Exception {
        assertNotNull(table);
        var props = cm.getConfiguration("org.ntmgate.table", "?").getProperties();
        assertNotNull(props, "the defaults bundle configured org.ntmgate.table");
        assertEquals(65_536, props.get("capacity"));
        assertEquals(65_536, table.statistics().capacity());
    }
}
