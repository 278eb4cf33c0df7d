package org.ntmgate.provision;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import org.ntmgate.storage.AtomicFile;

/**
 * The provisioning commands of {@code runtime/bin/ntmgate}, run without a gateway:
 * <ul>
 * <li>{@code keygen [count]}: new keys with their ids, one {@code <key id> <key>} per line;</li>
 * <li>{@code account add <fqdn> [--deploy <dir>] [--iterations <n>]}: a node account as a {@code .cfg} file in the
 * gateway's {@code deploy/} folder (default {@code ./deploy}); its new password on standard output, once;</li>
 * <li>{@code credential [--iterations <n>]}: the credential of a password read from standard input, for an account
 * file written by hand;</li>
 * <li>{@code gogo [--socket <path>] <command>}: a Gogo command run in the gateway running in this home (through its
 * command socket, default {@code run/gogo.sock}), and what it answered.</li>
 * </ul>
 * Exit status 0 when done, 1 when refused (with the reason on standard error), 2 for a usage error.
 */
public final class Main {
    static final String USAGE = """
            usage: ntmgate keygen [count]
                   ntmgate account add <fqdn> [--deploy <dir>] [--iterations <n>]
                   ntmgate credential [--iterations <n>]   (the password on standard input)
                   ntmgate gogo [--socket <path>] <command>""";
    /** Where the lifecycle bundle's command socket is, in the gateway's home. */
    static final String DEFAULT_SOCKET = "run/gogo.sock";

    private final PrintStream out;
    private final PrintStream err;

    Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) throws IOException {
        System.exit(new Main(System.out, System.err).run(args, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))));
    }

    /** A command that cannot go on: said on standard error, exit status 1. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** A command line that is not one of the commands: the usage, exit status 2. */
    static final class Usage extends Exception {
        private static final long serialVersionUID = 1L;

        Usage(String message) {
            super(message, null, false, false);
        }
    }

    int run(String[] args, BufferedReader in) throws IOException {
        try {
            List<String> a = new ArrayList<>(List.of(args));
            String command = a.isEmpty() ? "help" : a.remove(0);
            switch (command) {
            case "keygen" -> keygen(a);
            case "account" -> account(a);
            case "credential" -> credential(a, in);
            case "gogo" -> gogo(a);
            case "help", "-h", "--help" -> out.println(USAGE);
            default -> throw new Usage("unknown command '" + command + "'");
            }
            return 0;
        } catch (Refused e) {
            err.println("ntmgate: " + e.getMessage());
            return 1;
        } catch (Usage e) {
            err.println("ntmgate: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
    }

    private void keygen(List<String> a) throws Usage {
        int count = a.isEmpty() ? 1 : number(a.remove(0), "count");
        noMore(a);
        for (int i = 0; i < count; i++) {
            out.println(Keys.keyId() + " " + Keys.key());
        }
    }

    private void account(List<String> a) throws Usage, Refused, IOException {
        Path deploy = Path.of(option(a, "--deploy", "deploy"));
        int iterations = number(option(a, "--iterations", Integer.toString(Credentials.DEFAULT_ITERATIONS)), "--iterations");
        if (a.size() != 2 || !a.get(0).equals("add")) {
            throw new Usage("account needs 'add <fqdn>'");
        }
        String fqdn = Accounts.fqdn(a.get(1));
        if (!fqdn.matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+") || fqdn.length() > 253) {
            throw new Refused("'" + fqdn + "' is not a fully qualified DNS name (a node's name, e.g. laptop.ntm.example.net)");
        }
        Path file = deploy.resolve(Accounts.fileName(fqdn));
        if (Files.exists(file)) {
            throw new Refused(file + " exists: an account for " + fqdn + " is configured there (remove the file to make a new one)");
        }
        String password = Accounts.password();
        String text = Accounts.cfg(fqdn, Credentials.of(password, iterations), true);
        AtomicFile.write(file, o -> o.write(text.getBytes(StandardCharsets.UTF_8)), PosixFilePermissions.fromString("rw-------"));
        err.println("ntmgate: account " + fqdn + " written to " + file + "; its password (shown only now):");
        out.println(password);
    }

    private void credential(List<String> a, BufferedReader in) throws Usage, Refused, IOException {
        int iterations = number(option(a, "--iterations", Integer.toString(Credentials.DEFAULT_ITERATIONS)), "--iterations");
        noMore(a);
        String password = in.readLine();
        try {
            out.println(Credentials.of(password == null ? "" : password, iterations));
        } catch (IllegalArgumentException e) {
            throw new Refused(e.getMessage());
        }
    }

    private void gogo(List<String> a) throws Usage, Refused {
        Path socket = Path.of(option(a, "--socket", DEFAULT_SOCKET));
        if (a.isEmpty()) {
            throw new Usage("gogo needs a command (e.g. 'lb', 'rsn:status')");
        }
        String command = String.join(" ", a);
        try {
            out.print(GogoClient.run(socket, command));
            out.flush();
        } catch (IOException e) {
            throw new Refused("no gateway answers at " + socket.toAbsolutePath() + " (" + e.getMessage() + "): is it running, with this home?");
        }
    }

    /**
     * The value after the last {@code name} in {@code a}, or {@code otherwise}; every {@code name} and its value are
     * removed (so that an option the user gives after the start script's wins).
     */
    private static String option(List<String> a, String name, String otherwise) throws Usage {
        String value = otherwise;
        for (int i = a.indexOf(name); i >= 0; i = a.indexOf(name)) {
            if (i + 1 >= a.size()) {
                throw new Usage(name + " needs a value");
            }
            a.remove(i);
            value = a.remove(i);
        }
        return value;
    }

    private static int number(String text, String what) throws Usage {
        try {
            int n = Integer.parseInt(text);
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new Usage(what + " must be a whole number of at least 1, not '" + text + "'");
    }

    private static void noMore(List<String> a) throws Usage {
        if (!a.isEmpty()) {
            throw new Usage("unexpected " + String.join(" ", a));
        }
    }
}
