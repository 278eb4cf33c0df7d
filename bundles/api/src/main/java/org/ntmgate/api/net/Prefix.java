package org.ntmgate.api.net;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/**
 * A CIDR prefix such as {@code 2001:db8:100::/64} or {@code 198.51.100.0/24}. Parsing is strict: host bits must be
 * zero, so a typo in a pool definition is refused instead of silently widened.
 */
public final class Prefix {
    private final byte[] network;
    private final int length;

    private Prefix(byte[] network, int length) {
        this.network = network;
        this.length = length;
    }

    /**
     * Parses {@code address/length}.
     *
     * @throws IllegalArgumentException naming what is wrong (no length, length out of range, host bits set)
     */
    public static Prefix parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + text + "' is not a prefix: expected address/length");
        }
        byte[] addr = Endpoint.parseNumericAddress(text, s.substring(0, slash));
        int len;
        try {
            len = Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': prefix length is not a number", e);
        }
        return of(addr, len, text);
    }

    /** The prefix of {@code address} (host bits must be zero) and {@code length}. */
    public static Prefix of(InetAddress address, int length) {
        return of(address.getAddress(), length, AddressFormat.format(address.getAddress()) + "/" + length);
    }

    /** The prefix of {@code length} (at most this one's) that contains this one: 10.1.2.0/24 widened to 16 is 10.1.0.0/16. */
    public Prefix widenedTo(int length) {
        byte[] a = network().getAddress();
        if (length < 0 || length > this.length()) {
            throw new IllegalArgumentException("a prefix widens to a length from 0 to " + this.length() + ", not " + length);
        }
        byte[] m = mask(a, length);
        return new Prefix(m, length);
    }

    private static Prefix of(byte[] addr, int len, String text) {
        if (len < 0 || len > addr.length * 8) {
            throw new IllegalArgumentException("'" + text + "': prefix length must be 0.." + addr.length * 8);
        }
        byte[] masked = mask(addr, len);
        if (!Arrays.equals(masked, addr)) {
            throw new IllegalArgumentException("'" + text + "' is not a prefix: bits after /" + len
                    + " are set (did you mean " + toString(masked, len) + "?)");
        }
        return new Prefix(masked, len);
    }

    private static byte[] mask(byte[] addr, int len) {
        byte[] out = addr.clone();
        for (int i = 0; i < out.length; i++) {
            int bits = Math.max(0, Math.min(8, len - i * 8));
            out[i] &= (byte) (0xFF << (8 - bits));
        }
        return out;
    }

    public AddressFamily family() {
        return AddressFamily.ofLength(network.length);
    }

    public int length() {
        return length;
    }

    public InetAddress network() {
        try {
            return InetAddress.getByAddress(network);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Number of addresses in the prefix (2^(bits - length)). */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(network.length * 8 - length);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        return a.length == network.length && Arrays.equals(mask(a, length), network);
    }

    /** True when the two prefixes share at least one address. */
    public boolean overlaps(Prefix other) {
        if (other.network.length != network.length) {
            return false;
        }
        int shorter = Math.min(length, other.length);
        return Arrays.equals(mask(network, shorter), mask(other.network, shorter));
    }

    /** The address at {@code offset} from the network address; {@code offset} must be below {@link #size()}. */
    public InetAddress addressAt(BigInteger offset) {
        if (offset.signum() < 0 || offset.compareTo(size()) >= 0) {
            throw new IllegalArgumentException("offset " + offset + " is outside " + this);
        }
        BigInteger value = new BigInteger(1, network).add(offset);
        byte[] raw = value.toByteArray();
        byte[] out = new byte[network.length];
        int copy = Math.min(raw.length, out.length);
        System.arraycopy(raw, raw.length - copy, out, out.length - copy, copy);
        try {
            return InetAddress.getByAddress(out);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The offset of {@code address} from the network address; the address must be inside the prefix. */
    public BigInteger offsetOf(InetAddress address) {
        if (!contains(address)) {
            throw new IllegalArgumentException(AddressFormat.format(address.getAddress()) + " is outside " + this);
        }
        return new BigInteger(1, address.getAddress()).subtract(new BigInteger(1, network));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prefix && ((Prefix) o).length == length && Arrays.equals(((Prefix) o).network, network);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(network) * 131 + length;
    }

    @Override
    public String toString() {
        return toString(network, length);
    }

    private static String toString(byte[] addr, int len) {
        return AddressFormat.format(addr) + "/" + len;
    }
}
