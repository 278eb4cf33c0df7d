package org.ntmgate.as.impl;

import org.ntmgate.provision.Credentials;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.ntmgate.storage.AtomicFile;

/**
 * The accounts, kept in {@code accounts.txt} (mode 0600, written whole and atomically after every change; the
 * derived keys are password-equivalent, protocol.md 4.1): header {@code ntmgate-accounts 2}, one account per line
 * ({@code fqdn node-id salt iterations key enabled created last-login}, hex, times in epoch seconds), {@code end N}.
 * Version 1 files (without the two times) are read and written back as version 2. A login's time is kept in memory
 * and written with the next change, or at most a minute after it ({@link #loggedIn}), so that logins do not rewrite
 * the file each. A change that takes away what an account was given (removed, disabled, a new key) is told to the
 * revocation listener once it is on disk (protocol.md 4.7).
 */
final class AccountBook {
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    /** A new account's node id: random, never 0. */
    static long newNodeId() {
        return RANDOM.longs().filter(id -> id != 0).findFirst().getAsLong();
    }

    private static final String HEADER = "ntmgate-accounts 2";
    private static final String HEADER_V1 = "ntmgate-accounts 1";
    private static final HexFormat HEX = HexFormat.of();
    /** Logins are written at most this often. */
    static final long LOGIN_WRITE_MILLIS = 60_000;

    private final Map<String, Account> accounts = new TreeMap<>();
    private final Path file;
    private final java.util.function.Consumer<Account> revoked;
    private final java.util.function.LongSupplier clock;
    private boolean loginsUnwritten;
    private long lastWrite;

    AccountBook(Path file) {
        this(file, a -> {
        }, System::currentTimeMillis);
    }

    /** {@code revoked} hears each account whose grant a change took away (its state before the change). */
    AccountBook(Path file, java.util.function.Consumer<Account> revoked, java.util.function.LongSupplier clock) {
        this.file = file;
        this.revoked = revoked;
        this.clock = clock;
    }

    static final class CorruptAccountsException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptAccountsException(String message) {
            super(message);
        }
    }

    /** Normalises and checks a node name; IllegalArgumentException names what is wrong. */
    static String fqdn(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        if (n.length() > 253 || !n.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)+")) {
            throw new IllegalArgumentException("'" + name + "' is not a fully qualified domain name");
        }
        return n;
    }

    synchronized void load() throws IOException, CorruptAccountsException {
        accounts.clear();
        if (file == null || !Files.exists(file)) {
            return;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        boolean v1 = !lines.isEmpty() && lines.get(0).equals(HEADER_V1);
        if (lines.isEmpty() || !(v1 || lines.get(0).equals(HEADER)) || !lines.get(lines.size() - 1).equals("end " + (lines.size() - 2))) {
            throw new CorruptAccountsException("header or end line missing (truncated?)");
        }
        for (int i = 1; i < lines.size() - 1; i++) {
            String[] f = lines.get(i).split(" ");
            try {
                if (f.length != (v1 ? 6 : 8)) {
                    throw new IllegalArgumentException((v1 ? 6 : 8) + " fields");
                }
                Account a = new Account(fqdn(f[0]), Long.parseUnsignedLong(f[1], 16), HEX.parseHex(f[2]), Integer.parseInt(f[3]),
                        HEX.parseHex(f[4]), Boolean.parseBoolean(f[5]), v1 ? 0 : Long.parseLong(f[6]), v1 ? 0 : Long.parseLong(f[7]));
                if (a.key().length != 32 || a.iterations() < 1) {
                    throw new IllegalArgumentException("a 32-byte key and a positive iteration count");
                }
                accounts.put(a.fqdn(), a);
            } catch (IllegalArgumentException e) {
                throw new CorruptAccountsException("line " + (i + 1) + ": " + e.getMessage());
            }
        }
    }

    synchronized Optional<Account> find(String fqdn) {
        return Optional.ofNullable(accounts.get(fqdn));
    }

    synchronized List<Account> list() {
        return new ArrayList<>(accounts.values());
    }

    /** Adds an account, or sets a new password on an existing one (its node id stays). */
    synchronized Account put(String name, String password, int iterations) throws IOException {
        String n = fqdn(name);
        if (password == null || password.length() < 8) {
            throw new IllegalArgumentException("a password has at least 8 characters");
        }
        byte[] salt = Credentials.newSalt();
        Account old = accounts.get(n);
        Account a = new Account(n, old != null ? old.nodeId() : AccountBook.newNodeId(), salt, iterations,
                Credentials.derive(password, salt, iterations), old == null || old.enabled(), old != null ? old.created() : now(), old != null ? old.lastLogin() : 0);
        return change(n, a);
    }

    /** Adds or replaces an account from a derived credential (configuration); its node id stays if it existed. */
    synchronized Account putDerived(String name, Credentials.Derived d, boolean enabled) throws IOException {
        String n = fqdn(name);
        Account old = accounts.get(n);
        if (old != null && old.enabled() == enabled && old.iterations() == d.iterations() && java.util.Arrays.equals(old.salt(), d.salt())
                && java.util.Arrays.equals(old.key(), d.key())) {
            return old; // the same configuration again (every start): nothing to write
        }
        return change(n, new Account(n, old != null ? old.nodeId() : AccountBook.newNodeId(), d.salt(), d.iterations(), d.key(), enabled,
                old != null ? old.created() : now(), old != null ? old.lastLogin() : 0));
    }

    /** Records a successful login; written with the next change, or now when the last write is a minute old. */
    synchronized void loggedIn(String fqdn) {
        Account a = accounts.get(fqdn);
        if (a == null) {
            return;
        }
        accounts.put(fqdn, a.withLastLogin(now()));
        loginsUnwritten = true;
        if (clock.getAsLong() - lastWrite >= LOGIN_WRITE_MILLIS) {
            flush();
        }
    }

    /** Writes logins not yet on disk (at shutdown); a failure is logged by the caller's next change. */
    synchronized void flush() {
        if (!loginsUnwritten) {
            return;
        }
        try {
            write(accounts);
        } catch (IOException e) {
            org.slf4j.LoggerFactory.getLogger(AccountBook.class).warn("Last logins not written to {}: {}", file, e.toString());
        }
    }

    private long now() {
        return clock.getAsLong() / 1000;
    }

    synchronized boolean remove(String name) throws IOException {
        String n = fqdn(name);
        if (!accounts.containsKey(n)) {
            return false;
        }
        change(n, null);
        return true;
    }

    synchronized boolean enable(String name, boolean enabled) throws IOException {
        Account a = accounts.get(fqdn(name));
        if (a == null) {
            return false;
        }
        change(a.fqdn(), a.withEnabled(enabled));
        return true;
    }

    /** Applies a change in memory only once it is on disk. */
    private Account change(String n, Account a) throws IOException {
        Map<String, Account> next = new TreeMap<>(accounts);
        if (a == null) {
            next.remove(n);
        } else {
            next.put(n, a);
        }
        write(next);
        Account old = accounts.get(n);
        accounts.clear();
        accounts.putAll(next);
        if (old != null && old.revokedBy(a)) {
            revoked.accept(old);
        }
        return a;
    }

    private void write(Map<String, Account> all) throws IOException {
        if (file != null) {
            StringBuilder sb = new StringBuilder(HEADER).append('\n');
            for (Account x : all.values()) {
                sb.append(x.fqdn()).append(' ').append(Long.toHexString(x.nodeId())).append(' ').append(HEX.formatHex(x.salt()))
                        .append(' ').append(x.iterations()).append(' ').append(HEX.formatHex(x.key())).append(' ')
                        .append(x.enabled()).append(' ').append(x.created()).append(' ').append(x.lastLogin()).append('\n');
            }
            sb.append("end ").append(all.size()).append('\n');
            byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
            AtomicFile.write(file, out -> out.write(bytes), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        loginsUnwritten = false;
        lastWrite = clock.getAsLong();
    }

    Path file() {
        return file;
    }
}
