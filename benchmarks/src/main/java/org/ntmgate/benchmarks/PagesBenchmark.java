package org.ntmgate.benchmarks;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.HashMap;

import org.ntmgate.api.account.NodeAccount;
import org.ntmgate.api.account.NodeAccounts;
import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.registry.NodeRecord;
import org.ntmgate.api.registry.NodeRegistry;
import org.ntmgate.api.relay.RelayTunnels;
import org.ntmgate.api.relay.Tunnel;
import org.ntmgate.api.net.AddressFamily;
import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.policy.RelayRequest;
import org.ntmgate.api.pool.PoolPurpose;
import org.ntmgate.api.pool.VirtualAddressPools;
import org.ntmgate.pages.PageFixture;
import org.ntmgate.policy.PolicyFixture;
import org.ntmgate.pool.PoolFixture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Each console page's read, as its {@code .json} answer is made (the page's work and the JSON text), on an edge
 * gateway's worth of state: 10,000 registered nodes with their 20,000 leases in the real pool service, 10,000
 * accounts, 1,000 live tunnels, 100,000 entries in the real translation table, the real relay policy with its 100
 * recent refusals. The DC's registry, the RS-N's tunnel list and the AS's account list are modelled by their data
 * (a concurrent map of records, a list made at each call, as the roles make them); ConfigAdmin holds no
 * configurations. Sample time: the median is JMH's p0.50.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PagesBenchmark {
    static final int NODES = 10_000;
    static final int TUNNELS = 1_000;
    static final int ENTRIES = 100_000;

    @Param({ "overview", "pools", "policy", "nodes", "table", "teredo", "accounts" })
    public String page;
    private Supplier<String> reader;

    @Setup
    public void setup() throws Exception {
        Map<Long, NodeRecord> nodes = new ConcurrentHashMap<>();
        List<NodeAccount> accounts = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 1; i <= NODES; i++) {
            String fqdn = "home-" + i + ".subscribers.example.net";
            InetAddress v4 = InetAddress.getByAddress(new byte[] { 10, (byte) 201, (byte) (i >> 8), (byte) i });
            InetAddress v6 = InetAddress.getByName("fd4e:746d:0:1::" + Integer.toHexString(i));
            Endpoint real = Endpoint.of(InetAddress.getByAddress(new byte[] { (byte) 198, 51, 100, (byte) (i % 250 + 1) }), 40_000 + i % 20_000);
            nodes.put((long) i, new NodeRecord(i, fqdn, real, real, i % 2 == 0, v4, v6, now.minusSeconds(i), now.minusSeconds(i % 25), Duration.ofSeconds(90)));
            accounts.add(new NodeAccount(fqdn, i, now.minusSeconds(86_400), now.minusSeconds(i), true, "org.ntmgate.as.account~" + fqdn));
        }
        NodeRegistry registry = new NodeRegistry() {
            @Override
            public Optional<NodeRecord> byId(long nodeId) {
                return Optional.ofNullable(nodes.get(nodeId));
            }

            @Override
            public Optional<NodeRecord> byFqdn(String fqdn) {
                return nodes.values().stream().filter(n -> n.fqdn().equals(fqdn)).findFirst();
            }

            @Override
            public Optional<NodeRecord> byVirtualAddress(InetAddress address) {
                return Optional.empty();
            }

            @Override
            public Collection<NodeRecord> nodes() {
                return List.copyOf(nodes.values());
            }

            @Override
            public int size() {
                return nodes.size();
            }
        };
        RelayTunnels tunnels = new RelayTunnels() {
            @Override
            public List<Tunnel> tunnels() {
                List<Tunnel> out = new ArrayList<>(TUNNELS);
                for (int i = 1; i <= TUNNELS; i++) {
                    out.add(new Tunnel(0x1000L + i, i, "www" + i + ".example.com", "fd4e:746d:0:1::" + Integer.toHexString(i), "fd4e:746d:0:2::" + Integer.toHexString(i),
                            "2001:db8:ff::" + Integer.toHexString(i), "2001:db8:1::" + Integer.toHexString(i), "198.51.100.2:" + (40_000 + i), i * 10L, i * 14_000L, i * 9L,
                            i * 12_000L, now.minusSeconds(i), now));
                }
                return out;
            }

            @Override
            public boolean disconnect(long pathId) {
                return false;
            }
        };
        NodeAccounts as = new NodeAccounts() {
            @Override
            public List<NodeAccount> accounts() {
                return new ArrayList<>(accounts);
            }

            @Override
            public String credential(String password) {
                throw new UnsupportedOperationException();
            }

            @Override
            public boolean delete(String fqdn) {
                return false;
            }
        };
        ConfigurationAdmin ca = (ConfigurationAdmin) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { ConfigurationAdmin.class },
                (proxy, method, args) -> null);
        Object table = FilledTables.filled(ENTRIES, 131_072);
        VirtualAddressPools pools = PoolFixture.open(null, ShippedDefaults.configurations());
        for (int i = 1; i <= NODES; i++) {
            String owner = "home-" + i + ".subscribers.example.net";
            pools.allocate(AddressFamily.IPV4, PoolPurpose.NODE, owner);
            pools.allocate(AddressFamily.IPV6, PoolPurpose.NODE, owner);
        }
        Map<String, Object> policyConfig = new HashMap<>(ShippedDefaults.configuration("org.ntmgate.policy"));
        policyConfig.put("denyDestinations", new String[] { "2001:db8:bad::/48", "blocked.example" });
        policyConfig.put("denyNodes", new String[] { "lost.example.net" });
        RelayPolicy policy = PolicyFixture.of(policyConfig);
        for (int i = 0; i < 200; i++) {
            policy.decide(new RelayRequest("home-" + i + ".subscribers.example.net", "www.blocked.example", InetAddress.getByName("2001:db8:bad::" + Integer.toHexString(i + 1)),
                    null));
        }
        // every page sees every service, as in a gateway running every role but Teredo
        reader = PageFixture.reader(page, ca, table, pools, policy, registry, tunnels, as);
        if (reader.get().length() < (page.equals("teredo") ? 30 : 100)) { // no Teredo role here: three nulls
            throw new IllegalStateException(page + " read almost nothing");
        }
    }

    @Benchmark
    public String read() {
        return reader.get();
    }
}
