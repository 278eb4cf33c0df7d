package org.ntmgate.as.impl;

import org.ntmgate.provision.Credentials;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.ntmgate.api.account.AccountEvents;
import org.ntmgate.api.account.NodeAccount;
import org.ntmgate.api.account.NodeAccounts;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.role.GatewayRoles;
import org.ntmgate.role.RoleRunner;
import org.ntmgate.role.RunnerStatus;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationEvent;
import org.ntmgate.api.health.RoleStatus;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Account Server role: present only when PID {@code org.ntmgate.as} is configured. Serves logins on UDP and
 * offers the account commands (scope {@code as}). A refused configuration keeps the previous one serving.
 */
@Component(service = { AccountServerComponent.class, ConfigurationListener.class, RoleStatus.class, NodeAccounts.class }, configurationPid = AccountServerComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true, property = { "osgi.command.scope=as",
                "osgi.command.function=add", "osgi.command.function=passwd", "osgi.command.function=remove",
                "osgi.command.function=enable", "osgi.command.function=disable", "osgi.command.function=list",
                "osgi.command.function=hash" })
@Designate(ocd = AsConfig.class)
public class AccountServerComponent implements ConfigurationListener, RunnerStatus<LoginServer>, NodeAccounts {
    static final String PID = AsSettings.PID;
    static final String ACCOUNT_PID = NodeAccounts.ACCOUNT_FACTORY_PID;
    private static final Logger LOG = LoggerFactory.getLogger(AccountServerComponent.class);
    private AccountBook accounts;
    private final RoleRunner<AsSettings, LoginServer> runner = new RoleRunner<>(LOG, GatewayRoles.AS, "serving", s -> "on udp " + s.bind());
    private volatile AsSettings settings;
    /** Accounts that came from configurations, by configuration PID: removed when their configuration is deleted. */
    private final Map<String, String> configuredAccounts = new ConcurrentHashMap<>();
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin events;

    @Activate
    void activate(BundleContext context, AsConfig config) {
        File f = context.getDataFile("accounts.txt");
        accounts = new AccountBook(f == null ? null : f.toPath().toAbsolutePath(), this::revoked, System::currentTimeMillis);
        try {
            accounts.load();
            LOG.info("Account Server: {} accounts from {}", accounts.list().size(), accounts.file());
        } catch (AccountBook.CorruptAccountsException e) {
            try {
                LOG.error("Account file {} is corrupt ({}); moved it to {}; starting without accounts", accounts.file(), e.getMessage(),
                        org.ntmgate.storage.AtomicFile.setAside(accounts.file(), System.currentTimeMillis()));
            } catch (IOException io) {
                LOG.error("Account file {} is corrupt ({}) and could not be moved aside: {}", accounts.file(), e.getMessage(), io.toString());
            }
        } catch (IOException e) {
            LOG.error("Could not read account file {}: {}", accounts.file(), e.toString());
        }
        configure(config);
    }

    @Modified
    synchronized void configure(AsConfig config) {
        runner.configure(config, AsSettings::of, s -> new LoginServer(accounts, s, System::currentTimeMillis), (s, server) -> {
            LOG.info("Account Server serving logins on udp {}", server.start());
            settings = s;
        });
    }

    @Deactivate
    synchronized void deactivate() {
        runner.stop();
        accounts.flush();
    }

    /**
     * protocol.md 4.7: tells the DC and RS-N of this gateway that {@code a} lost its grant: they end its registration
     * and paths and refuse the tickets it was given, which expire at the latest one ticket lifetime from now.
     */
    private void revoked(Account a) {
        long until = System.currentTimeMillis() + ticketLifetime().toMillis();
        EventAdmin ea = events;
        LOG.info("Account {} (node {}) revoked: {}", a.fqdn(), Long.toHexString(a.nodeId()),
                ea == null ? "no event service, so a DC here ends its registration only when its ticket expires"
                        : "its registration and paths on this gateway end now; its tickets are refused until they expire");
        if (ea != null) {
            ea.postEvent(new Event(AccountEvents.REVOKED, Map.of(AccountEvents.FQDN, a.fqdn(), AccountEvents.NODE_ID, a.nodeId(), AccountEvents.UNTIL, until)));
        }
    }

    private Duration ticketLifetime() {
        AsSettings s = settings;
        return s != null ? s.ticketLifetime() : Duration.ofSeconds(86_400); // the longest a ticket can be given for
    }

    @Override
    public List<NodeAccount> accounts() {
        Map<String, String> pidByFqdn = new java.util.HashMap<>();
        configuredAccounts.forEach((pid, fqdn) -> pidByFqdn.put(fqdn, pid));
        return accounts.list().stream().map(a -> new NodeAccount(a.fqdn(), a.nodeId(), a.created() == 0 ? null : Instant.ofEpochSecond(a.created()),
                a.lastLogin() == 0 ? null : Instant.ofEpochSecond(a.lastLogin()), a.enabled(), pidByFqdn.get(a.fqdn()))).toList();
    }

    @Override
    public String credential(String password) {
        return Credentials.of(password, iterations());
    }

    @Override
    public boolean delete(String fqdn) throws IOException {
        String n = AccountBook.fqdn(fqdn);
        if (configuredAccounts.containsValue(n)) {
            throw new IllegalArgumentException("account " + n + " is defined by a configuration of " + ACCOUNT_PID + ": delete that configuration");
        }
        return accounts.remove(n);
    }

    private int iterations() {
        return settings != null ? settings.iterations() : Credentials.DEFAULT_ITERATIONS;
    }

    /** Puts a configured account into the book; a bad one is refused naming the field (log and event). */
    /** An account configuration's FQDN and credential, or a refusal naming the field. */
    record ConfiguredAccount(String fqdn, Credentials.Derived credential) {
    }

    static ConfiguredAccount account(String configPid, AccountConfig c) {
        String pid = ACCOUNT_PID + " '" + configPid + "'";
        String fqdn;
        try {
            fqdn = AccountBook.fqdn(c.fqdn());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(pid, "fqdn", e.getMessage());
        }
        try {
            return new ConfiguredAccount(fqdn, Credentials.parse(c.credential()));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(pid, "credential", e.getMessage());
        }
    }

    void defineConfiguredAccount(String configPid, AccountConfig c) {
        try {
            ConfiguredAccount a = account(configPid, c);
            String fqdn = a.fqdn();
            Credentials.Derived d = a.credential();
            String previous = configuredAccounts.put(configPid, fqdn);
            if (previous != null && !previous.equals(fqdn)) {
                accounts.remove(previous);
            }
            accounts.putDerived(fqdn, d, c.enabled());
            LOG.info("Account {} from configuration {} ({})", fqdn, configPid, c.enabled() ? "enabled" : "disabled");
        } catch (InvalidConfigurationException e) {
            LOG.error("Configuration refused: {}", e.getMessage());
        } catch (IOException e) {
            LOG.error("Account from configuration {} not stored: {}", configPid, e.toString());
        }
    }

    /** A deleted account configuration removes its account (a component's deactivation cannot tell deletion from shutdown). */
    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_DELETED && ACCOUNT_PID.equals(event.getFactoryPid())) {
            String fqdn = configuredAccounts.remove(event.getPid());
            if (fqdn != null) {
                try {
                    accounts.remove(fqdn);
                    LOG.info("Account {} removed with its configuration {}", fqdn, event.getPid());
                } catch (IOException e) {
                    LOG.error("Account {} could not be removed: {}", fqdn, e.toString());
                }
            }
        }
    }

    @Descriptor("print the credential of a password, for an account configuration (org.ntmgate.as.account)")
    public String hash(@Descriptor("password") String password) {
        try {
            return Credentials.of(password, iterations());
        } catch (IllegalArgumentException e) {
            return "refused: " + e.getMessage();
        }
    }

    @Descriptor("add an account (node FQDN and password, at least 8 characters)")
    public String add(@Descriptor("node FQDN") String fqdn, @Descriptor("password") String password) {
        try {
            if (accounts.find(AccountBook.fqdn(fqdn)).isPresent()) {
                return "account " + fqdn + " exists; use as:passwd to change its password";
            }
            Account a = accounts.put(fqdn, password, iterations());
            return "added " + a.fqdn() + " (node " + Long.toHexString(a.nodeId()) + ")";
        } catch (IllegalArgumentException | IOException e) {
            return "refused: " + e.getMessage();
        }
    }

    @Descriptor("set a new password on an account")
    public String passwd(@Descriptor("node FQDN") String fqdn, @Descriptor("new password") String password) {
        try {
            if (accounts.find(AccountBook.fqdn(fqdn)).isEmpty()) {
                return "no account " + fqdn;
            }
            accounts.put(fqdn, password, iterations());
            return "password of " + fqdn + " changed";
        } catch (IllegalArgumentException | IOException e) {
            return "refused: " + e.getMessage();
        }
    }

    @Descriptor("remove an account")
    public String remove(@Descriptor("node FQDN") String fqdn) {
        try {
            return delete(fqdn) ? "removed " + fqdn : "no account " + fqdn;
        } catch (IllegalArgumentException | IOException e) {
            return "refused: " + e.getMessage();
        }
    }

    @Descriptor("allow an account to log in")
    public String enable(@Descriptor("node FQDN") String fqdn) {
        return setEnabled(fqdn, true);
    }

    @Descriptor("stop an account from logging in (it is kept)")
    public String disable(@Descriptor("node FQDN") String fqdn) {
        return setEnabled(fqdn, false);
    }

    private String setEnabled(String fqdn, boolean enabled) {
        try {
            return accounts.enable(fqdn, enabled) ? fqdn + (enabled ? " enabled" : " disabled") : "no account " + fqdn;
        } catch (IllegalArgumentException | IOException e) {
            return "refused: " + e.getMessage();
        }
    }

    @Descriptor("list the accounts")
    public String list() {
        return accounts.list().stream().map(a -> String.format("%-40s node %016x %s", a.fqdn(), a.nodeId(), a.enabled() ? "enabled" : "DISABLED"))
                .collect(Collectors.joining("\n", "", "\n" + accounts.list().size() + " accounts"));
    }

    @Override
    public RoleRunner<AsSettings, LoginServer> runner() {
        return runner;
    }
}
