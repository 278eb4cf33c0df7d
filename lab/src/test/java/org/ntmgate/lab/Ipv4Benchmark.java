package org.ntmgate.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What the IPv4 service's translation costs (protocol.md 11.6; not a test): in one lab (endpoint-independent NAT),
 * iperf3 TCP throughput and 64-byte UDP packets per second to the IPv6-only server by name, from the IPv4-only LAN
 * host (translated at the node) and from the IPv6 LAN host (not translated) over the same tunnel, in turns, and the
 * medians' ratio. Run as root, after a build: {@code java -cp lab/target/test-classes:lab/target/classes:<lab's test
 * classpath> -Dbench.seconds=8 -Dbench.rounds=3 org.ntmgate.lab.Ipv4Benchmark}.
 */
public final class Ipv4Benchmark {
    private Ipv4Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(System.getProperty("runtime.jar", "runtime/target/ntmgate.jar")).toAbsolutePath();
        int seconds = Integer.getInteger("bench.seconds", 8);
        int rounds = Integer.getInteger("bench.rounds", 3);
        try (Lab lab = new Lab()) {
            lab.network(Lab.Nat.MASQUERADE);
            lab.lanBehindClient();
            lab.ipv4OnlyHostBehindClient();
            lab.dns();
            lab.web(new byte[1024], "small.bin");
            lab.gateway(jar);
            lab.client(jar);
            lab.spawn(lab.server, lab.dir.resolve("iperf3.log"), "iperf3", "-s", "-B", "2001:db8:1::80");
            Thread.sleep(1000);
            String name = Lab.SERVER_NAME;
            // both paths and both JITs warm first
            LabBenchmark.tcp(lab, lab.lan, "-6", name, 4);
            LabBenchmark.tcp(lab, lab.lan4, "-4", name, 4);
            LabBenchmark.udp(lab, lab.lan, "-6", name, 2);
            LabBenchmark.udp(lab, lab.lan4, "-4", name, 2);
            List<Double> tcp6 = new ArrayList<>();
            List<Double> tcp4 = new ArrayList<>();
            List<Double> udp6 = new ArrayList<>();
            List<Double> udp4 = new ArrayList<>();
            for (int i = 0; i < rounds; i++) {
                tcp6.add(LabBenchmark.tcp(lab, lab.lan, "-6", name, seconds));
                tcp4.add(LabBenchmark.tcp(lab, lab.lan4, "-4", name, seconds));
                udp6.add(LabBenchmark.udp(lab, lab.lan, "-6", name, seconds));
                udp4.add(LabBenchmark.udp(lab, lab.lan4, "-4", name, seconds));
                System.out.printf("round %d: TCP IPv6 %.0f, IPv4 %.0f Mbit/s; UDP64 IPv6 %.0f, IPv4 %.0f packets/s%n", i + 1, tcp6.get(i) / 1e6,
                        tcp4.get(i) / 1e6, udp6.get(i), udp4.get(i));
            }
            double t6 = median(tcp6);
            double t4 = median(tcp4);
            double u6 = median(udp6);
            double u4 = median(udp4);
            System.out.printf("TCP   IPv6 LAN host %.0f, IPv4-only LAN host %.0f Mbit/s: IPv4/IPv6 %.2f%n", t6 / 1e6, t4 / 1e6, t4 / t6);
            System.out.printf("UDP64 IPv6 LAN host %.0f, IPv4-only LAN host %.0f packets/s: IPv4/IPv6 %.2f%n", u6, u4, u4 / u6);
            lab.clientCommand("node:status");
            Thread.sleep(1500);
            java.nio.file.Files.readAllLines(lab.clientLog()).stream().filter(l -> l.contains("NTM node registered") && l.contains("dropped"))
                    .forEach(l -> System.out.println("counters: " + l));
        }
    }

    private static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        Collections.sort(v);
        return v.get(v.size() / 2);
    }
}
