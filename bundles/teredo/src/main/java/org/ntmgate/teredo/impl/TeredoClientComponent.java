package org.ntmgate.teredo.impl;


import org.ntmgate.role.GatewayRoles;
import org.ntmgate.role.RoleRunner;
import org.ntmgate.role.RunnerStatus;
import org.ntmgate.api.fallback.Ipv6Fallback;
import org.ntmgate.api.net.AddressFormat;
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
    static final String PID = TeredoClientSettings.PID;
    private static final Logger LOG = LoggerFactory.getLogger(TeredoClientComponent.class);

    private final RoleRunner<TeredoClientSettings, TeredoClient> runner = new RoleRunner<>(LOG, GatewayRoles.TEREDO_CLIENT, "running", c -> "");

    @Activate
    @Modified
    synchronized void configure(TeredoClientConfig c) {
        runner.configure(c, TeredoClientSettings::of, TeredoClient::new, (s, client) -> {
            client.start();
            LOG.info("Teredo client started: {}", client.status());
        });
    }

    @Deactivate
    synchronized void deactivate() {
        runner.stop();
    }

    /** Serving: running and qualified (or qualifying again after a mapping change). */
    @Override
    public boolean serving() {
        TeredoClient client = runner.engine();
        return client != null && client.qualification().state() == TeredoClient.State.QUALIFIED;
    }

    @Override
    public RoleRunner<TeredoClientSettings, TeredoClient> runner() {
        return runner;
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
    @Override
    public String details() {
        return runner.view(client -> "Teredo client " + client.status());
    }

    /** teredo:peers: each peer, where it is reached, when last heard. */
    @Override
    public String view(String name) {
        return name.equals("peers") ? runner.view(TeredoClient::peers) : null;
    }

    @Override
    public TeredoClientState state() {
        TeredoClient client = runner.engine();
        return client == null ? null : client.view();
    }
}
