package org.ntmgate.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lab benchmark (not a test): in one lab, iperf3 TCP throughput and 64-byte UDP packets per second from the
 * client to the server through the NTMobile tunnel (endpoint-independent NAT), over the kernel's native IPv6
 * routing between the same namespaces as the ceiling, and over Miredo's Teredo (its client behind the same NAT, its
 * server and relay on the gateway) as the user-space peer; then the time from a DNS query for a new name to its answer
 * (the whole signalling: direction, relay direction, route direction, tunnel) for 200 new names after 200 others (the lab's relay policy allows 1,000 paths a node), median and 99th percentile.
 * Run as root: {@code mvn -B -pl lab test-compile exec:java -Dexec.mainClass=org.ntmgate.lab.LabBenchmark -Dexec.classpathScope=test}.
 */
public final class LabBenchmark {
    private LabBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(System.getProperty("runtime.jar", "runtime/target/ntmgate.jar")).toAbsolutePath();
        int seconds = Integer.getInteger("bench.seconds", 10);
        try (Lab lab = new Lab()) {
            lab.seed(Lab.Nat.MASQUERADE, new byte[1024], jar);
            lab.nativeIpv6();
            lab.spawn(lab.server, lab.dir.resolve("iperf3.log"), "iperf3", "-s", "-B", "2001:db8:1::80");
            Thread.sleep(1000);
            String tunnel = lab.exec(lab.client, "getent", "ahostsv6", Lab.SERVER_NAME).output().split("\\s+")[0];
            System.out.println("tunnel address of " + Lab.SERVER_NAME + ": " + tunnel);
            // the gateways' JIT compilers settle first (a gateway runs for months; C2 took a third of a core in the first
            // seconds), then the measured runs
            tcp(lab, tunnel, 5);
            udp(lab, tunnel, 3);
            double kTcp = tcp(lab, "2001:db8:1::80", seconds);
            double tTcp = tcp(lab, tunnel, seconds);
            double kUdp = udp(lab, "2001:db8:1::80", seconds);
            double tUdp = udp(lab, tunnel, seconds);
            lab.dropNativeIpv6Route();
            Process miredoRelay = lab.miredo();
            lab.exec(lab.client, "ping", "-6", "-c", "2", "-W", "3", "2001:db8:1::80"); // Teredo finds its relay first
            double mTcp = tcp(lab, "2001:db8:1::80", seconds);
            double mUdp = udp(lab, "2001:db8:1::80", seconds);
            // the same Miredo client and server, with our Teredo relay instead of Miredo's (the Teredo relay benchmark's comparison)
            miredoRelay.destroy();
            miredoRelay.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            lab.teredoRelay();
            lab.exec(lab.client, "ping", "-6", "-c", "5", "-W", "3", "2001:db8:1::80");
            tcp(lab, "2001:db8:1::80", 3);
            double oTcp = tcp(lab, "2001:db8:1::80", seconds);
            double oUdp = udp(lab, "2001:db8:1::80", seconds);
            System.out.printf("Teredo relay: ours %.0f Mbit/s TCP, %.0f packets/s UDP64; Miredo's %.0f Mbit/s, %.0f packets/s: ours/Miredo's %.2f TCP, %.2f UDP%n",
                    oTcp / 1e6, oUdp, mTcp / 1e6, mUdp, oTcp / mTcp, oUdp / mUdp);
            System.out.printf("TCP   kernel %.0f, NTMobile %.0f, Miredo %.0f Mbit/s: NTMobile/kernel %.2f, NTMobile/Miredo %.2f%n", kTcp / 1e6,
                    tTcp / 1e6, mTcp / 1e6, tTcp / kTcp, tTcp / mTcp);
            System.out.printf("UDP64 kernel %.0f, NTMobile %.0f, Miredo %.0f packets/s: NTMobile/kernel %.2f, NTMobile/Miredo %.2f%n", kUdp, tUdp,
                    mUdp, tUdp / kUdp, tUdp / mUdp);
            // where packets were lost, if anywhere: the roles' counters and the kernels' UDP buffer overruns
            lab.gatewayCommand("rsn:status");
            lab.clientCommand("node:status");
            Thread.sleep(1500);
            for (Path log : List.of(lab.gatewayLog(), lab.clientLog())) {
                java.nio.file.Files.readAllLines(log).stream().filter(l -> l.contains("RS-N relaying on udp /") && l.contains("dropped")
                        || l.contains("NTM node registered") && l.contains("dropped")).forEach(l -> System.out.println("counters: " + l));
            }
            for (String ns : List.of(lab.client, lab.gateway)) {
                System.out.println("udp errors in " + ns + ": " + lab.exec(ns, "cat", "/proc/net/snmp").output().lines()
                        .filter(l -> l.startsWith("Udp:")).reduce((a, b) -> a + " | " + b).orElse(""));
            }
            List<Double> ms = new ArrayList<>();
            // a query per new name from one resolver process; the first 200 warm the gateway's and the node's code up
            // (a gateway serves many names), the next 200 are measured
            String script = "import socket,struct,time,random,sys\n"
                    + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM);s.settimeout(15)\n"
                    + "for i in range(1,401):\n"
                    + "  name=b''.join(bytes([len(p)])+p for p in ('n%d.v6.example.net'%i).encode().split(b'.'))+b'\\0'\n"
                    + "  q=struct.pack('!HHHHHH',random.randrange(65536),0x0100,1,0,0,0)+name+struct.pack('!HH',28,1)\n"
                    + "  t=time.perf_counter();s.sendto(q,('127.0.0.1',53));r=s.recv(4096);d=time.perf_counter()-t\n"
                    + "  if i>200: print('%.3f %d'%(d*1000,struct.unpack('!H',r[6:8])[0]))\n";
            java.nio.file.Files.writeString(lab.dir.resolve("q.py"), script);
            Lab.Result r = lab.exec(lab.client, "python3", lab.dir.resolve("q.py").toString());
            int answered = 0;
            for (String line : r.output().split("\n")) {
                String[] w = line.trim().split(" ");
                if (w.length == 2) {
                    ms.add(Double.parseDouble(w[0]));
                    answered += Integer.parseInt(w[1]) > 0 ? 1 : 0;
                }
            }
            Collections.sort(ms);
            System.out.printf("signalling: %d new names, %d answered with an address, median %.1f ms, p99 %.1f ms%n", ms.size(), answered,
                    ms.get(ms.size() / 2), ms.get((int) Math.ceil(ms.size() * 0.99) - 1));
        }
    }

    static double tcp(Lab lab, String to, int seconds) throws Exception {
        return tcp(lab, lab.client, "-6", to, seconds);
    }

    /** iperf3's TCP throughput, bits/s received, from namespace {@code ns} ({@code family}: -4 or -6) to {@code to}. */
    static double tcp(Lab lab, String ns, String family, String to, int seconds) throws Exception {
        Lab.Result r = lab.exec(ns, "iperf3", family, "-c", to, "-t", Integer.toString(seconds), "-J");
        return number(r.output(), "\"sum_received\"[^}]*\"bits_per_second\":\\s*([0-9.e+]+)");
    }

    static double udp(Lab lab, String to, int seconds) throws Exception {
        return udp(lab, lab.client, "-6", to, seconds);
    }

    /** 64-byte UDP datagrams per second the server received, from {@code ns} as {@link #tcp(Lab, String, String, String, int)}. */
    static double udp(Lab lab, String ns, String family, String to, int seconds) throws Exception {
        Lab.Result r = lab.exec(ns, "iperf3", family, "-c", to, "-u", "-l", "64", "-b", "0", "-t", Integer.toString(seconds), "-J");
        String json = r.output();
        int end = json.indexOf("\"end\"");
        String block = json.substring(Math.max(0, end)); // the summary: its last figures are the sum over streams
        // what the server received: sent minus lost (iperf3 reports the server's loss in the client's summary)
        return (number(block, "\"packets\":\\s*([0-9]+)") - number(block, "\"lost_packets\":\\s*([0-9]+)")) / seconds;
    }

    private static double number(String json, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.DOTALL).matcher(json);
        String last = null;
        while (m.find()) {
            last = m.group(1);
        }
        if (last == null) {
            throw new IllegalStateException("no match for " + regex + " in " + json.substring(0, Math.min(2000, json.length())));
        }
        return Double.parseDouble(last);
    }
}
