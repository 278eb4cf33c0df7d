package org.ntmgate.api.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * An IP address with an optional transport port: one side of a translation entry.
 *
 * <p>Port 0 means "the whole address" (the RS-N maps one egress address per node, so every protocol works); a
 * non-zero port names one transport endpoint (a Teredo peer's mapped IPv4 address and UDP port). Immutable;
 * equality is by address bytes and port, so endpoints are good map keys.
 *
 * <p>Presentation format: {@code 192.0.2.1}, {@code 192.0.2.1:3544}, {@code 2001:db8::1},
 * {@code [2001:db8::1]:80}.
 */
public final class Endpoint {
    private final byte[] address;
    private final int port;
    private final int hash;

    private Endpoint(byte[] address, int port) {
        AddressFamily.ofLength(address.length);
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port must be 0..65535, not " + port);
        }
        this.address = address;
        this.port = port;
        this.hash = hash(address, port);
    }

    /**
     * A well-mixed hash. {@code Arrays.hashCode} is not: addresses handed out in sequence differ only in their last
     * bytes, and its polynomial maps many of them to the same value, turning hash-map bins into long chains (the
     * table benchmark showed 4 us lookups at a million entries). Each 8-byte half goes through a 64-bit finaliser
     * (the one of MurmurHash3) so every input bit reaches every output bit.
     */
    private static int hash(byte[] a, int port) {
        long h = port * 0x9E3779B97F4A7C15L + a.length;
        for (int i = 0; i < a.length; i += 8) {
            long word = 0;
            for (int j = i; j < Math.min(i + 8, a.length); j++) {
                word = (word << 8) | (a[j] & 0xFF);
            }
            h = mix(h ^ mix(word));
        }
        return (int) (h ^ (h >>> 32));
    }

    private static long mix(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /** An endpoint for {@code address} and {@code port} (0: the whole address). */
    public static Endpoint of(InetAddress address, int port) {
        return new Endpoint(address.getAddress(), port);
    }

    /** The whole address, no port. */
    public static Endpoint of(InetAddress address) {
        return of(address, 0);
    }

    /** An endpoint from raw address bytes (4 or 16, copied) and a port. */
    public static Endpoint of(byte[] address, int port) {
        return new Endpoint(address.clone(), port);
    }

    /**
     * Parses the presentation format. Only numeric addresses are accepted: no name is ever looked up.
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static Endpoint parse(String text) {
        String s = text.trim();
        String host = s;
        int port = 0;
        if (s.startsWith("[")) {
            int close = s.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': '[' without ']'");
            }
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("'" + text + "': expected ':port' after ']'");
                }
                port = parsePort(text, rest.substring(1));
            }
        } else if (s.indexOf(':') >= 0 && s.indexOf(':') == s.lastIndexOf(':')) {
            host = s.substring(0, s.indexOf(':'));
            port = parsePort(text, s.substring(s.indexOf(':') + 1));
        }
        return new Endpoint(parseNumericAddress(text, host), port);
    }

    static byte[] parseNumericAddress(String text, String host) {
        boolean numeric = !host.isEmpty() && (host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || Character.isDigit(c)));
        if (!numeric) {
            throw new IllegalArgumentException("'" + text + "': not a numeric IPv4 or IPv6 address");
        }
        if (host.indexOf(':') < 0 && host.split("\\.", -1).length != 4) {
            throw new IllegalArgumentException("'" + text + "': an IPv4 address has four parts");
        }
        try {
            return InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + text + "': not a valid IP address", e);
        }
    }

    private static int parsePort(String text, String port) {
        try {
            int p = Integer.parseInt(port);
            if (p < 0 || p > 0xFFFF) {
                throw new IllegalArgumentException("'" + text + "': port must be 0..65535");
            }
            return p;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': port '" + port + "' is not a number", e);
        }
    }

    public AddressFamily family() {
        return AddressFamily.ofLength(address.length);
    }

    /** A fresh {@link InetAddress} for the address part. */
    public InetAddress address() {
        try {
            return InetAddress.getByAddress(address);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 or 16 bytes are always an address", e);
        }
    }

    /** A copy of the address bytes. */
    public byte[] addressBytes() {
        return address.clone();
    }

    /** Copies the address bytes into {@code dst} at {@code offset}: no allocation, for packet paths. */
    public void copyAddressTo(byte[] dst, int offset) {
        System.arraycopy(address, 0, dst, offset, address.length);
    }

    /** The port, 0 when the endpoint stands for the whole address. */
    public int port() {
        return port;
    }

    /** True when {@code bytes[offset..offset+len)} and {@code port} equal this endpoint: no allocation. */
    public boolean matches(byte[] bytes, int offset, int length, int port) {
        return this.port == port && length == address.length
                && Arrays.equals(address, 0, address.length, bytes, offset, offset + length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Endpoint && ((Endpoint) o).port == port && Arrays.equals(((Endpoint) o).address, address);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        String host = AddressFormat.format(address);
        if (port == 0) {
            return host;
        }
        return address.length == 16 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
