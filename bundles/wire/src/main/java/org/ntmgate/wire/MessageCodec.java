package org.ntmgate.wire;

import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.Set;

import javax.crypto.Mac;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * Writes and reads signalling messages: the 28-byte header (protocol.md 2.1), TLVs (2.2), and the 16-byte
 * HMAC-SHA-256 trailer (5.2). Checks run in the order of 10.2, cheapest first, and the MAC is verified before a TLV
 * is parsed. Not thread-safe (it keeps one {@link Mac}): one codec per channel or thread.
 */
public final class MessageCodec {
    public static final int HEADER_LENGTH = 28;
    public static final int MAC_LENGTH = 16;
    public static final int MIN_LENGTH = HEADER_LENGTH + MAC_LENGTH;
    public static final int MAX_LENGTH = 0xFFFF;

    private final Mac hmac;
    private final byte[] digest = new byte[32];

    public MessageCodec() {
        try {
            hmac = Mac.getInstance("HmacSHA256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 17 runtime has HmacSHA256", e);
        }
    }

    /**
     * Appends {@code m} to {@code out}, MACed with {@code key}; {@code key} is null for LOGIN_REQUEST and for keyless
     * ERRORs, whose key id is 0 and MAC field zeros (4.2, 9.2). Returns the encoded length.
     */
    public int encode(Message m, MacKey key, ByteBuf out) {
        boolean keyless = key == null;
        if (keyless && !mayBeKeyless(m.type())) {
            throw new IllegalArgumentException(m.type() + " needs a key");
        }
        if (!keyless && m.type() == MessageType.LOGIN_REQUEST) {
            throw new IllegalArgumentException("LOGIN_REQUEST carries no key");
        }
        if (!keyless && key.id() != m.keyId()) {
            throw new IllegalArgumentException("message names key " + Integer.toUnsignedString(m.keyId(), 16)
                    + " but is MACed with " + key);
        }
        int length = MIN_LENGTH;
        for (Tlv t : m.tlvs()) {
            length += 4 + t.length();
        }
        if (length > MAX_LENGTH) {
            throw new IllegalArgumentException("message of " + length + " bytes does not fit the 16-bit Length");
        }
        int start = out.writerIndex();
        out.ensureWritable(length);
        out.writeByte((Message.VERSION << 4) | m.flags());
        out.writeByte(m.type().code());
        out.writeShort(length);
        out.writeInt(m.transactionId());
        out.writeLong(m.sequence());
        out.writeLong(m.id());
        out.writeInt(keyless ? 0 : m.keyId());
        for (Tlv t : m.tlvs()) {
            out.writeShort(t.type());
            out.writeShort(t.length());
            out.writeBytes(t.valueUnsafe());
        }
        if (keyless) {
            out.writeZero(MAC_LENGTH);
        } else {
            mac(key, out, start, length - MAC_LENGTH);
            out.writeBytes(digest, 0, MAC_LENGTH);
        }
        return length;
    }

    private void mac(MacKey key, ByteBuf buf, int start, int length) {
        try {
            hmac.init(key.spec());
            hmac.update(buf.nioBuffer(start, length));
            hmac.doFinal(digest, 0);
        } catch (InvalidKeyException | javax.crypto.ShortBufferException e) {
            throw new IllegalStateException("a 32-byte HMAC key and a 32-byte buffer are always valid", e);
        }
    }

    /** {@code m} as one datagram's bytes, MACed with {@code key} (null: keyless, as {@link #encode}). */
    public byte[] toBytes(Message m, MacKey key) {
        ByteBuf out = Unpooled.buffer(256);
        encode(m, key, out);
        return ByteBufUtil.getBytes(out);
    }

    /** LOGIN_REQUEST has no key; an ERROR may have none (protocol.md 9.2): its receiver only ever gives up on it. */
    private static boolean mayBeKeyless(MessageType type) {
        return type == MessageType.LOGIN_REQUEST || type == MessageType.ERROR;
    }

    /** The key id of a datagram that at least holds a header, or 0: for lookups before decoding. */
    public static int peekKeyId(ByteBuf in) {
        return in.readableBytes() >= HEADER_LENGTH ? in.getInt(in.readerIndex() + 24) : 0;
    }

    /**
     * Reads the datagram that fills {@code in}'s readable bytes (indices are not moved). Returns the message only if
     * it is well formed and its MAC verifies with the key {@code keys} finds; replay is the caller's check (6.2),
     * with {@link ReplayWindow}, because it depends on the sender.
     */
    public Message decode(ByteBuf in, KeyLookup keys) throws WireDecodeException {
        MessageType type = frame(in);
        int start = in.readerIndex();
        long id = in.getLong(start + 16);
        int keyId = in.getInt(start + 24);
        if (type == MessageType.LOGIN_REQUEST && keyId != 0) {
            throw new WireDecodeException(WireDecodeException.Reason.UNKNOWN_KEY, "LOGIN_REQUEST names a key");
        }
        if (keyId != 0 || !mayBeKeyless(type)) {
            MacKey key = keyId == 0 ? null : keys.find(keyId, type, id);
            if (key == null) {
                throw new WireDecodeException(WireDecodeException.Reason.UNKNOWN_KEY, "unknown key " + Integer.toUnsignedString(keyId, 16));
            }
            if (!verifies(in, key)) {
                throw new WireDecodeException(WireDecodeException.Reason.BAD_MAC, type + ": MAC does not verify");
            }
        }
        return parse(in, type);
    }

    /**
     * Reads a message whose key is inside it, without checking its MAC: a LOGIN_CHALLENGE (the salt for K_node,
     * protocol.md 4.3) or a REGISTER_REQUEST (the ticket holding K_nd, 7.1). The caller must then call
     * {@link #verifies} on the same bytes with the key it found, and discard the message if that fails. Any other
     * type is refused.
     */
    public Message decodeBeforeVerifying(ByteBuf in) throws WireDecodeException {
        MessageType type = frame(in);
        if (type != MessageType.LOGIN_CHALLENGE && type != MessageType.REGISTER_REQUEST) {
            throw new WireDecodeException(WireDecodeException.Reason.UNKNOWN_TYPE, type + " carries no key of its own");
        }
        return parse(in, type);
    }

    /** True when the MAC of the framed message filling {@code in}'s readable bytes verifies with {@code key}. */
    public boolean verifies(ByteBuf in, MacKey key) {
        int start = in.readerIndex();
        int length = in.readableBytes();
        if (length < MIN_LENGTH) {
            return false;
        }
        mac(key, in, start, length - MAC_LENGTH);
        return constantTimeEquals(in, start + length - MAC_LENGTH);
    }

    /** The checks of protocol.md 10.2 before any key is involved: size, version, Length, type. */
    private static MessageType frame(ByteBuf in) throws WireDecodeException {
        int start = in.readerIndex();
        int size = in.readableBytes();
        if (size < MIN_LENGTH) {
            throw new WireDecodeException(WireDecodeException.Reason.TRUNCATED, size + " bytes, below the 44-byte minimum");
        }
        int first = in.getUnsignedByte(start);
        if ((first >>> 4) != Message.VERSION) {
            throw new WireDecodeException(WireDecodeException.Reason.BAD_VERSION, "version " + (first >>> 4));
        }
        int length = in.getUnsignedShort(start + 2);
        if (length != size) {
            throw new WireDecodeException(WireDecodeException.Reason.BAD_LENGTH, "Length " + length + " in a datagram of " + size);
        }
        MessageType type = MessageType.ofCode(in.getUnsignedByte(start + 1));
        if (type == null) {
            throw new WireDecodeException(WireDecodeException.Reason.UNKNOWN_TYPE, "type " + in.getUnsignedByte(start + 1));
        }
        return type;
    }

    /** The header fields and TLVs of a framed message (2.2). */
    private static Message parse(ByteBuf in, MessageType type) throws WireDecodeException {
        int start = in.readerIndex();
        int length = in.readableBytes();
        Message.Builder b = Message.builder(type).flags(in.getUnsignedByte(start) & 0x0F).transactionId(in.getInt(start + 4))
                .sequence(in.getLong(start + 8)).id(in.getLong(start + 16)).keyId(in.getInt(start + 24));
        Set<Integer> seen = new HashSet<>();
        int at = start + HEADER_LENGTH;
        int end = start + length - MAC_LENGTH;
        while (at < end) {
            if (at + 4 > end) {
                throw new WireDecodeException(WireDecodeException.Reason.BAD_TLV, "TLV header runs into the MAC");
            }
            int t = in.getUnsignedShort(at);
            int len = in.getUnsignedShort(at + 2);
            if (at + 4 + len > end) {
                throw new WireDecodeException(WireDecodeException.Reason.BAD_TLV, TlvType.name(t) + " runs into the MAC");
            }
            if (!seen.add(t)) {
                throw new WireDecodeException(WireDecodeException.Reason.DUPLICATE_TLV, TlvType.name(t) + " twice");
            }
            byte[] value = new byte[len];
            in.getBytes(at + 4, value);
            if (TlvType.isKnown(t)) {
                TlvType.validate(t, value);
            } else if (TlvType.isCritical(t)) {
                throw new WireDecodeException(WireDecodeException.Reason.UNKNOWN_CRITICAL_TLV, TlvType.name(t));
            }
            b.tlv(t, value);
            at += 4 + len;
        }
        for (int required : type.requiredTlvs()) {
            if (!seen.contains(required)) {
                throw new WireDecodeException(WireDecodeException.Reason.MISSING_TLV, type + " without " + TlvType.name(required));
            }
        }
        return b.build();
    }

    private boolean constantTimeEquals(ByteBuf in, int macOffset) {
        int diff = 0;
        for (int i = 0; i < MAC_LENGTH; i++) {
            diff |= digest[i] ^ in.getByte(macOffset + i);
        }
        return diff == 0;
    }
}
