package org.ntmgate.rsn.impl;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.api.policy.RelayDecision;
import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.policy.RelayRequest;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.role.Threads;
import org.ntmgate.role.TunReader;
import org.ntmgate.tun.PacketQueue;
import org.ntmgate.tun.TunDevice;
import org.ntmgate.tun.TunException;
import org.ntmgate.wire.DatagramBatch;
import org.ntmgate.wire.SignallingDecoder;
import org.ntmgate.wire.UdpServer;
import org.ntmgate.role.RoleEngine;

/**
 * The running RS-N (protocol.md 7.7, 7.9-7.11, 15): one UDP socket for relay directions from DCs and for node
 * tunnels, one TUN device the egress prefix is routed to. This class starts and stops the pieces and answers for
 * them: {@link RelayPaths} (paths, nodes, their table entries and file), the UDP pipeline {@link ToReal} (DATA to
 * the network) then {@link RelaySignalling}, the TUN reader with {@link ToNode} (the way back), and
 * {@link RelayCounters}. A timer thread expires idle paths, writes the path file and runs the administrator's and
 * the policy's teardowns.
 */
final class Relay implements RoleEngine {
    /** TUN MTU: above any inner MTU, so that the kernel forwards what a node sends and this RS-N answers the rest. */
    static final int TUN_MTU = 1500;

    private final RsnSettings settings;
    private final LongSupplier clock;
    private final ScheduledExecutorService timer = Threads.timer("ntmgate-rsn-timer");
    private final RelayCounters counters = new RelayCounters();
    private final RelayPaths paths;
    private volatile RelaySignalling signalling;
    private UdpServer udp;
    private TunDevice tun;
    private PacketQueue queue;
    private TunReader reader;

    Relay(RsnSettings settings, TranslationTable table, Path stateFile, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
        this.paths = new RelayPaths(settings, table, new PathStore(stateFile), clock, timer);
    }

    /** Restores stored paths, opens the TUN device, binds the UDP socket and starts reading the device; returns the bound address. */
    InetSocketAddress start() throws IOException, TunException, InterruptedException {
        paths.restore();
        tun = TunDevice.open(settings.tunName(), 1, true); // 15.7: super-packets both ways
        tun.addAddress(settings.egressPrefix().addressAt(BigInteger.ONE), settings.egressPrefix().length());
        tun.up(TUN_MTU);
        queue = tun.queue(0);
        RelayParts parts = new RelayParts(settings, paths, queue, counters, clock);
        signalling = new RelaySignalling(parts);
        udp = UdpServer.bind(settings.bind(), pipeline(parts, signalling), true); // 15.7
        reader = TunReader.start("RS-N", settings.tunName(), queue, new DatagramBatch(udp), new ToNode(parts), "ntmgate-rsn-tun");
        timer.scheduleWithFixedDelay(paths::expire, 5, 5, TimeUnit.SECONDS);
        return udp.localAddress();
    }

    /** The UDP pipeline: DATA first, then the signalling decoder (keys, MACs, replays), then the RS-N's signalling. */
    static ChannelInitializer<Channel> pipeline(RelayParts parts, RelaySignalling signalling) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new ToReal(parts), new SignallingDecoder(signalling::key, parts.counters()::drop, signalling.answers(), parts.clock()), signalling);
            }
        };
    }

    @Override
    public void close() {
        Threads.close(reader, udp);
        timer.shutdownNow();
        paths.storeFinal();
        Threads.close(tun);
        // The table entries stay: they belong to the shared table service and the next RS-N instance takes them up.
    }

    // ---- the administrator's and the policy's teardowns (timer thread) ----------------------------------------

    /** Closes one path at once (an administrator's disconnect, protocol.md 7.10.1): false when there is no such path. */
    boolean disconnect(long pathId) {
        RelayPath p = paths.path(pathId);
        if (p == null) {
            return false;
        }
        RelaySignalling s = signalling;
        if (s == null) {
            return false;
        }
        s.tearDown(p, "disconnected by an administrator");
        return true;
    }

    /** protocol.md 4.7: closes every path of a node whose account was revoked (7.10.1's TEARDOWN). */
    void revoke(long nodeId) {
        timer.execute(() -> {
            for (RelayPath p : paths.all()) {
                if (p.nodeId == nodeId) {
                    signalling.tearDown(p, "the node's account was revoked");
                }
            }
        });
    }

    /**
     * protocol.md 7.10.1: asks {@code policy} again about every live path (the name the node asked for and the peer's
     * real address; the node's name and this relay's id are the DC's to check) and closes those it refuses, each
     * refusal then among the policy's recent ones with the rule that decided. Paths it allows carry on untouched.
     */
    void recheck(RelayPolicy policy) {
        timer.execute(() -> {
            for (RelayPath p : paths.all()) {
                RelayDecision d = policy.decide(new RelayRequest(null, p.fqdn, RelaySignalling.address(p.real), null));
                if (!d.allowed()) {
                    signalling.tearDown(p, "the relay policy no longer allows it: " + d.reason());
                }
            }
        });
    }

    // ---- views ------------------------------------------------------------------------------------------------

    String offloadSummary() {
        PacketQueue q = queue;
        return q == null ? "not open" : q.offloadSummary();
    }

    long locals() {
        return counters.locals();
    }

    Map<RelayCounters.Drop, Long> drops() {
        return counters.drops();
    }

    long relayedToReal() {
        return counters.packets(RelayCounters.TO_REAL);
    }

    long relayedToNode() {
        return counters.packets(RelayCounters.TO_NODE);
    }

    @Override
    public String status() {
        return "relaying on udp " + bound() + ", " + paths().size() + " path(s)";
    }

    @Override
    public RoleCounters counters() {
        return counters.snapshot();
    }

    long directions() {
        return counters.directions();
    }

    List<RelayPath> paths() {
        return paths.all();
    }

    InetSocketAddress bound() {
        return udp == null ? null : udp.localAddress();
    }
}
