package org.ntmgate.pages.impl;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import org.ntmgate.api.account.NodeAccount;
import org.ntmgate.api.account.NodeAccounts;
import org.ntmgate.api.config.ConfigurationCheck;
import org.ntmgate.provision.Accounts;
import org.ntmgate.api.config.ConfigurationRecords;
import org.ntmgate.api.registry.NodeRecord;
import org.ntmgate.api.registry.NodeRegistry;
import org.ntmgate.api.relay.RelayTunnels;
import org.osgi.service.component.annotations.Component;

/**
 * Accounts: the Account Server's node accounts (FQDN, node id, created, last login, registered with this gateway's DC
 * now or not, where the account is defined), and how an ISP provisions a subscriber's gateway: {@code add} makes an
 * account with a generated password, {@code reset} gives it a new one (each answered once, in that answer only,
 * never stored or logged: the AS keeps the derived key), {@code revoke} removes it, which ends its registration and
 * closes its tunnels on this gateway (protocol.md 4.7). Accounts are written as configurations of factory PID
 * {@code org.ntmgate.as.account} (one per FQDN, {@code org.ntmgate.as.account~<fqdn>}) after the AS's validator
 * passed them; an account made with {@code as:add} is moved into a configuration by its first reset. Names, passwords
 * and PIDs are made by {@link Accounts}, as {@code ntmgate account add} makes them.
 */
@Component(service = Page.class)
@Page.Info(name = "accounts", title = "Accounts")
public class AccountsPage extends GatewayPage {
    @Override
    public JsonObject read(Query q) {
        NodeAccounts as = gateway.get(NodeAccounts.class);
        NodeRegistry r = gateway.get(NodeRegistry.class);
        String text = q.search();
        int offset = q.offset();
        int limit = q.limit(100);
        Map<String, Map<String, Object>> configured = Configurations.factory(gateway.ca, NodeAccounts.ACCOUNT_FACTORY_PID);
        List<NodeAccount> all = as == null ? List.of() : as.accounts();
        List<NodeAccount> matching = all.stream().filter(a -> text.isEmpty() || a.fqdn().contains(text) || Long.toHexString(a.nodeId()).contains(text)).toList();
        Instant now = Instant.now();
        JsonArrayBuilder list = Json.array();
        matching.stream().skip(offset).limit(limit).forEach(a -> {
            Optional<NodeRecord> reg = r == null ? Optional.empty() : r.byId(a.nodeId());
            Map<String, Object> props = a.configurationPid() == null ? null : configured.get(a.configurationPid());
            Object file = props == null ? null : props.get("felix.fileinstall.filename");
            list.add(Json.of("fqdn", a.fqdn(), "id", Long.toHexString(a.nodeId()), "created", a.created(), "lastLogin", a.lastLogin(), "enabled", a.enabled(),
                    "registered", r == null ? null : reg.isPresent(), "lastSeenSecondsAgo",
                    reg.map(n -> Duration.between(n.lastContact(), now).toSeconds()).orElse(null), "virtualV6",
                    reg.map(n -> n.virtualV6() == null ? null : n.virtualV6().getHostAddress()).orElse(null), "pid", a.configurationPid(), "file",
                    file == null ? null : String.valueOf(file), "source", a.configurationPid() == null ? "account file (as:add)"
                            : file != null ? "file " + String.valueOf(file).replaceFirst(".*/", "") : "configuration",
                    "refusal", a.configurationPid() == null ? null : gateway.refusal(a.configurationPid())));
        });
        JsonArrayBuilder refused = Json.array();
        if (gateway.get(ConfigurationRecords.class) != null) {
            java.util.Set<String> serving = new java.util.HashSet<>();
            all.forEach(a -> serving.add(a.configurationPid()));
            configured.keySet().stream().filter(pid -> !serving.contains(pid))
                    .forEach(pid -> refused.add(Json.of("pid", pid, "fqdn", configured.get(pid).get("fqdn"), "refusal", gateway.refusal(pid))));
        }
        return Json.of("asRunning", as != null, "dcRunning", r != null, "accounts", list, "accountsMatching", matching.size(), "total", all.size(), "offset", offset,
                "limit", limit, "notServing", refused).build();
    }

    @Override
    public JsonObject act(String action, Query q) {
        return switch (action) {
            case "add" -> add(q);
            case "reset" -> reset(q);
            case "revoke" -> revoke(q);
            default -> super.act(action, q);
        };
    }

    private NodeAccounts as() {
        NodeAccounts as = gateway.get(NodeAccounts.class);
        if (as == null) {
            throw new PageException(409, null, "no Account Server runs on this gateway (configure PID org.ntmgate.as)");
        }
        return as;
    }

    /** The FQDN as the AS keeps it (the AS's validator judges the rest). */
    private static String fqdn(Query q) {
        return Accounts.fqdn(q.required("fqdn"));
    }

    private static Optional<NodeAccount> find(NodeAccounts as, String fqdn) {
        return as.accounts().stream().filter(a -> a.fqdn().equals(fqdn)).findFirst();
    }

    private JsonObject add(Query q) {
        NodeAccounts as = as();
        String fqdn = fqdn(q);
        if (find(as, fqdn).isPresent()) {
            throw PageException.badRequest("fqdn", "an account for " + fqdn + " exists: reset its password, or revoke it first");
        }
        String pid = Accounts.pid(fqdn);
        if (Configurations.factory(gateway.ca, NodeAccounts.ACCOUNT_FACTORY_PID).containsKey(pid)) {
            throw PageException.badRequest("fqdn", "configuration " + pid + " exists but is not serving (see its refusal): fix or remove it first");
        }
        String password = Accounts.password();
        write(as, pid, fqdn, password, Map.of());
        return Json.of("done", "account " + fqdn + " added", "fqdn", fqdn, "pid", pid, "password", password).build();
    }

    private JsonObject reset(Query q) {
        NodeAccounts as = as();
        String fqdn = fqdn(q);
        NodeAccount a = find(as, fqdn).orElseThrow(() -> new PageException(404, "fqdn", "no account " + fqdn));
        String pid = a.configurationPid() != null ? a.configurationPid() : Accounts.pid(fqdn);
        Map<String, Object> props = a.configurationPid() == null ? Map.of() : Configurations.factory(gateway.ca, NodeAccounts.ACCOUNT_FACTORY_PID).getOrDefault(pid, Map.of());
        String password = Accounts.password();
        write(as, pid, fqdn, password, props);
        return Json.of("done", "new password for " + fqdn + "; the old one no longer logs in, and " + ended(), "fqdn", fqdn, "pid", pid, "password", password)
                .build();
    }

    private JsonObject revoke(Query q) {
        NodeAccounts as = as();
        String fqdn = fqdn(q);
        NodeAccount a = find(as, fqdn).orElseThrow(() -> new PageException(404, "fqdn", "no account " + fqdn));
        if (a.configurationPid() != null) {
            Configurations.delete(gateway.ca, gateway.get(ConfigurationCheck.class), a.configurationPid());
        } else {
            try {
                as.delete(fqdn);
            } catch (IOException e) {
                throw new PageException(500, null, "account " + fqdn + " could not be removed: " + e.getMessage());
            }
        }
        return Json.of("done", "account " + fqdn + " revoked; " + ended(), "fqdn", fqdn).build();
    }

    /** What a revocation ends, as far as this gateway can tell (protocol.md 4.7). */
    private String ended() {
        return gateway.get(NodeRegistry.class) != null || gateway.get(RelayTunnels.class) != null ? "its registration and tunnels on this gateway end now"
                : "no DC or RS-N runs here: on other gateways its registration ends when its ticket expires";
    }

    /** Stores the account's configuration with the credential of {@code password}, keeping its other properties. */
    private void write(NodeAccounts as, String pid, String fqdn, String password, Map<String, Object> keep) {
        Map<String, Object> props = new LinkedHashMap<>(keep);
        props.put("fqdn", fqdn);
        props.put("credential", as.credential(password));
        props.putIfAbsent("enabled", Boolean.TRUE);
        if (props.get("felix.fileinstall.filename") != null) {
            throw new PageException(409, "fqdn", "account " + fqdn + " is defined by file " + props.get("felix.fileinstall.filename")
                    + ": change its credential there (as:hash makes one)");
        }
        Configurations.write(gateway.ca, gateway.get(ConfigurationCheck.class), pid, NodeAccounts.ACCOUNT_FACTORY_PID, props);
    }
}
