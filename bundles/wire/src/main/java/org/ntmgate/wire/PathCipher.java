package org.ntmgate.wire;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

import io.netty.buffer.ByteBuf;

/**
 * One tunnel end's DATA crypto (AES-256-GCM) for one path and key phase (protocol.md 2.4, 5.4, 6.4): the two direction keys and
 * nonce salts derived from K_path, the send counter, and the receive replay window.
 *
 * <p>{@link #seal} and {@link #open} each keep one JDK cipher: call each from one thread at a time (a path is served
 * by one loop); they may run concurrently with each other.
 */
public final class PathCipher {
    public static final int HEADER_LENGTH = 20;
    public static final int TAG_LENGTH = 16;
    public static final int OVERHEAD = HEADER_LENGTH + TAG_LENGTH;
    /** Flag K (2.4.2): which of the two key phases sealed the packet. */
    public static final int FLAG_KEY_PHASE = 0x1;
    /** The AEAD of DATA packets and sealed keys (2.4.3, 5.3): AES-256-GCM with a 128-bit tag. */
    static final String AEAD = "AES/GCM/NoPadding";
    /** Largest UDP payload. */
    static final int MAX_DATAGRAM = 65_535;
    /** Scratch size to start with: a 1500-byte packet and its overhead; grown only for larger ones. */
    private static final int SCRATCH = 2048;

    private final long pathId;
    private final int phase;
    private final SecretKeySpec sendKey;
    private final SecretKeySpec receiveKey;
    private final byte[] sendNonce = new byte[12];
    private final byte[] receiveNonce = new byte[12];
    private final AtomicLong sendSequence = new AtomicLong();
    private final ReplayWindow window = new ReplayWindow(ReplayWindow.DATA);
    private final Cipher sealer;
    private final Cipher opener;
    /** One associated-data buffer per direction: seal and open run on different threads at once. */
    private final byte[] sealAad = new byte[HEADER_LENGTH];
    private final byte[] openAad = new byte[HEADER_LENGTH];
    /**
     * Reused heap arrays the cipher works in: given direct buffers (the epoll transport's), the JDK would copy into
     * fresh arrays on every call.
     */
    private byte[] sealIn = new byte[SCRATCH];
    private byte[] sealOut = new byte[SCRATCH];
    private byte[] openIn = new byte[SCRATCH];
    private byte[] openOut = new byte[SCRATCH];

    /**
     * @param pathKey K_path (32 bytes)
     * @param initiator true at the end that sent TUNNEL_REQUEST
     * @param phase key phase, 0 or 1
     */
    public PathCipher(byte[] pathKey, long pathId, boolean initiator, int phase) {
        if (pathKey.length != 32) {
            throw new IllegalArgumentException("K_path is 32 bytes");
        }
        this.pathId = pathId;
        this.phase = phase & 1;
        byte[] prk = Hkdf.extract(ByteBuffer.allocate(8).putLong(pathId).array(), pathKey);
        byte[] up = Hkdf.expand(prk, "ntm data i->r", 32);
        byte[] down = Hkdf.expand(prk, "ntm data r->i", 32);
        byte[] upSalt = Hkdf.expand(prk, "ntm salt i->r", 4);
        byte[] downSalt = Hkdf.expand(prk, "ntm salt r->i", 4);
        sendKey = new SecretKeySpec(initiator ? up : down, "AES");
        receiveKey = new SecretKeySpec(initiator ? down : up, "AES");
        System.arraycopy(initiator ? upSalt : downSalt, 0, sendNonce, 0, 4);
        System.arraycopy(initiator ? downSalt : upSalt, 0, receiveNonce, 0, 4);
        try {
            sealer = Cipher.getInstance(AEAD);
            opener = Cipher.getInstance(AEAD);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java 17 runtime", e);
        }
    }

    /**
     * Carries on after a restart (protocol.md 15.6): the next packet sealed gets {@code sentUpTo + 1}; packets at or
     * below {@code receivedUpTo} are refused as replays.
     */
    public void resume(long sentUpTo, long receivedUpTo) {
        sendSequence.accumulateAndGet(sentUpTo, Math::max);
        window.advanceTo(receivedUpTo);
    }

    /** The sequence number of the last packet sealed. */
    public long sent() {
        return sendSequence.get();
    }

    /** The highest sequence number opened. */
    public long received() {
        return window.highest();
    }

    /** The signalling MAC key of a path (5.4), for TUNNEL_* messages. */
    public static MacKey signallingKey(byte[] pathKey, long pathId, int keyId) {
        byte[] prk = Hkdf.extract(ByteBuffer.allocate(8).putLong(pathId).array(), pathKey);
        return new MacKey(keyId, Hkdf.expand(prk, "ntm sig", 32));
    }

    public long pathId() {
        return pathId;
    }

    public int phase() {
        return phase;
    }

    /** Appends a DATA packet sealing {@code inner}'s readable bytes (not consumed) to {@code out}; returns its length. */
    public int seal(ByteBuf inner, ByteBuf out) {
        int plain = inner.readableBytes();
        if (plain > MAX_DATAGRAM - OVERHEAD) {
            throw new IllegalArgumentException("an inner packet of " + plain + " bytes does not fit a datagram");
        }
        long seq = sendSequence.incrementAndGet();
        int length = OVERHEAD + plain;
        out.ensureWritable(length);
        int start = out.writerIndex();
        out.writeByte((Message.VERSION << 4) | phase);
        out.writeByte(MessageType.DATA);
        out.writeShort(0);
        out.writeLong(pathId);
        out.writeLong(seq);
        out.getBytes(start, sealAad);
        putSequence(sendNonce, seq);
        try {
            sealer.init(Cipher.ENCRYPT_MODE, sendKey, new GCMParameterSpec(128, sendNonce));
            sealer.updateAAD(sealAad);
            if (sealOut.length < length) {
                sealIn = new byte[length];
                sealOut = new byte[length];
            }
            inner.getBytes(inner.readerIndex(), sealIn, 0, plain);
            int n = sealer.doFinal(sealIn, 0, plain, sealOut, 0);
            out.writeBytes(sealOut, 0, n);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
        return length;
    }

    /** The path id of a DATA datagram, or 0 when it is not one: for finding the path before opening. */
    public static long peekPathId(ByteBuf datagram) {
        int at = datagram.readerIndex();
        return datagram.readableBytes() >= OVERHEAD && datagram.getUnsignedByte(at + 1) == MessageType.DATA
                ? datagram.getLong(at + 4) : 0;
    }

    /** The key phase (K flag) of a DATA datagram. */
    public static int peekPhase(ByteBuf datagram) {
        return datagram.getUnsignedByte(datagram.readerIndex()) & FLAG_KEY_PHASE;
    }

    /**
     * Opens the DATA datagram filling {@code datagram}'s readable bytes (not consumed) and appends the inner packet to
     * {@code out}. Returns the packet's sequence number.
     */
    public long open(ByteBuf datagram, ByteBuf out) throws WireDecodeException {
        int start = datagram.readerIndex();
        int size = datagram.readableBytes();
        if (size < OVERHEAD) {
            throw new WireDecodeException(WireDecodeException.Reason.TRUNCATED, "DATA of " + size + " bytes");
        }
        int first = datagram.getUnsignedByte(start);
        if ((first >>> 4) != Message.VERSION) {
            throw new WireDecodeException(WireDecodeException.Reason.BAD_VERSION, "version " + (first >>> 4));
        }
        if (datagram.getUnsignedByte(start + 1) != MessageType.DATA) {
            throw new WireDecodeException(WireDecodeException.Reason.UNKNOWN_TYPE, "not DATA");
        }
        if (datagram.getLong(start + 4) != pathId || (first & FLAG_KEY_PHASE) != phase) {
            throw new WireDecodeException(WireDecodeException.Reason.UNKNOWN_PATH, "another path or key phase");
        }
        long seq = datagram.getLong(start + 12);
        if (seq <= 0 || seq <= window.highest() - ReplayWindow.DATA) {
            throw new WireDecodeException(WireDecodeException.Reason.REPLAY, "sequence " + seq + " below the window");
        }
        datagram.getBytes(start, openAad);
        putSequence(receiveNonce, seq);
        try {
            opener.init(Cipher.DECRYPT_MODE, receiveKey, new GCMParameterSpec(128, receiveNonce));
            opener.updateAAD(openAad);
            if (openIn.length < size) {
                openIn = new byte[size];
                openOut = new byte[size];
            }
            datagram.getBytes(start + HEADER_LENGTH, openIn, 0, size - HEADER_LENGTH);
            int n = opener.doFinal(openIn, 0, size - HEADER_LENGTH, openOut, 0);
            if (!window.accept(seq)) {
                throw new WireDecodeException(WireDecodeException.Reason.REPLAY, "sequence " + seq + " seen before");
            }
            out.writeBytes(openOut, 0, n);
        } catch (AEADBadTagException e) {
            throw new WireDecodeException(WireDecodeException.Reason.BAD_TAG, "DATA does not open on path "
                    + Long.toUnsignedString(pathId, 16));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("opening failed", e);
        }
        return seq;
    }

    private static void putSequence(byte[] nonce, long seq) {
        for (int i = 0; i < 8; i++) {
            nonce[4 + i] = (byte) (seq >>> (56 - 8 * i));
        }
    }
}
