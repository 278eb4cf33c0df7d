package org.ntmgate.teredo.impl;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.role.RoleRunner;
import org.ntmgate.role.RunnerStatus;
import org.ntmgate.api.fallback.Ipv6Fallback;
import org.ntmgate.api.net.AddressFormat;
import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.api.health.RoleStatus;
import org.ntmgate.api.teredo.TeredoClientState;
import org.ntmgate.api.teredo.TeredoClientView;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Teredo client role (RFC 4380 5.2): present only when PID {@code org.ntmgate.teredo.client} is configured. */
@Component(service = { TeredoClientComponent.class, RoleStatus.class, Ipv6Fallback.class, TeredoClientView.class }, configurationPid = TeredoClientComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = TeredoClientConfig.class)
public class TeredoClientComponent implements RunnerStatus<TeredoClient>, Ipv6Fallback, TeredoClientView {
    static final String PID = "org.ntmgate.teredo.client";
    private static final Logger LOG = LoggerFactory.getLogger(TeredoClientComponent.class);

    private final RoleRunner<TeredoClient, TeredoClient> runner = new RoleRunner<>(LOG, "Teredo client", "running", c -> "");

    /** A client built from a validated configuration (not started), or a refusal naming the field. */
    static TeredoClient validate(TeredoClientConfig c) {
        try {
            Inet4Address primary = global(c.serverAddress(), "serverAddress");
            Inet4Address secondary = c.secondaryAddress() == null || c.secondaryAddress().isBlank()
                    ? TeredoAddress.v4(TeredoServer.v4(primary) + 1)
                    : global(c.secondaryAddress(), "secondaryAddress");
            if (secondary.equals(primary)) {
                throw new InvalidConfigurationException(PID, "secondaryAddress", "must differ from serverAddress (the NAT check needs two addresses)");
            }
            InetAddress bind = c.bindAddress() == null || c.bindAddress().isBlank() ? InetAddress.getByName("0.0.0.0") : v4(c.bindAddress(), "bindAddress");
            if (c.port() < 0 || c.port() > 65535) {
                throw new InvalidConfigurationException(PID, "port", "must be 0..65535");
            }
            if (c.refreshSeconds() < 5 || c.refreshSeconds() > 3600) {
                throw new InvalidConfigurationException(PID, "refreshSeconds", "must be 5..3600 (RFC 4380 5.2.7 suggests 30)");
            }
            if (c.routeMetric() < 0) {
                throw new InvalidConfigurationException(PID, "routeMetric", "must not be negative");
            }
            String tun = ConfigChecks.interfaceName(PID, "tunName", c.tunName());
            return new TeredoClient(new InetSocketAddress(primary, TeredoServer.PORT), new InetSocketAddress(secondary, TeredoServer.PORT),
                    new InetSocketAddress(bind, c.port()), tun, Duration.ofSeconds(c.refreshSeconds()), c.routeMetric(),
                    c.refuseSymmetricNat(), c.hairpinning());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    @Activate
    @Modified
    synchronized void configure(TeredoClientConfig c) {
        runner.configure(c, TeredoClientComponent::validate, client -> client, (s, client) -> {
            client.start();
            LOG.info("Teredo client started: {}", client.status());
        });
    }

    private static Inet4Address v4(String value, String field) {
        try {
            InetAddress a = InetAddress.getByName(value == null || value.isBlank() ? "-" : value.trim());
            if (a instanceof Inet4Address) {
                return (Inet4Address) a;
            }
        } catch (java.net.UnknownHostException e) {
            // below
        }
        throw new InvalidConfigurationException(PID, field, "'" + value + "' is not an IPv4 address");
    }

    private static Inet4Address global(String value, String field) {
        Inet4Address a = v4(value, field);
        if (!TeredoServer.globalUnicast(TeredoServer.v4(a))) {
            throw new InvalidConfigurationException(PID, field, "must be a global unicast IPv4 address (a Teredo server), not " + value);
        }
        return a;
    }

    @Deactivate
    synchronized void deactivate() {
        runner.stop();
    }

    @Override
    public String role() {
        return "teredo-client";
    }

    /** Serving: running and qualified (or qualifying again after a mapping change). */
    @Override
    public boolean serving() {
        TeredoClient client = runner.engine();
        return client != null && client.qualification().state() == TeredoClient.State.QUALIFIED;
    }

    @Override
    public RoleRunner<TeredoClient, TeredoClient> runner() {
        return runner;
    }

    @Override
    public String detail(TeredoClient client) {
        return client.status();
    }

    @Override
    public RoleCounters counters(TeredoClient client) {
        return client.counters();
    }

    /** Usable as the NTM node's fallback: qualified (behind a symmetric NAT too: the node's names are native hosts, reached through relays). */
    @Override
    public boolean usable() {
        return serving();
    }

    @Override
    public String describe() {
        return runner.view(client -> {
            TeredoClient.Qualification q = client.qualification();
            return "Teredo client " + q.state().name().toLowerCase() + (q.address() != null ? " as " + AddressFormat.format(q.address().toBytes()) : "")
                    + ", NAT " + q.nat().name().toLowerCase() + " (" + q.why() + ")";
        });
    }

    /** teredo:client: qualification state, NAT type and why, address, counters, drops by reason. */
    public String client() {
        return runner.view(client -> "Teredo client " + client.status());
    }

    /** teredo:peers: each peer, where it is reached, when last heard. */
    public String peers() {
        return runner.view(TeredoClient::peers);
    }

    @Override
    public TeredoClientState state() {
        TeredoClient client = runner.engine();
        return client == null ? null : client.view();
    }
}
