package org.ntmgate.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.ntmgate.provision.Accounts;
import org.ntmgate.provision.Credentials;
import org.ntmgate.provision.GogoClient;

/**
 * The seed scenario's network, built from real namespaces (root, as CI is) and torn down whatever happens:
 *
 * <pre>
 *  client (IPv4 only)      nat                      gateway (dual stack)            server (IPv6 only)
 *  10.77.0.2 ---- lan ---- 10.77.0.1                AS, DC, RS-N, Knot               nginx [::]:80
 *                          198.51.100.2 -- wan --- 198.51.100.1                      2001:db8:1::80
 *                                                  2001:db8:1::1 -------- v6 ------- (default via ::1)
 *                                                  egress 2001:db8:e::/64 on its TUN
 * </pre>
 *
 * Only documentation prefixes and a private range, only inside namespaces made here. Processes are started by this
 * class and stopped by PID; namespaces are deleted by name.
 */
final class Lab implements AutoCloseable {
    enum Nat {
        /** routed, no translation */
        NONE,
        /** nftables masquerade: endpoint-independent mapping */
        MASQUERADE,
        /** nftables masquerade fully-random: a new port for every destination, a symmetric NAT */
        SYMMETRIC
    }

    static final String SERVER_NAME = "www.v6.example.net";
    static final String NODE_NAME = "laptop.ntm.example.net";
    /** The deployment guide's configuration files (docs/deploy.md): the lab's gateway and nodes start from them. */
    static final Path EXAMPLES = Path.of(System.getProperty("examples.dir", "../docs/examples"));
    static final String PASSWORD = "correct-horse-battery";
    /** A node with an account whom the relay policy denies. */
    static final String DENIED_NAME = "blocked.ntm.example.net";
    private static final Duration WAIT = Duration.ofSeconds(60);

    final String client;
    final String nat;
    final String gateway;
    final String server;
    final Path dir;
    private final String id;
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    /** The LAN host's namespace in gateway mode, or null. */
    String lan;
    /** The IPv4-only LAN host's namespace (no IPv6 in its kernel), or null. */
    String lan4;
    private Process gatewayJvm;
    private Process clientJvm;

    Lab() throws IOException {
        id = Long.toString(ProcessHandle.current().pid() % 10_000) + Integer.toString(new SecureRandom().nextInt(1000));
        client = "ntmc" + id;
        nat = "ntmn" + id;
        gateway = "ntmg" + id;
        server = "ntms" + id;
        dir = Files.createTempDirectory("ntmgate-lab");
    }

    /** A new lab with its network built in {@code mode} ({@link #network}); closed again if that fails. */
    static Lab open(Nat mode) throws Exception {
        Lab lab = new Lab();
        try {
            lab.network(mode);
            return lab;
        } catch (Exception | Error e) {
            lab.close();
            throw e;
        }
    }

    /** Builds the namespaces, links, addresses, routes and the NAT in {@code mode}. */
    void network(Nat mode) throws Exception {
        for (String ns : List.of(client, nat, gateway, server)) {
            namespace(ns);
        }
        link(client, "lan0", nat, "lan1");
        link(nat, "wan0", gateway, "wan1");
        link(gateway, "v6a", server, "v6b");
        in(client, "ip", "addr", "add", "10.77.0.2/24", "dev", "lan0");
        in(client, "ip", "route", "add", "default", "via", "10.77.0.1");
        in(nat, "ip", "addr", "add", "10.77.0.1/24", "dev", "lan1");
        in(nat, "ip", "addr", "add", "198.51.100.2/24", "dev", "wan0");
        in(nat, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        in(gateway, "ip", "addr", "add", "198.51.100.1/24", "dev", "wan1");
        in(gateway, "ip", "route", "add", "10.77.0.0/24", "via", "198.51.100.2");
        in(gateway, "ip", "-6", "addr", "add", "2001:db8:1::1/64", "dev", "v6a", "nodad");
        in(gateway, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        in(server, "ip", "-6", "addr", "add", "2001:db8:1::80/64", "dev", "v6b", "nodad");
        in(server, "ip", "-6", "route", "add", "default", "via", "2001:db8:1::1");
        if (mode != Nat.NONE) {
            Path rules = dir.resolve("nat.nft");
            Files.writeString(rules, "table ip lab {\n  chain post {\n    type nat hook postrouting priority 100;\n    oifname \"wan0\" masquerade"
                    + (mode == Nat.SYMMETRIC ? " fully-random" : "") + "\n  }\n}\n");
            in(nat, "nft", "-f", rules.toString());
        }
        // the client's resolver is its node's DNS stub (ip netns exec bind-mounts this over /etc/resolv.conf)
        Path etc = Path.of("/etc/netns", client);
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("resolv.conf"), "nameserver 127.0.0.1\n");
    }

    /** n1..n600.v6.example.net: new names for the signalling benchmark, all the server's. */
    private static String extraNames() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= 600; i++) {
            b.append("n").append(i).append(".v6 AAAA 2001:db8:1::80\n");
        }
        return b.toString();
    }

    /**
     * The kernel's reference path for benchmarks: IPv6 routed natively from the client through the NAT namespace and
     * the gateway to the server (no tunnel, no translation), over the same links.
     */
    void nativeIpv6() throws Exception {
        in(client, "ip", "-6", "addr", "add", "2001:db8:10::2/64", "dev", "lan0", "nodad");
        in(nat, "ip", "-6", "addr", "add", "2001:db8:10::1/64", "dev", "lan1", "nodad");
        in(nat, "ip", "-6", "addr", "add", "2001:db8:11::2/64", "dev", "wan0", "nodad");
        in(gateway, "ip", "-6", "addr", "add", "2001:db8:11::1/64", "dev", "wan1", "nodad");
        in(client, "ip", "-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8:10::1");
        in(nat, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        in(nat, "ip", "-6", "route", "add", "2001:db8:1::/64", "via", "2001:db8:11::1");
        in(gateway, "ip", "-6", "route", "add", "2001:db8:10::/64", "via", "2001:db8:11::2");
        in(server, "ip", "-6", "route", "add", "2001:db8:10::/64", "via", "2001:db8:1::1");
    }

    /**
     * Miredo as the user-space reference (its Teredo server and relay on the gateway, its client in the client
     * namespace behind the NAT): afterwards the client reaches the server natively over Teredo. The kernel's native
     * route of {@link #nativeIpv6} must be gone first (the client's Teredo default route would lose to it).
     */
    /** Returns Miredo's relay process (the benchmark stops it to measure ours on the same client). */
    Process miredo() throws Exception {
        miredoServer();
        Process relay = miredoRelay();
        await(miredoClient(), l -> l.contains("Teredo pseudo-tunnel started"), "Miredo's client qualified with Miredo's server");
        return relay;
    }

    /** Miredo's relay on the gateway (2001::/32 to its interface, UDP on 198.51.100.1); returns its process. */
    Process miredoRelay() throws Exception {
        Path m = Files.createDirectories(dir.resolve("miredo"));
        Files.writeString(m.resolve("relay.conf"), "RelayType relay\nInterfaceName teredo-relay\nBindAddress 198.51.100.1\n");
        return start(gateway, m, m.resolve("relay.log"), "miredo", "-f", "-p", m.resolve("relay.pid").toString(), "-c", m.resolve("relay.conf").toString());
    }

    /**
     * A global address for the client, 192.0.2.2 on its link (the NAT namespace routes 192.0.2.0/24 and the gateway
     * routes it back): with NAT mode NONE a Teredo client bound to it is a host without a NAT.
     */
    void clientGlobalAddress() throws Exception {
        in(client, "ip", "addr", "add", "192.0.2.2/24", "dev", "lan0");
        in(nat, "ip", "addr", "add", "192.0.2.1/24", "dev", "lan1");
        in(gateway, "ip", "route", "add", "192.0.2.0/24", "via", "198.51.100.2");
    }

    /**
     * Our Teredo client in the client namespace: the runtime jar with only PID org.ntmgate.teredo.client configured
     * ({@code more}: further properties); returns its log.
     */
    Path teredoClient(Path runtimeJar, String serverAddress, String more) throws Exception {
        clientJvm = startTeredoClient(client, "client", runtimeJar, serverAddress, more);
        return clientLog();
    }

    /**
     * A second gateway JVM with our Teredo client, in namespace {@code ns} with its own home {@code folder} (stopped by
     * PID in {@link #close}); returns its log.
     */
    Path teredoClientIn(String ns, String folder, Path runtimeJar, String serverAddress, String more) throws Exception {
        startTeredoClient(ns, folder, runtimeJar, serverAddress, more);
        return dir.resolve(folder + "/client.log");
    }

    /** A gateway JVM in {@code ns}, home {@code folder}, with only PID org.ntmgate.teredo.client configured; waits for it. */
    private Process startTeredoClient(String ns, String folder, Path runtimeJar, String serverAddress, String more) throws Exception {
        Path home = Files.createDirectories(dir.resolve(folder + "/deploy")).getParent();
        config(home, "org.ntmgate.teredo.client.config", "serverAddress=\"" + serverAddress + "\"\n" + more);
        Path log = home.resolve("client.log");
        Process jvm = start(ns, home, log, java(home, runtimeJar));
        await(log, l -> l.contains("Teredo client started"), "our Teredo client in " + folder + " runs");
        return jvm;
    }

    /**
     * A second host behind the same NAT as the client, on its own inside link: 10.78.0.2, the NAT namespace 10.78.0.1
     * (it routes between its two inside links without translating, and masquerades both towards wan0). Linux's NAT does
     * not hairpin: a datagram from inside to the NAT's public address is not sent back in. Returns the namespace.
     */
    String neighbourBehindNat() throws Exception {
        String ns = namespace("ntmq" + id);
        link(nat, "lan2", ns, "lan0");
        in(nat, "ip", "addr", "add", "10.78.0.1/24", "dev", "lan2");
        in(ns, "ip", "addr", "add", "10.78.0.2/24", "dev", "lan0");
        in(ns, "ip", "route", "add", "default", "via", "10.78.0.1");
        return ns;
    }

    /** Replaces the client's Teredo configuration (the running JVM takes it from its deploy folder). */
    void reconfigureTeredoClient(String content) throws IOException {
        config(dir.resolve("client"), "org.ntmgate.teredo.client.config", content);
    }

    /** The PID of the gateway JVM this lab started (for CPU accounting in benchmarks). */
    long gatewayPid() {
        return gatewayJvm.pid();
    }

    /** The PID of the client JVM this lab started. */
    long clientPid() {
        return clientJvm.pid();
    }

    /**
     * Makes the endpoint-independent NAT a full cone: besides {@code masquerade} (which keeps a client's port when it
     * is free), anything arriving at the NAT's address on UDP 20000-65535 goes to the client, whoever sent it. Call
     * after {@link #network} with {@code MASQUERADE}.
     */
    void fullCone() throws Exception {
        Path rules = dir.resolve("cone.nft");
        Files.writeString(rules, "table ip lab {\n  chain pre {\n    type nat hook prerouting priority -100;\n"
                + "    iifname \"wan0\" udp dport 20000-65535 dnat to 10.77.0.2\n  }\n}\n");
        in(nat, "nft", "-f", rules.toString());
    }

    /** Waits (up to 60 s) until {@code dev} in {@code ns} carries an IPv6 route off its own prefixes (a default or 2000::/3). */
    void awaitRoute(String ns, String dev) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String routes = "";
        while (System.nanoTime() < deadline) {
            routes = exec(ns, "ip", "-6", "route", "show", "dev", dev).output();
            if (routes.contains("default") || routes.contains("2000::/3")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no IPv6 route through " + dev + " in " + ns + " within " + WAIT.toSeconds() + " s: " + routes);
    }

    /** The NAT gets a new public address (198.51.100.3) and forgets every mapping: every client behind it is mapped anew. */
    void renumberNat() throws Exception {
        in(nat, "ip", "addr", "add", "198.51.100.3/24", "dev", "wan0");
        Path rules = dir.resolve("nat-renumbered.nft");
        Files.writeString(rules, "flush table ip lab\ntable ip lab {\n  chain post {\n    type nat hook postrouting priority 100;\n"
                + "    oifname \"wan0\" snat to 198.51.100.3\n  }\n}\n");
        in(nat, "nft", "-f", rules.toString());
        in(nat, "conntrack", "-F");
    }

    /** Miredo's Teredo server on the gateway at 198.51.100.10 and .11; returns Miredo's folder. */
    Path miredoServer() throws Exception {
        serverAddresses();
        Path m = Files.createDirectories(dir.resolve("miredo"));
        Files.writeString(m.resolve("server.conf"), "ServerBindAddress 198.51.100.10\nServerBindAddress2 198.51.100.11\n");
        start(gateway, m, m.resolve("server.log"), "miredo-server", "-f", "-p", m.resolve("server.pid").toString(), "-c",
                m.resolve("server.conf").toString());
        return m;
    }

    /** Our Teredo relay on the gateway: 2001::/32 routed to its TUN device, its UDP socket on 198.51.100.1. */
    void teredoRelay() throws Exception {
        // a fixed port: clients keep sending to it across an update of the relay bundle
        config(dir.resolve("gateway"), "org.ntmgate.teredo.relay.config", "bindAddress=\"198.51.100.1\"\nport=I\"3545\"\n");
        await(gatewayLog(), l -> l.contains("Teredo relay on udp /198.51.100.1:"), "our Teredo relay runs");
    }

    /** The Teredo server's two consecutive addresses on the gateway's IPv4 side (198.51.100.10 and .11). */
    void serverAddresses() throws Exception {
        in(gateway, "ip", "addr", "add", "198.51.100.10/24", "dev", "wan1");
        in(gateway, "ip", "addr", "add", "198.51.100.11/24", "dev", "wan1");
    }

    /** Miredo's client in the client namespace, qualifying with the Teredo server at 198.51.100.10; returns its log. */
    Path miredoClient() throws Exception {
        return miredoClientIn(client, "miredo");
    }

    /** Our Teredo server on the gateway (the running gateway JVM takes the configuration from its deploy folder). */
    void teredoServer() throws Exception {
        serverAddresses();
        config(dir.resolve("gateway"), "org.ntmgate.teredo.server.config", "primaryAddress=\"198.51.100.10\"\n");
        await(gatewayLog(), l -> l.contains("Teredo server on udp 198.51.100.10:3544 and 198.51.100.11:3544"), "our Teredo server listens");
    }

    /** Removes the kernel's native route of {@link #nativeIpv6} from the client. */
    void dropNativeIpv6Route() throws Exception {
        in(client, "ip", "-6", "route", "del", "2001:db8:1::/64", "via", "2001:db8:10::1");
    }

    /** A new namespace with its loopback up, deleted in {@link #close}; returns its name. */
    private String namespace(String ns) throws Exception {
        run("ip", "netns", "add", ns);
        namespaces.add(ns);
        in(ns, "ip", "link", "set", "lo", "up");
        return ns;
    }

    private void link(String a, String aName, String b, String bName) throws Exception {
        String x = "x" + id + aName;
        String y = "y" + id + bName;
        run("ip", "link", "add", x, "type", "veth", "peer", "name", y);
        run("ip", "link", "set", x, "netns", a);
        run("ip", "link", "set", y, "netns", b);
        in(a, "ip", "link", "set", x, "name", aName);
        in(b, "ip", "link", "set", y, "name", bName);
        in(a, "ip", "link", "set", aName, "up");
        in(b, "ip", "link", "set", bName, "up");
    }

    /** Knot with the zone of the IPv6-only server, on the gateway (its DC's resolver, the client's upstream). */
    void dns() throws Exception {
        Path k = Files.createDirectories(dir.resolve("knot"));
        Files.createDirectories(k.resolve("db"));
        Files.writeString(k.resolve("example.net.zone"), "$ORIGIN example.net.\n$TTL 300\n@ SOA ns hostmaster 1 3600 600 86400 30\n@ NS ns\n"
                + "ns A 198.51.100.1\nwww.v6 AAAA 2001:db8:1::80\nv4only A 203.0.113.80\n" + extraNames());
        Files.writeString(k.resolve("knot.conf"), "server:\n    rundir: \"" + k + "\"\n    listen: [ 127.0.0.1@53, 198.51.100.1@53 ]\n"
                + "database:\n    storage: \"" + k.resolve("db") + "\"\nlog:\n  - target: stderr\n    any: info\nzone:\n  - domain: example.net\n"
                + "    storage: \"" + k + "\"\n    file: \"example.net.zone\"\n");
        Path log = k.resolve("knotd.log");
        start(gateway, k, log, "knotd", "-c", k.resolve("knot.conf").toString());
        await(log, l -> l.contains("loaded, serial"), "knotd loaded the zone");
    }

    /** nginx on the server, serving {@code file} as /{name}. */
    void web(WebFile file, String name) throws Exception {
        web(file.bytes(), name);
    }

    /** nginx on the server, serving {@code content} as /{name}. */
    void web(byte[] content, String name) throws Exception {
        Path w = Files.createDirectories(dir.resolve("www"));
        Files.write(w.resolve(name), content);
        Path n = Files.createDirectories(dir.resolve("nginx"));
        Files.writeString(n.resolve("nginx.conf"), "daemon off;\nuser root;\nworker_processes 1;\npid " + n.resolve("nginx.pid") + ";\nerror_log "
                + n.resolve("error.log") + ";\nevents { worker_connections 64; }\nhttp {\n  access_log off;\n  client_body_temp_path " + n
                + ";\n  proxy_temp_path " + n + ";\n  fastcgi_temp_path " + n + ";\n  uwsgi_temp_path " + n + ";\n  scgi_temp_path " + n
                + ";\n  server {\n    listen [::]:80 ipv6only=on;\n    root " + w + ";\n  }\n}\n");
        start(server, n, n.resolve("stdout.log"), "nginx", "-c", n.resolve("nginx.conf").toString());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!exec(server, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://[2001:db8:1::80]/" + name).output().equals("200")) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("nginx did not serve within " + WAIT.toSeconds() + " s: " + Files.readString(n.resolve("error.log")));
            }
            Thread.sleep(100);
        }
    }

    /** The gateway: the exported runtime jar with AS, DC and RS-N switched on by .config files in its deploy folder. */
    void gateway(Path runtimeJar) throws Exception {
        gateway(runtimeJar, true);
    }

    /**
     * The gateway; with {@code policyFile} false its relay policy is not a file in the deploy folder but the shipped
     * default, which the console's pages may edit (they refuse to edit what a file owns).
     */
    void gateway(Path runtimeJar, boolean policyFile) throws Exception {
        Path home = Files.createDirectories(dir.resolve("gateway/deploy")).getParent();
        deployExamples("edge", home);
        // the accounts as 'ntmgate account add' writes them (bundles/provision), with the lab's own password
        for (String fqdn : List.of(NODE_NAME, DENIED_NAME)) {
            config(home, Accounts.fileName(fqdn), Accounts.cfg(fqdn, Credentials.of(PASSWORD, 100_000), true));
        }
        // the relay policy refuses one node: its directions must fail without touching anyone else's
        if (policyFile) {
            config(home, "org.ntmgate.policy.config", "denyNodes=[\"" + DENIED_NAME + "\"]\nmaxSessionsPerNode=I\"1000\"\n");
        }
        startGateway(home, runtimeJar);
    }

    private void startGateway(Path home, Path runtimeJar) throws Exception {
        Path log = home.resolve("gateway.log");
        gatewayJvm = start(gateway, home, log, java(home, runtimeJar));
        await(log, l -> l.contains("Account Server serving"), "the AS serves");
        await(log, l -> l.contains("Direction Coordinator serving"), "the DC serves");
        await(log, l -> l.contains("RS-N relaying on udp"), "the RS-N relays");
    }

    /** Kills the gateway's JVM as a power cut or the OOM killer would (SIGKILL): nothing is stopped or saved. */
    void killGateway() throws InterruptedException {
        kill(gatewayJvm);
    }

    /** Kills the client's JVM (SIGKILL). */
    void killClient() throws InterruptedException {
        kill(clientJvm);
    }

    private static void kill(Process p) throws InterruptedException {
        p.destroyForcibly(); // SIGKILL
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            throw new AssertionError("the killed JVM " + p.pid() + " did not end");
        }
    }

    /**
     * The gateway started again on its home as the kill left it (deploy folder, framework storage, state files), and
     * serving; its earlier log is kept beside as {@code gateway.log.<n>}.
     */
    void restartGateway(Path runtimeJar) throws Exception {
        Path home = dir.resolve("gateway");
        keepLog(gatewayLog());
        startGateway(home, runtimeJar);
    }

    /** The client's node started again on its home as the kill left it, and registered; its earlier log kept beside. */
    void restartClient(Path runtimeJar) throws Exception {
        Path home = dir.resolve("client");
        keepLog(clientLog());
        clientJvm = start(client, home, clientLog(), java(home, runtimeJar));
        await(clientLog(), l -> l.contains("NTM node registered as"), "the node registered again");
    }

    private static void keepLog(Path log) throws IOException {
        int n = 1;
        while (Files.exists(log.resolveSibling(log.getFileName() + "." + n))) {
            n++;
        }
        Files.move(log, log.resolveSibling(log.getFileName() + "." + n));
    }

    /** A Gogo command run in the gateway (its command socket, bundles/lifecycle), and its answer. */
    String gatewayGogo(String command) throws IOException {
        return GogoClient.run(dir.resolve("gateway/run/gogo.sock"), command);
    }

    /** A Gogo command run in the client's node, and its answer. */
    String clientGogo(String command) throws IOException {
        return GogoClient.run(dir.resolve("client/run/gogo.sock"), command);
    }

    /** The client: the same jar with the node role; it registers through the NAT. */
    void client(Path runtimeJar) throws Exception {
        String lans = (lan == null ? "" : "fd00:4c41:4e::/64") + (lan4 == null ? "" : (lan == null ? "" : ", ") + "10.79.0.0/24");
        clientJvm = node(client, "client", NODE_NAME, "ntm0", runtimeJar, lans.isEmpty() ? "" : "lanPrefix=\"" + lans + "\"\ndnsListen=\"0.0.0.0:53\"\n");
    }

    /** The client with the node role and our Teredo client as its fallback (protocol.md 11.5), in one JVM. */
    void clientWithTeredoFallback(Path runtimeJar) throws Exception {
        Path home = Files.createDirectories(dir.resolve("client/deploy")).getParent();
        config(home, "org.ntmgate.teredo.client.config", "serverAddress=\"198.51.100.10\"\n");
        client(runtimeJar);
        await(clientLog(), l -> l.contains("Teredo client qualified with"), "the Teredo client qualified");
    }

    /** The gateway drops (or, with {@code false}, lets through again) every datagram to the DC's port 4711. */
    void blockDc(boolean block) throws Exception {
        blockPort("blockdc", 4711, block);
    }

    /** The gateway drops (or lets through again) every datagram to UDP {@code port}: a role that goes silent. */
    void blockPort(String name, int port, boolean block) throws Exception {
        Path rules = dir.resolve(name + ".nft");
        Files.writeString(rules, block ? "table inet " + name + " {\n  chain input {\n    type filter hook input priority 0;\n    udp dport " + port
                + " drop\n  }\n}\n" : "delete table inet " + name + "\n");
        in(gateway, "nft", "-f", rules.toString());
    }

    /**
     * The NAT drops (or lets through again) the datagrams matching {@code match} (an nftables expression, such as
     * {@code ip saddr 198.51.100.1 udp sport 3545}) as they arrive, before connection tracking sees them: they leave no
     * entry, as if they had never been sent.
     */
    void dropAtNat(String name, String match, boolean drop) throws Exception {
        Path rules = dir.resolve(name + ".nft");
        Files.writeString(rules, drop ? "table inet " + name + " {\n  chain prerouting {\n    type filter hook prerouting priority -300;\n    "
                + match + " drop\n  }\n}\n" : "delete table inet " + name + "\n");
        in(nat, "nft", "-f", rules.toString());
    }

    /** The first AAAA answer for {@code name} from the resolver at 127.0.0.1 in {@code ns} (the node's stub). */
    String aaaa(String ns, String name) throws Exception {
        return exec(ns, "python3", script("dns/query.py").toString(), name, "28", "first").output();
    }

    /**
     * Gateway mode (protocol.md 11.4): a LAN host behind the client, IPv4 10.78.0.2 and ULA fd00:4c41:4e::2, whose
     * IPv6 router and DNS server is the client's node. Call after {@link #network}, before {@link #client}.
     */
    void lanBehindClient() throws Exception {
        lan = namespace("ntml" + id);
        link(client, "home0", lan, "eth0");
        in(client, "ip", "addr", "add", "10.78.0.1/24", "dev", "home0");
        in(client, "ip", "-6", "addr", "add", "fd00:4c41:4e::1/64", "dev", "home0", "nodad");
        in(lan, "ip", "addr", "add", "10.78.0.2/24", "dev", "eth0");
        in(lan, "ip", "-6", "addr", "add", "fd00:4c41:4e::2/64", "dev", "eth0", "nodad");
        in(lan, "ip", "-6", "route", "add", "default", "via", "fd00:4c41:4e::1");
        Path etc = Path.of("/etc/netns", lan);
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("resolv.conf"), "nameserver 10.78.0.1\n");
    }

    /**
     * The IPv4 service's LAN (protocol.md 11.4, 11.6): a host behind the client with IPv6 switched off in its kernel,
     * 10.79.0.2, whose IPv4 router and DNS server is the client's node (10.79.0.1). Call before {@link #client}.
     */
    void ipv4OnlyHostBehindClient() throws Exception {
        lan4 = namespace("ntm4" + id);
        in(lan4, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1", "net.ipv6.conf.lo.disable_ipv6=1");
        link(client, "home1", lan4, "eth0");
        in(client, "ip", "addr", "add", "10.79.0.1/24", "dev", "home1");
        in(lan4, "ip", "addr", "add", "10.79.0.2/24", "dev", "eth0");
        in(lan4, "ip", "route", "add", "default", "via", "10.79.0.1");
        Path etc = Path.of("/etc/netns", lan4);
        Files.createDirectories(etc);
        Files.writeString(etc.resolve("resolv.conf"), "nameserver 10.79.0.1\n");
    }

    /**
     * A host with a global IPv4 address and no NAT, 203.0.113.2, one hop from the gateway (which routes it), for a
     * second Teredo client; returns its namespace.
     */
    String teredoPeerHost() throws Exception {
        String peer = namespace("ntmp" + id);
        link(gateway, "peer0", peer, "eth0");
        in(gateway, "ip", "addr", "add", "203.0.113.1/24", "dev", "peer0");
        in(gateway, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        in(peer, "ip", "addr", "add", "203.0.113.2/24", "dev", "eth0");
        in(peer, "ip", "route", "add", "default", "via", "203.0.113.1");
        in(nat, "ip", "route", "add", "203.0.113.0/24", "via", "198.51.100.1");
        return peer;
    }

    /** Miredo's client in namespace {@code ns} with its own folder, qualifying with the server at 198.51.100.10; returns its log. */
    Path miredoClientIn(String ns, String folder) throws Exception {
        Path m = Files.createDirectories(dir.resolve(folder));
        Files.writeString(m.resolve("client.conf"), "RelayType client\nInterfaceName teredo\nServerAddress 198.51.100.10\n");
        start(ns, m, m.resolve("client.log"), "miredo", "-f", "-p", m.resolve("client.pid").toString(), "-c", m.resolve("client.conf").toString());
        return m.resolve("client.log");
    }

    /** Another node, in namespace {@code ns}, named {@code fqdn} (the account's password is the lab's). */
    Process node(String ns, String folder, String fqdn, String tun, Path runtimeJar) throws Exception {
        return node(ns, folder, fqdn, tun, runtimeJar, "");
    }

    /** Another node, in namespace {@code ns}, named {@code fqdn}, logging in with {@code password} (an account made on the console). */
    Process nodeWithPassword(String ns, String folder, String fqdn, String password, String tun, Path runtimeJar) throws Exception {
        return node(ns, folder, fqdn, password, tun, runtimeJar, "");
    }

    private Process node(String ns, String folder, String fqdn, String tun, Path runtimeJar, String more) throws Exception {
        return node(ns, folder, fqdn, PASSWORD, tun, runtimeJar, more);
    }

    private Process node(String ns, String folder, String fqdn, String password, String tun, Path runtimeJar, String more) throws Exception {
        Path home = Files.createDirectories(dir.resolve(folder + "/deploy")).getParent();
        String example = Files.readString(EXAMPLES.resolve("home/deploy/org.ntmgate.node.config"));
        config(home, "org.ntmgate.node.config", withStrings(example, "fqdn", fqdn, "password", password, "tunName", tun) + more);
        Path log = home.resolve(folder + ".log");
        Process p = start(ns, home, log, java(home, runtimeJar));
        await(log, l -> l.contains("NTM node registered as"), fqdn + " registered");
        return p;
    }

    /**
     * One DNS query of {@code type} (28: AAAA) for {@code name} to the resolver at 127.0.0.1 in {@code ns}; returns
     * "rcode answers" (a raw query, as an application's resolver sends it).
     */
    String dnsQuery(String ns, String name, int type) throws Exception {
        return exec(ns, "python3", script("dns/query.py").toString(), name, Integer.toString(type)).output();
    }

    /** The whole seed topology: network in {@code mode}, DNS, the web server with {@code file} as /big.bin, gateway, client. */
    void seed(Nat mode, byte[] file, Path runtimeJar) throws Exception {
        network(mode);
        dns();
        web(file, "big.bin");
        gateway(runtimeJar);
        client(runtimeJar);
    }

    /** curl in the client namespace for {@code url}, rate-limited, left running; its output in curl.log. */
    Process download(Path out, String rate, String url) throws IOException {
        return start(client, dir, dir.resolve("curl.log"), "curl", "-sS", "-m", "120", "--limit-rate", rate, "-o", out.toString(), "-w",
                "%{http_code}", url);
    }

    /** curl in the client namespace, started and left running (rate-limited so that something can happen meanwhile). */
    Process download(Path out, String rate) throws IOException {
        Path log = dir.resolve("curl.log");
        return start(client, dir, log, "curl", "-sS", "-m", "120", "--limit-rate", rate, "-o", out.toString(), "-w", "%{http_code}",
                "http://" + SERVER_NAME + "/big.bin");
    }

    String curlOutput() throws IOException {
        return Files.readString(dir.resolve("curl.log"));
    }

    /** {@link #console(int)} for the console's plain HTTP port, 8080. */
    int console() throws Exception {
        return console(8080);
    }

    /** {@link #console(String, int)} for the gateway's namespace. */
    int console(int consolePort) throws Exception {
        return console(gateway, consolePort);
    }

    /**
     * The console of the gateway JVM in namespace {@code ns} (127.0.0.1:{@code consolePort} there: 8080 plain HTTP,
     * 8443 HTTPS) on a loopback port of the test's own namespace, so a browser there reaches it: a forwarder
     * (python3) listens here, then enters that namespace (setns) and connects there for each connection. No address
     * is added anywhere. Returns the port.
     */
    int console(String ns, int consolePort) throws Exception {
        Path script = dir.resolve("console-forward.py");
        Files.writeString(script, String.join("\n",
                "import ctypes, os, socket, sys, threading",
                "srv = socket.socket()",
                "srv.bind(('127.0.0.1', 0))",
                "srv.listen(32)",
                "libc = ctypes.CDLL(None, use_errno=True)",
                "if libc.setns(os.open('/run/netns/' + sys.argv[1], os.O_RDONLY), 0x40000000) != 0:",
                "    raise OSError(ctypes.get_errno(), 'setns')",
                "print(srv.getsockname()[1], flush=True)",
                "def pump(a, b):",
                "    try:",
                "        while True:",
                "            d = a.recv(65536)",
                "            if not d:",
                "                break",
                "            b.sendall(d)",
                "    except OSError:",
                "        pass",
                "    finally:",
                "        try:",
                "            b.shutdown(socket.SHUT_WR)",
                "        except OSError:",
                "            pass",
                "def serve(c):",
                "    try:",
                "        u = socket.create_connection(('127.0.0.1', int(sys.argv[2])), timeout=10)",
                "    except OSError:",
                "        c.close()",
                "        return",
                "    u.settimeout(None)",
                "    t = threading.Thread(target=pump, args=(c, u), daemon=True)",
                "    t.start()",
                "    pump(u, c)",
                "    t.join()",
                "    c.close()",
                "    u.close()",
                "while True:",
                "    c, _ = srv.accept()",
                "    threading.Thread(target=serve, args=(c,), daemon=True).start()",
                ""));
        Path log = dir.resolve("console-forward-" + ns + "-" + consolePort + ".log");
        Process p = new ProcessBuilder("python3", script.toString(), ns, Integer.toString(consolePort)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        await(log, l -> l.matches("\\d+"), "the console forwarder listens");
        return Integer.parseInt(Files.readAllLines(log).stream().filter(l -> l.matches("\\d+")).findFirst().orElseThrow());
    }

    /** The console's password, as the gateway generated it at its first start. */
    String consolePassword() throws IOException {
        return consolePassword("gateway");
    }

    /** The console's password of the gateway JVM whose home is {@code folder}. */
    String consolePassword(String folder) throws IOException {
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newBufferedReader(dir.resolve(folder + "/console-password"))) {
            p.load(in);
        }
        return p.getProperty("password");
    }

    /** The NAT forgets every mapping (conntrack flush): the next packet out gets a new one. */
    void rebindNat() throws Exception {
        in(nat, "conntrack", "-F");
    }

    /** A Gogo command on the gateway's console (its standard input); its answer appears in the gateway log. */
    void gatewayCommand(String command) throws IOException {
        var in = gatewayJvm.getOutputStream();
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** A Gogo command on the client's console; its answer appears in the client log. */
    void clientCommand(String command) throws IOException {
        var in = clientJvm.getOutputStream();
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    /** Starts a program in a namespace and leaves it running; stopped by PID in {@link #close}. */
    Process spawn(String ns, Path log, String... cmd) throws IOException {
        return start(ns, dir, log, cmd);
    }

    Path gatewayDeploy() {
        return dir.resolve("gateway/deploy");
    }

    Path gatewayLog() {
        return dir.resolve("gateway/gateway.log");
    }

    Path clientLog() {
        return dir.resolve("client/client.log");
    }

    /** The test resource {@code name} (a script in {@code floods/} or {@code dns/}) copied into this lab's folder, for a namespace to run. */
    Path script(String name) throws IOException {
        Path to = dir.resolve(Path.of(name).getFileName().toString());
        try (java.io.InputStream in = Lab.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("no test resource " + name);
            }
            Files.copy(in, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return to;
    }

    /** The SHA-256 of {@code data}, in hex. */
    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every Java runtime has SHA-256
        }
    }

    /** The SHA-256 of the file at {@code path}, in hex. */
    static String sha256(Path path) throws IOException {
        return sha256(Files.readAllBytes(path));
    }

    /**
     * The gateway's command line; {@code -Dlab.jfr=true} records a flight recording in its home (for profiling),
     * {@code -Dlab.jvmArgs="..."} adds JVM options.
     */
    private static String[] java(Path home, Path runtimeJar) throws IOException {
        // the launcher's unpacked jars in the lab folder, not in /tmp, where a killed gateway would leave them
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        List<String> c = new ArrayList<>(List.of("java", "-XX:+UseSerialGC", "-Djava.io.tmpdir=" + tmp));
        String more = System.getProperty("lab.jvmArgs", "").trim(); // e.g. -XX:TieredStopAtLevel=1, for a benchmark
        if (!more.isEmpty()) {
            c.addAll(List.of(more.split("\\s+")));
        }
        if (Boolean.getBoolean("lab.jfr")) {
            c.add("-XX:StartFlightRecording=filename=" + home.resolve("flight.jfr") + ",settings=profile");
        }
        c.addAll(List.of("-jar", runtimeJar.toString()));
        return c.toArray(String[]::new);
    }

    /**
     * The configuration files of docs/examples/{@code shape}/deploy (the deployment guide's), as they are, into the
     * deploy folder of {@code home}: the lab's addresses and keys are the guide's.
     */
    private static void deployExamples(String shape, Path home) throws IOException {
        try (var files = Files.list(EXAMPLES.resolve(shape + "/deploy"))) {
            for (Path f : files.sorted().toList()) {
                config(home, f.getFileName().toString(), Files.readString(f));
            }
        }
    }

    /** {@code config} (a .config file) with the string values of {@code keysAndValues} set: replaced where set, else added. */
    static String withStrings(String config, String... keysAndValues) {
        StringBuilder out = new StringBuilder();
        java.util.Set<String> done = new java.util.HashSet<>();
        for (String line : config.split("\n", -1)) {
            String replaced = line;
            for (int i = 0; i < keysAndValues.length; i += 2) {
                if (line.startsWith(keysAndValues[i] + "=")) {
                    replaced = keysAndValues[i] + "=\"" + keysAndValues[i + 1] + "\"";
                    done.add(keysAndValues[i]);
                }
            }
            out.append(replaced).append('\n');
        }
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (!done.contains(keysAndValues[i])) {
                out.append(keysAndValues[i]).append("=\"").append(keysAndValues[i + 1]).append("\"\n");
            }
        }
        return out.toString().replaceAll("\n+$", "\n");
    }

    private static void config(Path home, String name, String content) throws IOException {
        Path tmp = home.resolve("deploy/." + name + ".part");
        Files.writeString(tmp, content);
        Files.move(tmp, home.resolve("deploy/" + name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    // ---- processes -------------------------------------------------------------------------------------------

    record Result(int status, String output) {
    }

    Result exec(String ns, String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        return run(Duration.ofSeconds(120), c.toArray(String[]::new));
    }

    private void in(String ns, String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        run(c.toArray(String[]::new));
    }

    private static void run(String... cmd) throws Exception {
        Result r = run(Duration.ofSeconds(30), cmd);
        if (r.status() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed (" + r.status() + "): " + r.output());
        }
    }

    static Result run(Duration limit, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[][] out = new byte[1][];
        Thread t = new Thread(() -> {
            try {
                out[0] = p.getInputStream().readAllBytes();
            } catch (IOException e) {
                out[0] = new byte[0];
            }
        });
        t.start();
        if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            t.join(2000);
            throw new IOException(String.join(" ", cmd) + " did not end within " + limit.toSeconds() + " s");
        }
        t.join(5000);
        return new Result(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8).trim());
    }

    private Process start(String ns, Path cwd, Path log, String... cmd) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(cmd));
        // ip netns exec execs the command: the PID is the program's own
        Process p = new ProcessBuilder(c).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    void await(Path log, Predicate<String> line, String what) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            if (Files.exists(log) && Files.readAllLines(log, StandardCharsets.ISO_8859_1).stream().anyMatch(line)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what + "\n" + (Files.exists(log) ? Files.readString(log,
                        StandardCharsets.ISO_8859_1) : "(no log)"));
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() throws Exception {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process p = processes.get(i);
            p.destroy(); // SIGTERM to the PID this class started
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        }
        for (String ns : namespaces) {
            run(Duration.ofSeconds(30), "ip", "netns", "del", ns);
        }
        for (String ns : new String[] { client, lan, lan4 }) {
            Path etc = ns == null ? null : Path.of("/etc/netns", ns);
            if (etc != null && Files.exists(etc)) {
                Files.deleteIfExists(etc.resolve("resolv.conf"));
                Files.deleteIfExists(etc);
            }
        }
        if (!Boolean.getBoolean("lab.keep")) {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }
}
