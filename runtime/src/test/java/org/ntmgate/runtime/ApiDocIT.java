package org.ntmgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/api.md as a reader runs it: every {@code sh} example followed by an "HTTP nnn" line is run with bash and curl,
 * in the document's order, against the exported jar on its default configuration, and its status and the text the
 * document names are checked. A document that stops matching the API fails here.
 */
class ApiDocIT {
    private static final Pattern EXAMPLE = Pattern.compile("```sh\\n(curl [^\\n]*)\\n```\\nHTTP (\\d{3})(?:, contains `([^\\n]*)`)?");

    record Example(String command, int status, String contains) {
    }

    static List<Example> examples(String doc) {
        List<Example> out = new ArrayList<>();
        Matcher m = EXAMPLE.matcher(doc);
        while (m.find()) {
            out.add(new Example(m.group(1), Integer.parseInt(m.group(2)), m.group(3)));
        }
        return out;
    }

    @Test
    void everyCurlExampleOfTheApiDocumentAnswersAsItSays(@TempDir Path home) throws Exception {
        String doc = Files.readString(Path.of(System.getProperty("ntmgate.docs", "../docs"), "api.md"));
        List<Example> examples = examples(doc);
        assertTrue(examples.size() >= 15, "the document's examples were found: " + examples.size());
        Files.createDirectories(home.resolve("deploy"));
        // the Accounts section's Account Server (its file as the document shows it, on a free port of loopback)
        Files.writeString(home.resolve("deploy/org.ntmgate.as.config"), "bindAddress=\"127.0.0.1\"\nport=I\"" + GatewayProcess.freePort()
                + "\"\nasDcKeyId=I\"3\"\nasDcKey=\"" + "ab".repeat(32) + "\"\n");
        try (GatewayProcess gw = new GatewayProcess(home, GatewayProcess.freePort())) {
            gw.awaitStarted();
            gw.awaitConsole();
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while (gw.httpStatus("/ntmgate/api/v1", null, null) == 404 && System.nanoTime() < deadline) {
                Thread.sleep(100); // the pages bundle registers the API a moment after the console
            }
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(home.resolve("console-password"))) {
                p.load(in);
            }
            Path body = home.resolve("body.json");
            for (Example e : examples) {
                ProcessBuilder pb = new ProcessBuilder("bash", "-c", e.command() + " -o " + body + " -w '%{http_code}'").redirectErrorStream(true);
                pb.environment().put("NTM", "http://127.0.0.1:" + gw.port);
                pb.environment().put("NTM_PASSWORD", p.getProperty("password"));
                Files.deleteIfExists(body);
                Process run = pb.start();
                assertTrue(run.waitFor(30, TimeUnit.SECONDS), "ran: " + e.command());
                String status = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                String answer = Files.exists(body) ? Files.readString(body) : "";
                assertEquals(Integer.toString(e.status()), status, e.command() + "\n" + answer);
                if (e.contains() != null) {
                    assertTrue(answer.contains(e.contains()), e.command() + "\nshould contain: " + e.contains() + "\nanswered: " + answer);
                }
            }
        }
    }
}
