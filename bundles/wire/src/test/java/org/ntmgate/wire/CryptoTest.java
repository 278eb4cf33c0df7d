package org.ntmgate.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class CryptoTest {
    /**
     * A tunnel end seals on one thread while it opens on another (the node's TUN and UDP threads): neither may disturb
     * the other. Both ends do both at once for many packets, and every packet must open.
     */
    @Test
    void sealingAndOpeningAtOnceOnTwoThreadsNeverSpoilAPacket() throws Exception {
        byte[] key = new byte[32];
        key[3] = 7;
        PathCipher a = new PathCipher(key, 99, true, 0);
        PathCipher b = new PathCipher(key, 99, false, 0);
        int n = 20_000;
        java.util.concurrent.BlockingQueue<ByteBuf> toB = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.BlockingQueue<ByteBuf> toA = new java.util.concurrent.LinkedBlockingQueue<>();
        java.util.concurrent.atomic.AtomicInteger failures = new java.util.concurrent.atomic.AtomicInteger();
        Runnable[] work = {
            () -> seal(a, toB, n), () -> seal(b, toA, n), () -> open(b, toB, n, failures), () -> open(a, toA, n, failures) };
        Thread[] threads = new Thread[work.length];
        for (int i = 0; i < work.length; i++) {
            threads[i] = new Thread(work[i]);
            threads[i].start();
        }
        for (Thread t : threads) {
            t.join(60_000);
            assertTrue(!t.isAlive(), "done within a minute");
        }
        assertEquals(0, failures.get(), "packets that did not open");
    }

    private static void seal(PathCipher c, java.util.concurrent.BlockingQueue<ByteBuf> to, int n) {
        ByteBuf inner = Unpooled.buffer(1300).writeZero(1300);
        for (int i = 0; i < n; i++) {
            ByteBuf out = Unpooled.buffer(1400);
            c.seal(inner, out);
            to.add(out);
        }
    }

    private static void open(PathCipher c, java.util.concurrent.BlockingQueue<ByteBuf> from, int n,
            java.util.concurrent.atomic.AtomicInteger failures) {
        ByteBuf out = Unpooled.buffer(1400);
        for (int i = 0; i < n; i++) {
            try {
                ByteBuf d = from.poll(30, java.util.concurrent.TimeUnit.SECONDS);
                if (d == null) {
                    failures.addAndGet(n - i);
                    return;
                }
                out.clear();
                c.open(d, out);
            } catch (WireDecodeException e) {
                failures.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static final byte[] PATH_KEY = Samples.SEALED;
    private static final long PATH = 0x7f6e5d4c3b2a1908L;

    @Test
    void hkdfMatchesRfc5869TestCase1() {
        HexFormat h = HexFormat.of();
        byte[] ikm = h.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
        byte[] salt = h.parseHex("000102030405060708090a0b0c");
        byte[] info = h.parseHex("f0f1f2f3f4f5f6f7f8f9");
        byte[] prk = Hkdf.extract(salt, ikm);
        assertEquals("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5", h.formatHex(prk));
        assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865",
                h.formatHex(Hkdf.expand(prk, info, 42)));
    }

    private static ByteBuf inner(int n) {
        ByteBuf b = Unpooled.buffer(n);
        for (int i = 0; i < n; i++) {
            b.writeByte(i);
        }
        return b;
    }

    @Test
    void dataPacketsOpenAtTheOtherEndInBothDirections() throws Exception {
        PathCipher node = new PathCipher(PATH_KEY, PATH, true, 0);
        PathCipher relay = new PathCipher(PATH_KEY, PATH, false, 0);
        for (int n : new int[] { 0, 1, 40, 1280, 1400, 9000, 1280 }) {
            ByteBuf wire = Unpooled.buffer();
            assertEquals(n + PathCipher.OVERHEAD, node.seal(inner(n), wire));
            assertEquals(PATH, PathCipher.peekPathId(wire));
            ByteBuf out = Unpooled.buffer();
            relay.open(wire, out);
            assertArrayEquals(ByteBufUtil.getBytes(inner(n)), ByteBufUtil.getBytes(out));

            ByteBuf back = Unpooled.buffer();
            relay.seal(inner(n), back);
            ByteBuf out2 = Unpooled.buffer();
            node.open(back, out2);
            assertArrayEquals(ByteBufUtil.getBytes(inner(n)), ByteBufUtil.getBytes(out2));
        }
    }

    @Test
    void theTwoDirectionsNeverShareAKeystream() {
        ByteBuf up = Unpooled.buffer();
        ByteBuf down = Unpooled.buffer();
        new PathCipher(PATH_KEY, PATH, true, 0).seal(inner(64), up);
        new PathCipher(PATH_KEY, PATH, false, 0).seal(inner(64), down);
        // Same key, same sequence number 1, same plaintext: only per-direction keys and salts make these differ.
        assertNotEquals(ByteBufUtil.hexDump(up, 20, 64), ByteBufUtil.hexDump(down, 20, 64));
    }

    @Test
    void tamperedReplayedOrMisdirectedDataIsRefused() throws Exception {
        PathCipher node = new PathCipher(PATH_KEY, PATH, true, 0);
        PathCipher relay = new PathCipher(PATH_KEY, PATH, false, 0);
        ByteBuf wire = Unpooled.buffer();
        node.seal(inner(100), wire);
        byte[] bytes = ByteBufUtil.getBytes(wire);
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] bad = bytes.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            int at = bit;
            assertThrows(WireDecodeException.class, () -> relay.open(Unpooled.wrappedBuffer(bad), Unpooled.buffer()), "bit " + at);
        }
        relay.open(Unpooled.wrappedBuffer(bytes), Unpooled.buffer());
        assertEquals(WireDecodeException.Reason.REPLAY, assertThrows(WireDecodeException.class,
                () -> relay.open(Unpooled.wrappedBuffer(bytes), Unpooled.buffer())).reason());
        PathCipher stranger = new PathCipher(new byte[32], PATH, false, 0);
        ByteBuf again = Unpooled.buffer();
        node.seal(inner(10), again);
        assertEquals(WireDecodeException.Reason.BAD_TAG, assertThrows(WireDecodeException.class,
                () -> stranger.open(again, Unpooled.buffer())).reason());
        PathCipher otherPhase = new PathCipher(PATH_KEY, PATH, false, 1);
        assertEquals(WireDecodeException.Reason.UNKNOWN_PATH, assertThrows(WireDecodeException.class,
                () -> otherPhase.open(again, Unpooled.buffer())).reason());
        assertEquals(WireDecodeException.Reason.TRUNCATED, assertThrows(WireDecodeException.class,
                () -> relay.open(Unpooled.wrappedBuffer(new byte[35]), Unpooled.buffer())).reason());
    }

    @Test
    void aSealedKeyOpensOnlyWithTheRecipientKeyAndItsOwnMessage() throws Exception {
        Message m = Samples.of(MessageType.ROUTE_DIRECTION);
        KeySealer.SealedKey k = KeySealer.open(Samples.RECIPIENT_KEY, m);
        assertArrayEquals(Samples.SEALED, k.key());
        assertEquals(0x55667788, k.keyId());
        assertEquals(3600, k.lifetimeSeconds());
        assertEquals(WireDecodeException.Reason.BAD_TAG,
                assertThrows(WireDecodeException.class, () -> KeySealer.open(new byte[32], m)).reason());
        Message moved = m.toBuilder().transactionId(99).build();
        assertEquals(WireDecodeException.Reason.BAD_TAG,
                assertThrows(WireDecodeException.class, () -> KeySealer.open(Samples.RECIPIENT_KEY, moved)).reason(),
                "a sealed key lifted into another message does not open");
    }

    @Test
    void pathIdsDependOnTheNamesNotTheirOrder() {
        byte[] secret = Samples.KEY;
        long a = PathIds.pathId(secret, "mn.example.net", "gn.example.org");
        assertEquals(a, PathIds.pathId(secret, "gn.example.org", "mn.example.net"));
        assertNotEquals(a, PathIds.pathId(secret, "mn.example.net", "gn2.example.org"));
        assertNotEquals(a, PathIds.pathId(new byte[32], "mn.example.net", "gn.example.org"));
    }

    @Test
    void aTicketOpensOnlyWithTheAsDcKeyAndBeforeItsExpiry() throws Exception {
        java.time.Instant now = java.time.Instant.ofEpochSecond(1_800_000_000L);
        Ticket t = new Ticket(0x42, now.plusSeconds(3600), "mn.example.net", 0x77, Samples.SEALED);
        byte[] sealed = t.seal(9, Samples.KEY);
        assertTrue(sealed.length >= TlvType.TICKET_MIN_LENGTH && sealed.length <= TlvType.TICKET_MAX_LENGTH);
        Ticket back = Ticket.open(sealed, id -> id == 9 ? Samples.KEY : null, now);
        assertEquals(0x42, back.nodeId());
        assertEquals("mn.example.net", back.fqdn());
        assertEquals(0x77, back.sessionKeyId());
        assertArrayEquals(Samples.SEALED, back.sessionKey());
        assertEquals(WireDecodeException.Reason.UNKNOWN_KEY,
                assertThrows(WireDecodeException.class, () -> Ticket.open(sealed, id -> null, now)).reason());
        assertEquals(WireDecodeException.Reason.BAD_TAG,
                assertThrows(WireDecodeException.class, () -> Ticket.open(sealed, id -> new byte[32], now)).reason());
        assertThrows(WireDecodeException.class, () -> Ticket.open(sealed, id -> Samples.KEY, now.plusSeconds(3601)));
    }
}
