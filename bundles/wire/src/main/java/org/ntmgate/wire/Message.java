package org.ntmgate.wire;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A signalling message (protocol.md 2.1): the header fields and the TLVs in order, unknown non-critical TLVs kept
 * (2.2.2). Immutable; built with {@link #builder(MessageType)}, written and read by {@link MessageCodec}.
 */
public final class Message {
    public static final int VERSION = 1;

    private final MessageType type;
    private final int flags;
    private final int transactionId;
    private final long sequence;
    private final long id;
    private final int keyId;
    private final List<Tlv> tlvs;

    private Message(MessageType type, int flags, int transactionId, long sequence, long id, int keyId, List<Tlv> tlvs) {
        this.type = type;
        this.flags = flags;
        this.transactionId = transactionId;
        this.sequence = sequence;
        this.id = id;
        this.keyId = keyId;
        this.tlvs = Collections.unmodifiableList(new ArrayList<>(tlvs));
    }

    public static Builder builder(MessageType type) {
        return new Builder(type);
    }

    /** A builder holding this message's fields, to change some. */
    public Builder toBuilder() {
        Builder b = new Builder(type).flags(flags).transactionId(transactionId).sequence(sequence).id(id).keyId(keyId);
        b.tlvs.addAll(tlvs);
        return b;
    }

    public MessageType type() {
        return type;
    }

    public int flags() {
        return flags;
    }

    public int transactionId() {
        return transactionId;
    }

    public long sequence() {
        return sequence;
    }

    /** The node id or path id of the header. */
    public long id() {
        return id;
    }

    public int keyId() {
        return keyId;
    }

    public List<Tlv> tlvs() {
        return tlvs;
    }

    public Optional<Tlv> tlv(int type) {
        for (Tlv t : tlvs) {
            if (t.type() == type) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    private byte[] require(int type) {
        return tlv(type).orElseThrow(() -> new IllegalStateException(this.type + " has no " + TlvType.name(type))).valueUnsafe();
    }

    public String fqdn() {
        return new String(require(TlvType.FQDN), StandardCharsets.US_ASCII);
    }

    public byte[] bytes(int type) {
        return require(type).clone();
    }

    public long u64(int type) {
        return ByteBuffer.wrap(require(type)).getLong();
    }

    public long u32(int type) {
        return ByteBuffer.wrap(require(type)).getInt() & 0xFFFFFFFFL;
    }

    public int u16(int type) {
        return ByteBuffer.wrap(require(type)).getShort() & 0xFFFF;
    }

    public int u8(int type) {
        return require(type)[0] & 0xFF;
    }

    /** An ENDPOINT-layout TLV as a socket address (port 0 for address-only TLVs). */
    public InetSocketAddress endpoint(int type) {
        byte[] v = require(type);
        byte[] a = new byte[v.length - 4];
        System.arraycopy(v, 4, a, 0, a.length);
        try {
            return new InetSocketAddress(InetAddress.getByAddress(a), ((v[2] & 0xFF) << 8) | (v[3] & 0xFF));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("validated on decode", e);
        }
    }

    public InetAddress address(int type) {
        byte[] v = require(type);
        try {
            return InetAddress.getByAddress(v.length == 4 || v.length == 16 ? v : endpoint(type).getAddress().getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("validated on decode", e);
        }
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Message)) {
            return false;
        }
        Message m = (Message) o;
        return m.type == type && m.flags == flags && m.transactionId == transactionId && m.sequence == sequence && m.id == id
                && m.keyId == keyId && m.tlvs.equals(tlvs);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, transactionId, sequence, id, keyId, tlvs);
    }

    @Override
    public String toString() {
        return type + " tx=" + Integer.toUnsignedString(transactionId, 16) + " seq=" + sequence + " id="
                + Long.toUnsignedString(id, 16) + " key=" + Integer.toUnsignedString(keyId, 16) + " " + tlvs;
    }

    /** Builds a message; TLV helpers encode values as protocol.md 2.2.4 lays them out. */
    public static final class Builder {
        private final MessageType type;
        private int flags;
        private int transactionId;
        private long sequence;
        private long id;
        private int keyId;
        private final List<Tlv> tlvs = new ArrayList<>();

        private Builder(MessageType type) {
            this.type = Objects.requireNonNull(type);
        }

        public Builder flags(int f) {
            if (f < 0 || f > 15) {
                throw new IllegalArgumentException("flags are 4 bits");
            }
            this.flags = f;
            return this;
        }

        public Builder transactionId(int t) {
            this.transactionId = t;
            return this;
        }

        public Builder sequence(long s) {
            this.sequence = s;
            return this;
        }

        public Builder id(long i) {
            this.id = i;
            return this;
        }

        public Builder keyId(int k) {
            this.keyId = k;
            return this;
        }

        public Builder tlv(Tlv t) {
            tlvs.add(t);
            return this;
        }

        public Builder tlv(int type, byte[] value) {
            return tlv(new Tlv(type, value));
        }

        public Builder fqdn(String name) {
            return tlv(TlvType.FQDN, name.getBytes(StandardCharsets.US_ASCII));
        }

        public Builder u8(int type, int v) {
            return tlv(type, new byte[] { (byte) v });
        }

        public Builder u16(int type, int v) {
            return tlv(type, ByteBuffer.allocate(2).putShort((short) v).array());
        }

        public Builder u32(int type, long v) {
            return tlv(type, ByteBuffer.allocate(4).putInt((int) v).array());
        }

        public Builder u64(int type, long v) {
            return tlv(type, ByteBuffer.allocate(8).putLong(v).array());
        }

        /** ENDPOINT layout: family, reserved, port, address (2.2.4). */
        public Builder endpoint(int type, InetSocketAddress ep) {
            return endpoint(type, ep.getAddress(), ep.getPort());
        }

        public Builder endpoint(int type, InetAddress address, int port) {
            byte[] a = address.getAddress();
            ByteBuffer b = ByteBuffer.allocate(4 + a.length);
            b.put((byte) (a.length == 4 ? 1 : 2)).put((byte) 0).putShort((short) port).put(a);
            return tlv(type, b.array());
        }

        public Message build() {
            return new Message(type, flags, transactionId, sequence, id, keyId, tlvs);
        }
    }
}
