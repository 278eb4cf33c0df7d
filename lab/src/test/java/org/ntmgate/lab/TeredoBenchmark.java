package org.ntmgate.lab;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Teredo relay benchmark (not a test): in one lab, iperf3 TCP throughput and 64-byte UDP packets per
 * second from a Teredo client behind the endpoint-independent NAT to the IPv6-only server, through Miredo's relay and
 * then through ours, on the same topology in the same run, with Miredo's client and server; then the same two
 * relays with our client. For each run, the CPU each process used (seconds of CPU per second of run: 1.0 is one
 * core) - which side limits the run. Run as root:
 * {@code mvn -B -pl lab test-compile exec:java -Dexec.mainClass=org.ntmgate.lab.TeredoBenchmark -Dexec.classpathScope=test}.
 */
public final class TeredoBenchmark {
    private TeredoBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(System.getProperty("runtime.jar", "runtime/target/ntmgate.jar")).toAbsolutePath();
        int seconds = Integer.getInteger("bench.seconds", 8);
        boolean ourClient = Boolean.getBoolean("bench.ourClient");
        try (Lab lab = Lab.open(Lab.Nat.MASQUERADE)) {
            lab.dns();
            lab.web(new byte[1024], "big.bin");
            lab.gateway(jar);
            Process iperfServer = lab.spawn(lab.server, lab.dir.resolve("iperf3.log"), "iperf3", "-s", "-B", "2001:db8:1::80");
            lab.miredoServer();
            Process miredoRelay = lab.miredoRelay();
            Map<String, Long> pids = new LinkedHashMap<>();
            pids.put("gateway JVM (our relay)", lab.gatewayPid());
            pids.put("Miredo relay", miredoRelay.pid());
            pids.put("iperf3 server", iperfServer.pid());
            if (ourClient) {
                lab.teredoClient(jar, "198.51.100.10", "");
                lab.await(lab.clientLog(), l -> l.contains("Teredo client qualified with"), "our client qualified");
                pids.put("our client JVM", lab.clientPid());
            } else {
                Path log = lab.miredoClient();
                lab.await(log, l -> l.contains("Teredo pseudo-tunnel started"), "Miredo's client qualified");
                pids.put("Miredo client", Long.parseLong(Files.readString(lab.dir.resolve("miredo/client.pid")).trim()));
            }
            String client = ourClient ? "our client" : "Miredo's client";
            lab.exec(lab.client, "ping", "-6", "-c", "3", "-W", "3", "2001:db8:1::80");
            LabBenchmark.tcp(lab, "2001:db8:1::80", 5); // the same warm-up before each relay's measurement
            LabBenchmark.udp(lab, "2001:db8:1::80", 3);
            double[] m = measure(lab, seconds, pids, client + ", Miredo's relay");
            miredoRelay.destroy();
            miredoRelay.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            lab.teredoRelay();
            lab.exec(lab.client, "ping", "-6", "-c", "3", "-W", "3", "2001:db8:1::80");
            LabBenchmark.tcp(lab, "2001:db8:1::80", 5);
            LabBenchmark.udp(lab, "2001:db8:1::80", 3);
            double[] o = measure(lab, seconds, pids, client + ", our relay");
            System.out.printf("RESULT %s: ours %.0f Mbit/s TCP, %.0f packets/s UDP64; Miredo's %.0f Mbit/s, %.0f packets/s: ours/Miredo's %.2f TCP, %.2f UDP%n",
                    client, o[0] / 1e6, o[1], m[0] / 1e6, m[1], o[0] / m[0], o[1] / m[1]);
        }
    }

    /** TCP then UDP, with the CPU of each process and of the whole machine over each. */
    private static double[] measure(Lab lab, int seconds, Map<String, Long> pids, String what) throws Exception {
        Map<String, Long> before = cpu(pids);
        long t0 = System.nanoTime();
        double tcp = LabBenchmark.tcp(lab, "2001:db8:1::80", seconds);
        report(what + " TCP", before, cpu(pids), System.nanoTime() - t0);
        before = cpu(pids);
        t0 = System.nanoTime();
        double udp = LabBenchmark.udp(lab, "2001:db8:1::80", seconds);
        report(what + " UDP64", before, cpu(pids), System.nanoTime() - t0);
        System.out.printf("%s: %.0f Mbit/s TCP, %.0f packets/s UDP64%n", what, tcp / 1e6, udp);
        return new double[] { tcp, udp };
    }

    private static void report(String what, Map<String, Long> before, Map<String, Long> after, long nanos) {
        StringBuilder b = new StringBuilder("  CPU during " + what + ":");
        double hz = 100.0; // USER_HZ
        for (String k : after.keySet()) {
            if (before.get(k) >= 0 && after.get(k) >= 0) {
                b.append(String.format(" %s %.2f,", k, (after.get(k) - before.get(k)) / hz / (nanos / 1e9)));
            }
        }
        System.out.println(b);
    }

    /** utime + stime of a process and its descendants (Miredo works in a child process), -1 when it is gone. */
    private static long treeTicks(long pid) {
        try {
            Path stat = Path.of("/proc", Long.toString(pid), "stat");
            String s = Files.readString(stat);
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
                for (Path t : (Iterable<Path>) tasks::iterator) {
                    String children = Files.readString(t.resolve("children")).trim();
                    for (String c : children.isEmpty() ? new String[0] : children.split(" ")) {
                        long sub = treeTicks(Long.parseLong(c));
                        ticks += Math.max(0, sub);
                    }
                }
            }
            return ticks;
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime in clock ticks of each process (all its threads), and of the machine ("all cores busy"). */
    private static Map<String, Long> cpu(Map<String, Long> pids) throws Exception {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : pids.entrySet()) {
            m.put(e.getKey(), treeTicks(e.getValue()));
        }
        String[] all = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i <= 8; i++) {
            busy += i == 4 || i == 5 ? 0 : Long.parseLong(all[i]); // all but idle and iowait
        }
        m.put("machine", busy);
        return m;
    }
}
