package org.ntmgate.packet;

import io.netty.buffer.ByteBuf;

/**
 * The Internet checksum: the 16-bit one's complement of the one's complement sum of 16-bit words (RFC 1071), and
 * its incremental update when some words change (RFC 1624, equation 3: {@code HC' = ~(~HC + ~m + m')}).
 *
 * <p>Sums are carried in a {@code long} and folded at the end; nothing allocates.
 */
public final class InternetChecksum {
    private InternetChecksum() {
    }

    /** The unfolded sum of {@code length} bytes at absolute {@code offset} (an odd last byte is padded with zero). */
    public static long sum(ByteBuf buf, int offset, int length) {
        long sum = 0;
        int i = offset;
        int end = offset + length;
        // Eight bytes at a time: the sum of four 16-bit words of a long, with carries kept in the upper bits.
        for (; i + 8 <= end; i += 8) {
            long w = buf.getLong(i);
            sum += (w >>> 48) + ((w >>> 32) & 0xFFFF) + ((w >>> 16) & 0xFFFF) + (w & 0xFFFF);
        }
        for (; i + 2 <= end; i += 2) {
            sum += buf.getUnsignedShort(i);
        }
        if (i < end) {
            sum += (buf.getUnsignedByte(i) << 8);
        }
        return sum;
    }

    /** The unfolded sum of a byte array's 16-bit words (length even). */
    public static long sum(byte[] bytes) {
        long sum = 0;
        for (int i = 0; i + 1 < bytes.length; i += 2) {
            sum += ((bytes[i] & 0xFF) << 8) | (bytes[i + 1] & 0xFF);
        }
        return sum;
    }

    /** Folds a sum to 16 bits, carries added back in (end-around carry). */
    public static int fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) sum;
    }

    /** The checksum field value for data whose sum (pseudo-header included, checksum field as zero) is {@code sum}. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xFFFF;
    }

    /** True when data whose sum, checksum field included, is {@code sum} carries a correct checksum. */
    public static boolean verifies(long sum) {
        return fold(sum) == 0xFFFF;
    }

    /**
     * RFC 1624 equation 3: the new checksum after words whose sum was {@code oldSum} were replaced by words whose sum
     * is {@code newSum}.
     */
    public static int update(int checksum, long oldSum, long newSum) {
        // In one's complement arithmetic the sum of the old words' complements is the complement of their sum.
        long s = (~checksum & 0xFFFF) + (~fold(oldSum) & 0xFFFF) + newSum;
        return ~fold(s) & 0xFFFF;
    }

    /** The sum of the IPv4 pseudo-header (RFC 768, RFC 793): addresses, protocol, transport length. */
    public static long ipv4PseudoHeaderSum(ByteBuf buf, int ipOffset, int protocol, int transportLength) {
        return sum(buf, ipOffset + 12, 8) + protocol + transportLength;
    }

    /** The sum of the IPv6 pseudo-header (RFC 8200 section 8.1): addresses, upper-layer length, next header. */
    public static long ipv6PseudoHeaderSum(ByteBuf buf, int ipOffset, int nextHeader, int upperLayerLength) {
        return sum(buf, ipOffset + 8, 32) + (upperLayerLength >>> 16) + (upperLayerLength & 0xFFFF) + nextHeader;
    }
}
