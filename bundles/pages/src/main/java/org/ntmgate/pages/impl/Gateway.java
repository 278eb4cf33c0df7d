package org.ntmgate.pages.impl;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import org.ntmgate.api.health.RoleStatus;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** Every role's {@link RoleStatus} there now, by its name ("rsn", "teredo-client"), for the pages and /metrics. */
@Component(service = Roles.class)
public class Roles {
    private final Map<String, RoleStatus> byName = new ConcurrentHashMap<>();

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addRole(RoleStatus role) {
        byName.put(role.role(), role);
    }

    void removeRole(RoleStatus role) {
        byName.remove(role.role(), role);
    }

    /** The role named {@code name}, or null when it is not configured here. */
    RoleStatus get(String name) {
        return byName.get(name);
    }

    /** Every role there now, by name in order. */
    Map<String, RoleStatus> all() {
        return new TreeMap<>(byName);
    }
}
