package org.ntmgate.pages.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.ntmgate.api.account.NodeAccounts;
import org.ntmgate.api.config.ConfigurationCheck;
import org.ntmgate.api.config.ConfigurationRecords;
import org.ntmgate.api.health.GatewayHealth;
import org.ntmgate.api.health.RoleStatus;
import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.pool.VirtualAddressPools;
import org.ntmgate.api.registry.NodeRegistry;
import org.ntmgate.api.relay.RelayTunnels;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.api.teredo.TeredoClientView;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * What the pages and /metrics read the gateway through: every role's {@link RoleStatus} by its name ("rsn",
 * "teredo-client") and each service a page shows or edits. Each service but ConfigAdmin is optional and followed as
 * it comes and goes (a role bundle hot-swapped, a role not configured): {@link #get} gives null while it is away (a page
 * reads it once into a local and says what is not running instead of failing).
 */
@Component(service = Gateway.class)
public class Gateway {
    private final Map<String, RoleStatus> byName = new ConcurrentHashMap<>();

    /** The optional services a page reads, each followed by a tracker while the component is active. */
    static final List<Class<?>> SERVICES = List.of(ConfigurationRecords.class, ConfigurationCheck.class, GatewayHealth.class, TranslationTable.class,
            VirtualAddressPools.class, RelayPolicy.class, NodeAccounts.class, NodeRegistry.class, RelayTunnels.class, TeredoClientView.class);

    @Reference
    volatile ConfigurationAdmin ca;
    private final Map<Class<?>, Supplier<Object>> services = new ConcurrentHashMap<>();
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    public Gateway() {
    }

    /** A gateway made of the given services, each under every type of {@link #SERVICES} it is, for the pages' fixture. */
    Gateway(Object... given) {
        for (Object s : given) {
            if (s instanceof ConfigurationAdmin c) {
                ca = c;
            }
            if (s instanceof RoleStatus r) {
                addRole(r);
            }
            SERVICES.stream().filter(type -> type.isInstance(s)).forEach(type -> services.put(type, () -> s));
        }
    }

    @Activate
    void activate(BundleContext context) {
        for (Class<?> type : SERVICES) {
            ServiceTracker<?, ?> t = new ServiceTracker<>(context, type.getName(), null);
            t.open();
            trackers.add(t);
            services.put(type, t::getService);
        }
    }

    @Deactivate
    void deactivate() {
        trackers.forEach(ServiceTracker::close);
        trackers.clear();
        services.clear();
    }

    /** The service of {@code type} (one of {@link #SERVICES}) there now, or null while it is away. */
    <T> T get(Class<T> type) {
        Supplier<Object> s = services.get(type);
        return s == null ? null : type.cast(s.get());
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addRole(RoleStatus role) {
        byName.put(role.role(), role);
    }

    void removeRole(RoleStatus role) {
        byName.remove(role.role(), role);
    }

    /** The role named {@code name}, or null when it is not configured here. */
    RoleStatus role(String name) {
        return byName.get(name);
    }

    /** Every role there now, by name in order. */
    Map<String, RoleStatus> roles() {
        return new TreeMap<>(byName);
    }

    /** Why the gate last refused a write of {@code pid}, or null (also when the gate is not running). */
    String refusal(String pid) {
        ConfigurationRecords r = get(ConfigurationRecords.class);
        return r == null ? null : r.refusal(pid);
    }

    /** Whether a configuration of {@code pid} is stored, as far as the gate knows (false when it is not running). */
    boolean stored(String pid) {
        ConfigurationRecords r = get(ConfigurationRecords.class);
        return r != null && r.stored(pid);
    }

}
