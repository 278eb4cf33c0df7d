package org.ntmgate.pages.impl;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import org.ntmgate.api.config.ConfigurationCheck;
import org.ntmgate.api.net.AddressFormat;
import org.ntmgate.api.policy.RelayDecision;
import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.policy.RelayRequest;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relay policy (PID {@code org.ntmgate.policy}): its rules as a list, an editor ({@code save}) checked by the policy
 * bundle's validator through the gate, and "would this be allowed?" ({@code check}: a node and a destination, name
 * or address; the answer names the rule that decides). A saved change runs at once (the policy service reads its
 * configuration live; the RS-N and the DC ask it per path) and is put back by itself after
 * {@value #CONFIRM_SECONDS} seconds (framework property {@value #CONFIRM_PROPERTY}) unless {@code confirm}ed, so a change that locks the admin's own fleet out
 * undoes itself; {@code revert} puts it back at once. While a change waits, another save is refused. If this page's
 * component stops with a change unconfirmed, the change is put back then.
 */
@Component(service = Page.class)
@Page.Info(name = "policy", title = "Relay policy")
public class PolicyPage extends GatewayPage {
    private static final Logger LOG = LoggerFactory.getLogger(PolicyPage.class);
    static final String PID = "org.ntmgate.policy";
    static final int CONFIRM_SECONDS = 60;
    static final String CONFIRM_PROPERTY = "ntmgate.console.confirm.seconds";
    static final List<String> LISTS = List.of("allowedRelays", "allowDestinations", "denyDestinations", "denyNodes", "nodeLimits");
    static final Map<String, Class<?>> NUMBERS = Map.of("maxSessionsPerNode", Integer.class, "maxBytesPerSecondPerNode", Long.class,
            "maxPacketsPerSecondPerNode", Long.class);

    private ScheduledExecutorService timer;
    private int confirmSeconds = CONFIRM_SECONDS;
    /** The change waiting for confirmation: what was stored before it (null: nothing was) and when it goes back. */
    private Pending pending;

    private record Pending(Map<String, Object> before, Instant deadline, ScheduledFuture<?> revert) {
    }

    @Activate
    void activate(org.osgi.framework.BundleContext context) {
        String v = context.getProperty(CONFIRM_PROPERTY);
        if (v != null) {
            try {
                confirmSeconds = Math.max(1, Integer.parseInt(v.trim()));
            } catch (NumberFormatException e) {
                LOG.error("Property {}='{}' is not a whole number of seconds; using {}", CONFIRM_PROPERTY, v, CONFIRM_SECONDS);
            }
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "ntmgate-policy-confirm"));
    }

    @Deactivate
    void deactivate() {
        synchronized (this) {
            if (pending != null) {
                LOG.warn("Relay policy: the console stops with a change not confirmed: putting the previous policy back");
                revertNow("the console page stopped before the change was confirmed");
            }
        }
        timer.shutdownNow();
    }

    @Override
    public synchronized JsonObject read(Query q) {
        Map<String, Object> c = Configurations.read(gateway.ca, PID);
        Map<String, Object> props = c == null ? Map.of() : c;
        JsonArrayBuilder rules = Json.array();
        rules(rules, props, "denyNodes", "deny", "node");
        rules(rules, props, "denyDestinations", "deny", "destination");
        rules(rules, props, "allowDestinations", "allow only", "destination");
        rules(rules, props, "allowedRelays", "allow only", "relay");
        rules(rules, props, "nodeLimits", "limit", "node");
        var fields = Json.object();
        LISTS.forEach(f -> Json.put(fields, f, String.join("\n", list(props.get(f)))));
        NUMBERS.keySet().forEach(f -> Json.put(fields, f, props.get(f) == null ? null : String.valueOf(props.get(f))));
        Pending p = pending;
        RelayPolicy rp = gateway.get(RelayPolicy.class);
        JsonArrayBuilder refused = Json.array();
        if (rp != null) {
            rp.recentRefusals().stream().limit(20).forEach(r -> {
                String address = r.request().destination() == null ? null : AddressFormat.format(r.request().destination().getAddress());
                refused.add(Json.of("at", r.at(), "node", r.request().nodeFqdn(), "destination",
                        r.request().destinationFqdn() != null ? r.request().destinationFqdn() : address, "address", address, "relay",
                        r.request().relayId() != null ? r.request().relayId() : "RS-N re-check of a live path", "reason", r.reason()));
            });
        }
        return Json.of("refusals", refused, "configured", c != null, "fields", fields, "rules", rules, "file", props.get("felix.fileinstall.filename"), "refusal",
                gateway.refusal(PID), "pending", p == null ? null
                        : Json.of("deadline", p.deadline(), "secondsLeft", Math.max(0, Duration.between(Instant.now(), p.deadline()).toSeconds())),
                "policyRunning", gateway.get(RelayPolicy.class) != null).build();
    }

    private static void rules(JsonArrayBuilder out, Map<String, Object> props, String field, String effect, String subject) {
        for (String e : list(props.get(field))) {
            out.add(Json.of("effect", effect, "subject", subject, "entry", e, "field", field));
        }
    }

    static List<String> list(Object v) {
        if (v == null) {
            return List.of();
        }
        if (v instanceof String[] a) {
            return Arrays.asList(a);
        }
        if (v instanceof java.util.Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of(String.valueOf(v));
    }

    @Override
    public JsonObject act(String action, Query q) {
        return switch (action) {
            case "save" -> save(q);
            case "confirm" -> confirm();
            case "revert" -> revert();
            case "check" -> check(q);
            default -> super.act(action, q);
        };
    }

    private synchronized JsonObject save(Query q) {
        if (pending != null) {
            throw new PageException(409, null, "a change waits for confirmation: confirm or revert it first");
        }
        Map<String, Object> before = Configurations.read(gateway.ca, PID);
        Map<String, Object> props = new LinkedHashMap<>(before == null ? Map.of() : before);
        for (String f : LISTS) {
            String v = q.get(f);
            if (v != null) {
                props.put(f, v.lines().map(String::trim).filter(s -> !s.isEmpty()).toArray(String[]::new));
            }
        }
        for (Map.Entry<String, Class<?>> f : NUMBERS.entrySet()) {
            String v = q.get(f.getKey());
            if (v != null) {
                try {
                    props.put(f.getKey(), f.getValue() == Integer.class ? (Object) Integer.valueOf(v) : (Object) Long.valueOf(v));
                } catch (NumberFormatException e) {
                    throw PageException.badRequest(f.getKey(), "must be a whole number (0: unlimited), not '" + v + "'");
                }
            }
        }
        Configurations.write(gateway.ca, gateway.get(ConfigurationCheck.class), PID, null, props);
        Instant deadline = Instant.now().plusSeconds(confirmSeconds);
        pending = new Pending(before, deadline, timer.schedule(this::expire, confirmSeconds, TimeUnit.SECONDS));
        LOG.info("Relay policy: a change is applied; it is put back at {} unless confirmed", deadline);
        return Json.of("done", "applied: confirm within " + confirmSeconds + " s or it is put back", "deadline", deadline).build();
    }

    private synchronized void expire() {
        if (pending != null && !Instant.now().isBefore(pending.deadline())) {
            revertNow("not confirmed within " + confirmSeconds + " s");
        }
    }

    private synchronized JsonObject confirm() {
        if (pending == null) {
            throw new PageException(409, null, "no change waits for confirmation");
        }
        pending.revert().cancel(false);
        pending = null;
        LOG.info("Relay policy: the change is confirmed");
        return Json.of("done", "confirmed: the change stays").build();
    }

    private synchronized JsonObject revert() {
        if (pending == null) {
            throw new PageException(409, null, "no change waits for confirmation");
        }
        revertNow("reverted by the admin");
        return Json.of("done", "the previous policy is back").build();
    }

    /** Puts back what was stored before the pending change (the gate accepted it then). */
    private void revertNow(String why) {
        Pending p = pending;
        pending = null;
        p.revert().cancel(false);
        try {
            if (p.before() == null) {
                Configurations.delete(gateway.ca, gateway.get(ConfigurationCheck.class), PID);
            } else {
                Configurations.write(gateway.ca, gateway.get(ConfigurationCheck.class), PID, null, p.before());
            }
            LOG.warn("Relay policy: the change was put back ({})", why);
        } catch (PageException e) {
            LOG.error("Relay policy: the change could not be put back ({}): {}", why, e.getMessage());
        }
    }

    private JsonObject check(Query q) {
        String node = q.required("node");
        String destination = q.required("destination");
        RelayPolicy p = gateway.get(RelayPolicy.class);
        if (p == null) {
            throw new PageException(409, null, "the relay policy service (bundle org.ntmgate.policy) is not running");
        }
        InetAddress address = null;
        String fqdn = destination;
        if (destination.matches("[0-9.]+|.*:.*")) {
            try {
                address = InetAddress.getByName(destination);
                fqdn = null;
            } catch (java.net.UnknownHostException e) {
                throw PageException.badRequest("destination", "'" + destination + "' is neither a name nor an address");
            }
        }
        RelayDecision d = p.check(new RelayRequest(node, fqdn, address, q.has("relay") ? q.get("relay") : null));
        return Json.of("done", (d.allowed() ? "allowed: " : "refused: ") + d.reason(), "allowed", d.allowed(), "reason", d.reason(), "limits",
                Json.of("maxSessions", d.limits().maxSessions(), "maxBytesPerSecond", d.limits().maxBytesPerSecond(), "maxPacketsPerSecond",
                        d.limits().maxPacketsPerSecond())).build();
    }
}
