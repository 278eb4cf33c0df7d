package org.ntmgate.dc.impl;

import org.apache.felix.service.command.Descriptor;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo commands in scope {@code dc}; present while the DC role is. */
@Component(service = DcCommands.class, property = { "osgi.command.scope=dc", "osgi.command.function=nodes",
        "osgi.command.function=status", "osgi.command.function=paths" })
public class DcCommands {
    private final DirectionCoordinatorComponent dc;

    @Activate
    public DcCommands(@Reference DirectionCoordinatorComponent dc) {
        this.dc = dc;
    }

    @Descriptor("list the registered nodes")
    public String nodes() {
        return dc.nodesText();
    }

    @Descriptor("list the paths this DC directed")
    public String paths() {
        return dc.pathsText();
    }

    @Descriptor("where the DC listens, and its counters")
    public String status() {
        return dc.status();
    }
}
