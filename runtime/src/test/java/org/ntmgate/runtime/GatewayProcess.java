package org.ntmgate.runtime;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The exported gateway jar started as a real process in a home folder of its own, on a port of its own. The Gogo
 * shell is its standard input; everything it prints is collected. Always {@link #close()} it: it is killed then if
 * it has not stopped, so no test leaves a gateway behind.
 */
final class GatewayProcess implements AutoCloseable {
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    final Path home;
    final int port;
    /** The console's HTTPS port (a free one, so that gateways of parallel tests do not meet). */
    final int securePort;
    private final Process process;
    private final PrintStream shell;
    private final List<String> output = new ArrayList<>();
    private final Thread reader;

    GatewayProcess(Path home, int port) throws IOException {
        this(home, port, List.of());
    }

    /** With extra JVM options ({@code -Dname=value} framework properties). */
    GatewayProcess(Path home, int port, List<String> jvmOptions) throws IOException {
        this(home, port, jvmOptions, List.of());
    }

    /** Started through {@code launcher} (such as {@code ip netns exec NS}), with extra JVM options. */
    GatewayProcess(Path home, int port, List<String> jvmOptions, List<String> launcher) throws IOException {
        this.home = home;
        this.port = port;
        this.securePort = freePort();
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        String jar = System.getProperty("ntmgate.jar", "target/ntmgate.jar");
        Files.createDirectories(home.resolve("deploy"));
        // the launcher unpacks its jars into java.io.tmpdir: the home's, so a killed gateway leaves nothing in /tmp
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        List<String> command = new ArrayList<>(launcher);
        command.addAll(List.of(java, "-Djava.io.tmpdir=" + tmp, "-Dorg.osgi.service.http.port=" + port,
                "-Dorg.osgi.service.http.port.secure=" + securePort));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", Paths.get(jar).toAbsolutePath().toString()));
        process = new ProcessBuilder(command)
                .directory(home.toFile()).redirectErrorStream(true).start();
        shell = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
        reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                        output.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "gateway-output-" + port);
        reader.setDaemon(true);
        reader.start();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Waits until a printed line matches, and returns it. */
    String awaitLine(String what, Predicate<String> match, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (output) {
            while (true) {
                for (; seen < output.size(); seen++) {
                    if (match.test(output.get(seen))) {
                        return output.get(seen);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0 || !process.isAlive() && seen == output.size()) {
                    throw new AssertionError("gateway on port " + port + " did not print " + what + " within "
                            + timeout.toSeconds() + " s; it printed:\n" + String.join("\n", output));
                }
                output.wait(Math.max(1, Math.min(200, left / 1_000_000)));
            }
        }
    }

    /** Waits for the lifecycle bundle's line saying every bundle is active. */
    void awaitStarted() throws InterruptedException {
        awaitLine("'ntmgate started:'", l -> l.contains("ntmgate started:"), START_TIMEOUT);
    }

    /** Sends one Gogo command and waits for a line of its answer. */
    String gogo(String command, Predicate<String> answer) throws InterruptedException {
        int mark;
        synchronized (output) {
            mark = output.size();
        }
        shell.println(command);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        synchronized (output) {
            while (true) {
                for (int i = mark; i < output.size(); i++) {
                    if (answer.test(output.get(i))) {
                        return output.get(i);
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("no answer to '" + command + "'; output since:\n"
                            + String.join("\n", output.subList(mark, output.size())));
                }
                output.wait(Math.max(1, Math.min(200, left / 1_000_000)));
            }
        }
    }

    /**
     * Sends one Gogo command and returns its whole answer: every line it printed up to and with the first that
     * matches {@code last}, without the log lines printed meanwhile and without the shell's prompt.
     */
    String gogoAnswer(String command, Predicate<String> last) throws InterruptedException {
        int mark;
        synchronized (output) {
            mark = output.size();
        }
        String end = gogo(command, last.and(l -> !l.replaceFirst("^(g! )+", "").matches("^\\d{4}-\\d\\d-\\d\\dT.*")));
        synchronized (output) {
            List<String> lines = new java.util.ArrayList<>();
            for (int i = mark; i < output.size(); i++) {
                String l = output.get(i).replaceFirst("^(g! )+", ""); // the shell's prompt shares a line with what follows it
                if (!l.matches("^\\d{4}-\\d\\d-\\d\\dT.*")) {
                    lines.add(l);
                }
                if (output.get(i).equals(end)) {
                    break;
                }
            }
            return String.join("\n", lines);
        }
    }

    /** Repeats a Gogo command until a line of its answer matches, bounded: for effects that take a moment. */
    String awaitGogo(String command, Predicate<String> answer, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int mark;
            synchronized (output) {
                mark = output.size();
            }
            shell.println(command);
            Thread.sleep(300);
            synchronized (output) {
                for (int i = mark; i < output.size(); i++) {
                    if (answer.test(output.get(i))) {
                        return output.get(i);
                    }
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("'" + command + "' never answered as expected within " + timeout.toSeconds()
                        + " s; output:\n" + printed());
            }
        }
    }

    int httpStatus(String path, String user, String password) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(request(path, user, password).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** POST of an HTML form (name=value&amp;..., already encoded), as the console's pages send it; returns the status. */
    int httpPostForm(String path, String user, String password, String form) throws IOException, InterruptedException {
        return httpPost(path, user, password, form).statusCode();
    }

    /** The same, with the answer's body. */
    HttpResponse<String> httpPost(String path, String user, String password, String form) throws IOException, InterruptedException {
        return httpPost(path, user, password, form, Map.of());
    }

    /** The same with headers a browser adds ({@code Origin}, {@code Sec-Fetch-Site}). */
    HttpResponse<String> httpPost(String path, String user, String password, String form, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path, user, password).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        headers.forEach(b::header);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET with its body. */
    /** GET with the console's login; the answer with its body. */
    HttpResponse<String> httpGet(String path, String user, String password) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(request(path, user, password).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> httpGet(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(request(path, null, null).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A multipart/form-data POST as a browser sends the console's upload forms: the fields, then each file as a
     * {@code bundlefile} part; returns status and body.
     */
    HttpResponse<String> httpPostMultipart(String path, String user, String password, Map<String, String> fields,
            List<Path> bundleFiles) throws IOException, InterruptedException {
        String boundary = "ntmgate-test-" + System.nanoTime();
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (var f : fields.entrySet()) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + f.getKey() + "\"\r\n\r\n" + f.getValue() + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        for (Path f : bundleFiles) {
            body.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"bundlefile\"; filename=\""
                    + f.getFileName() + "\"\r\nContent-Type: application/java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            body.writeBytes(Files.readAllBytes(f));
            body.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest r = request(path, user, password).timeout(Duration.ofSeconds(90))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path, String user, String password) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return b;
    }

    /** Polls the console until it is there (any status but 404: Jetty may answer before the console is registered), bounded. */
    void awaitConsole() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            try {
                if (httpStatus("/system/console/bundles", null, null) != 404) {
                    return;
                }
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("console on port " + port + " never answered", e);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("console on port " + port + " never registered (404)");
            }
            Thread.sleep(100);
        }
    }

    /** SIGTERM, as systemd or an init script stops the gateway; returns the exit code. */
    int terminate() throws InterruptedException {
        // Process.destroy() would also close our ends of its pipes and lose what it prints while stopping.
        process.toHandle().destroy();
        if (!process.waitFor(45, TimeUnit.SECONDS)) {
            throw new AssertionError("gateway did not stop within 45 s of SIGTERM");
        }
        reader.join(10_000); // what it printed last is still in the pipe
        return process.exitValue();
    }

    String printed() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
        try {
            OutputStream in = process.getOutputStream();
            in.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
