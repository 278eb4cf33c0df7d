package org.ntmgate.role;

/**
 * What a role shows a field tech beyond its one-line {@code RoleStatus#detail}: its details (sockets, counters) and
 * the views {@link GatewayRoles} names for it (paths, peers, nodes). Implemented by the component that registers the
 * role's {@code RoleStatus}; the lifecycle bundle's Gogo commands ask it.
 */
public interface RoleViews {
    /** The role's details, on lines of their own. */
    String details();

    /** The view named {@code name}, one of its {@link GatewayRoles.Info#views}; null when it has no such view. */
    default String view(String name) {
        return null;
    }
}
