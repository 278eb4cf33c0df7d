package org.ntmgate.lifecycle.impl;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.ntmgate.api.health.GatewayHealth;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.ntmgate.api.health.HealthProblems;
import org.ntmgate.api.health.RoleStatus;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * What is wrong with the gateway now, a line each (empty: healthy): bundles that are not active (fragments aside),
 * roles whose {@link RoleStatus} says they are not serving, configured roles (required configuration present) that
 * are unsatisfied, ntmgate components that failed to activate. Read by the health endpoint and by module hot-swap.
 */
@Component(service = GatewayHealth.class)
public final class HealthChecks implements GatewayHealth {
    private volatile BundleContext context;

    @Activate
    void activate(BundleContext c) {
        this.context = c;
    }

    /**
     * A bundle is up when it is active, a fragment, or started with a lazy activation policy and waiting for its first
     * class load (OSGi Core 4.4.6.2: it stays STARTING until then; JNA is such a library, loaded only by the TUN roles).
     */
    static boolean up(Bundle b) {
        return b.getState() == Bundle.ACTIVE || b.getHeaders("").get(Constants.FRAGMENT_HOST) != null
                || b.getState() == Bundle.STARTING && Constants.ACTIVATION_LAZY.equals(b.getHeaders("").get(Constants.BUNDLE_ACTIVATIONPOLICY));
    }

    @Override
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (!up(b)) {
                out.add("bundle " + b.getSymbolicName() + " " + b.getVersion() + " is " + state(b.getState()));
            }
        }
        try {
            for (ServiceReference<RoleStatus> r : context.getServiceReferences(RoleStatus.class, null)) {
                RoleStatus role = context.getService(r);
                if (role != null) {
                    try {
                        if (!role.serving()) {
                            out.add("role " + role.role() + " is configured but not serving: " + role.detail());
                        }
                    } finally {
                        context.ungetService(r);
                    }
                }
            }
            for (ServiceReference<HealthProblems> r : context.getServiceReferences(HealthProblems.class, null)) {
                HealthProblems source = context.getService(r);
                if (source != null) {
                    try {
                        out.addAll(source.problems());
                    } finally {
                        context.ungetService(r);
                    }
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        if (ref == null) {
            out.add("no Declarative Services runtime");
            return out;
        }
        ServiceComponentRuntime scr = context.getService(ref);
        try {
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
                if (!d.bundle.symbolicName.startsWith("org.ntmgate.") || !scr.isComponentEnabled(d)) {
                    continue;
                }
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE && "require".equals(d.configurationPolicy)) {
                        out.add("component " + d.name + " lacks " + Arrays.toString(Arrays.stream(c.unsatisfiedReferences).map(r -> r.name).toArray()));
                    } else if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        out.add("component " + d.name + " failed to activate: " + firstLine(c.failure));
                    }
                }
            }
        } finally {
            context.ungetService(ref);
        }
        return out;
    }

    /** A failure's first line: the exception and its message, without the stack trace. */
    static String firstLine(String failure) {
        if (failure == null) {
            return "unknown failure";
        }
        String line = failure.strip().lines().findFirst().orElse(failure).strip();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** The gateway's version: the image's when it runs from one, else this runtime's own (its lifecycle bundle's). */
    @Override
    public String version() {
        String image = context.getProperty("ntmgate.image.version");
        return image != null ? image : context.getBundle().getVersion().toString();
    }

    private static String state(int s) {
        return switch (s) {
            case Bundle.INSTALLED -> "INSTALLED (not resolved)";
            case Bundle.RESOLVED -> "RESOLVED (not started)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "in state " + s;
        };
    }

}
