package org.ntmgate.lifecycle.impl;

import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.apache.felix.service.command.Function;
import org.ntmgate.api.config.ConfigurationRecords;
import org.ntmgate.api.health.RoleStates;
import org.ntmgate.api.health.RoleStatus;
import org.ntmgate.role.GatewayRoles;
import org.ntmgate.role.RoleViews;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * The Gogo commands of every role {@link GatewayRoles} lists, there whether or not the role's bundle runs or its
 * configuration is stored, so that a field tech can always ask a role why it is off ({@link RoleStates}: not
 * configured, refused, configured but not serving, serving since): {@code <scope>:<command>} ({@code rsn:status},
 * {@code teredo:client}) and each of its views ({@code rsn:paths}, {@code dc:nodes}); the view of a role that is
 * off answers as its status does. One command service per function, answered from the role's {@link RoleStatus}
 * and {@link RoleViews} as they come and go.
 */
@Component(immediate = true, service = {})
public class RoleCommands {
    private final Map<String, RoleStatus> roles = new ConcurrentHashMap<>();
    private final List<ServiceRegistration<?>> commands = new ArrayList<>();
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationRecords records;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addRole(RoleStatus role) {
        roles.put(role.role(), role);
    }

    void removeRole(RoleStatus role) {
        roles.remove(role.role(), role);
    }

    @Activate
    void activate(BundleContext context) {
        for (GatewayRoles.Info role : GatewayRoles.ALL) {
            register(context, role.scope(), role.command(), () -> status(role));
            for (String view : role.views()) {
                register(context, role.scope(), view, () -> view(role, view));
            }
        }
    }

    @Deactivate
    void deactivate() {
        commands.forEach(ServiceRegistration::unregister);
        commands.clear();
    }

    /** What {@code <scope>:<command>} answers. */
    String status(GatewayRoles.Info role) {
        RoleStatus s = roles.get(role.name());
        return RoleStates.describe(role.title(), role.pid(), s, s instanceof RoleViews v ? v.details() : null, records);
    }

    /** What {@code <scope>:<view>} answers: the view, or the role's status while it has none to show. */
    String view(GatewayRoles.Info role, String name) {
        RoleStatus s = roles.get(role.name());
        String v = s instanceof RoleViews views ? views.view(name) : null;
        return v != null ? v : status(role);
    }

    private void register(BundleContext context, String scope, String function, Supplier<String> answer) {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("osgi.command.scope", scope);
        p.put("osgi.command.function", function);
        commands.add(context.registerService(Function.class, (session, arguments) -> answer.get(), p));
    }
}
