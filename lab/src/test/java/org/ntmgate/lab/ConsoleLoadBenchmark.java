package org.ntmgate.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.ntmgate.pages.ConsoleBrowser;

/**
 * What an open console costs the data path (a benchmark, not a test): in one lab, iperf3 TCP throughput and 64-byte
 * UDP packets per second from the client through the NTMobile tunnel, in pairs of runs alternating (ABBA) between no
 * browser on the console and a headless Chromium keeping the Overview page open (it reads the page's JSON every 2 s
 * and redraws its graphs). The browser runs on the same machine as the gateway, so its own drawing competes for the
 * same cores as the data path: the figure is an upper bound of what the page costs the gateway.
 * Run as root: {@code mvn -B -pl lab test-compile exec:java -Dexec.mainClass=org.ntmgate.lab.ConsoleLoadBenchmark
 * -Dexec.classpathScope=test}; {@code -Dbench.seconds} (10) per run, {@code -Dbench.pairs} (3).
 */
public final class ConsoleLoadBenchmark {
    private ConsoleLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(System.getProperty("runtime.jar", "runtime/target/ntmgate.jar")).toAbsolutePath();
        int seconds = Integer.getInteger("bench.seconds", 10);
        int pairs = Integer.getInteger("bench.pairs", 3);
        try (Lab lab = Lab.open(Lab.Nat.MASQUERADE)) {
            lab.dns();
            lab.web(new byte[1024], "big.bin");
            lab.gateway(jar, false);
            lab.client(jar);
            lab.spawn(lab.server, lab.dir.resolve("iperf3.log"), "iperf3", "-s", "-B", "2001:db8:1::80");
            Thread.sleep(1000);
            String tunnel = lab.exec(lab.client, "getent", "ahostsv6", Lab.SERVER_NAME).output().split("\\s+")[0];
            int port = lab.console();
            try (ConsoleBrowser b = new ConsoleBrowser("http://127.0.0.1:" + port, "admin", lab.consolePassword(), lab.dir.resolve("shots"))) {
                LabBenchmark.tcp(lab, tunnel, 5); // the JIT compilers settle first
                LabBenchmark.udp(lab, tunnel, 3);
                List<Double> tcpClosed = new ArrayList<>();
                List<Double> tcpOpen = new ArrayList<>();
                List<Double> udpClosed = new ArrayList<>();
                List<Double> udpOpen = new ArrayList<>();
                for (int i = 0; i < pairs; i++) {
                    for (boolean open : i % 2 == 0 ? new boolean[] { false, true } : new boolean[] { true, false }) {
                        if (open) {
                            b.open("overview");
                            b.await("the Overview's graphs", () -> b.text("ntm-traffic-section").contains("RS-N"));
                        } else {
                            b.blank();
                        }
                        double tcp = LabBenchmark.tcp(lab, tunnel, seconds);
                        double udp = LabBenchmark.udp(lab, tunnel, seconds);
                        (open ? tcpOpen : tcpClosed).add(tcp);
                        (open ? udpOpen : udpClosed).add(udp);
                        System.out.printf("pair %d, Overview %s: TCP %.0f Mbit/s, UDP64 %.0f packets/s%n", i + 1, open ? "open" : "closed", tcp / 1e6, udp);
                    }
                }
                System.out.printf("TCP   median closed %.0f, open %.0f Mbit/s: open/closed %.3f%n", median(tcpClosed) / 1e6, median(tcpOpen) / 1e6,
                        median(tcpOpen) / median(tcpClosed));
                System.out.printf("UDP64 median closed %.0f, open %.0f packets/s: open/closed %.3f%n", median(udpClosed), median(udpOpen),
                        median(udpOpen) / median(udpClosed));
            }
        }
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
