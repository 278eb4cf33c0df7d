package org.ntmgate.role;

import java.util.List;

/**
 * The roles a gateway can run, in the order the console lists them: each role's name (its {@code RoleStatus#role}),
 * its title for people, its configuration PID, the bundle that holds it, and the Gogo commands that show it
 * whether or not it is configured ({@code <scope>:<command>} for its status, {@code <scope>:<view>} for each view of
 * {@link RoleViews}). One list, read by the console's Overview and by the lifecycle bundle's role commands.
 */
public final class GatewayRoles {
    /** One role. */
    public record Info(String name, String title, String pid, String bundle, String scope, String command, List<String> views) {
    }

    public static final Info AS = new Info("as", "Account Server", "org.ntmgate.as", "org.ntmgate.as", "as", "status", List.of());
    public static final Info DC = new Info("dc", "Direction Coordinator", "org.ntmgate.dc", "org.ntmgate.dc", "dc", "status", List.of("nodes", "paths"));
    public static final Info RSN = new Info("rsn", "Relay Server (RS-N)", "org.ntmgate.rsn", "org.ntmgate.rsn", "rsn", "status", List.of("paths"));
    public static final Info NODE = new Info("node", "NTM node", "org.ntmgate.node", "org.ntmgate.node", "node", "status", List.of("paths"));
    public static final Info TEREDO_SERVER = new Info("teredo-server", "Teredo server", "org.ntmgate.teredo.server", "org.ntmgate.teredo", "teredo", "server",
            List.of());
    public static final Info TEREDO_RELAY = new Info("teredo-relay", "Teredo relay", "org.ntmgate.teredo.relay", "org.ntmgate.teredo", "teredo", "relay",
            List.of());
    public static final Info TEREDO_CLIENT = new Info("teredo-client", "Teredo client", "org.ntmgate.teredo.client", "org.ntmgate.teredo", "teredo", "client",
            List.of("peers"));
    public static final List<Info> ALL = List.of(AS, DC, RSN, NODE, TEREDO_SERVER, TEREDO_RELAY, TEREDO_CLIENT);

    private GatewayRoles() {
    }
}
