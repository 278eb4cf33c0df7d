package org.ntmgate.as.impl;

import org.ntmgate.provision.Credentials;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.KeySealer;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.Ticket;
import org.ntmgate.wire.TlvType;

/** The AS over real UDP on loopback, with a client doing the node's side of protocol.md section 4. */
class LoginServerTest {
    private static final byte[] AS_DC_KEY = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
    private static final int ITERATIONS = 1000; // small for tests; accounts default to Credentials.DEFAULT_ITERATIONS

    @TempDir
    Path dir;
    private AccountBook accounts;
    private LoginServer server;
    private InetSocketAddress as;

    @BeforeEach
    void start() throws Exception {
        accounts = new AccountBook(dir.resolve("accounts.txt"));
        accounts.put("mn.example.net", "correct horse", ITERATIONS);
        server = new LoginServer(accounts, new AsSettings(new InetSocketAddress("127.0.0.1", 0), 9, AS_DC_KEY,
                Duration.ofHours(1), ITERATIONS, 20, 40), System::currentTimeMillis);
        as = server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** What a login ends with, seen from the node. */
    record Outcome(Message last, byte[] nodeKey, byte[] proof, byte[] answer) {
    }

    private static Outcome login(DatagramSocket socket, InetSocketAddress as, String fqdn, String password) throws Exception {
        MessageCodec codec = new MessageCodec();
        int tx = new SecureRandom().nextInt();
        byte[] nonce = new byte[16];
        new SecureRandom().nextBytes(nonce);
        send(socket, as, codec, Message.builder(MessageType.LOGIN_REQUEST).transactionId(tx).sequence(1).fqdn(fqdn)
                .tlv(TlvType.NONCE, nonce).build(), null);
        ByteBuf reply = receive(socket);
        if (reply.getUnsignedByte(1) == MessageType.ERROR.code()) {
            return new Outcome(codec.decode(reply, (i, t, n) -> null), null, null, null);
        }
        Message challenge = codec.decodeBeforeVerifying(reply);
        ByteBuffer kdf = ByteBuffer.wrap(challenge.bytes(TlvType.KDF_PARAMS));
        int iterations = kdf.getInt();
        byte[] salt = new byte[kdf.get()];
        kdf.get(salt);
        byte[] nodeKey = Credentials.derive(password, salt, iterations);
        MacKey key = new MacKey(challenge.keyId(), nodeKey);
        boolean authentic = codec.verifies(reply, key);
        // A node stops here when the challenge does not verify; the tests go on to see what the AS answers.
        byte[] proof = send(socket, as, codec, Message.builder(MessageType.LOGIN_PROOF).transactionId(tx).sequence(2)
                .keyId(challenge.keyId()).tlv(TlvType.NONCE, challenge.bytes(TlvType.NONCE)).build(), key);
        ByteBuf answer = receive(socket);
        Message last = codec.decode(answer, (i, t, n) -> i == key.id() ? key : null);
        assertEquals(last.type() == MessageType.LOGIN_RESPONSE, authentic, "only an authentic challenge leads to a response");
        return new Outcome(last, nodeKey, proof, ByteBufUtil.getBytes(answer));
    }

    private static byte[] send(DatagramSocket s, InetSocketAddress to, MessageCodec codec, Message m, MacKey key) throws Exception {
        ByteBuf out = Unpooled.buffer();
        codec.encode(m, key, out);
        byte[] b = ByteBufUtil.getBytes(out);
        s.send(new DatagramPacket(b, b.length, to));
        return b;
    }

    private static ByteBuf receive(DatagramSocket s) throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        return Unpooled.wrappedBuffer(Arrays.copyOf(buf, p.getLength()));
    }

    private static DatagramSocket client(String address) throws Exception {
        DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, 0));
        s.setSoTimeout(5000);
        return s;
    }

    @Test
    void theRightPasswordGivesASessionKeyAndATicketTheDcCanOpen() throws Exception {
        try (DatagramSocket s = client("127.0.0.1")) {
            Outcome o = login(s, as, "mn.example.net", "correct horse");
            assertEquals(MessageType.LOGIN_RESPONSE, o.last().type());
            long nodeId = o.last().u64(TlvType.NODE_ID);
            assertEquals(accounts.find("mn.example.net").orElseThrow().nodeId(), nodeId);
            KeySealer.SealedKey kNd = KeySealer.open(o.nodeKey(), o.last());
            Ticket t = Ticket.open(o.last().bytes(TlvType.TICKET), id -> id == 9 ? AS_DC_KEY : null, Instant.now());
            assertEquals("mn.example.net", t.fqdn());
            assertEquals(nodeId, t.nodeId());
            assertEquals(kNd.keyId(), t.sessionKeyId());
            assertArrayEquals(kNd.key(), t.sessionKey(), "the node and the DC share K_nd");
            assertEquals(1, server.count(LoginServer.Count.LOGINS));
        }
    }

    @Test
    void aRetransmittedProofGetsTheSameAnswerAndOnlyToItsSender() throws Exception {
        try (DatagramSocket s = client("127.0.0.1"); DatagramSocket other = client("127.0.0.2")) {
            Outcome o = login(s, as, "mn.example.net", "correct horse");
            assertEquals(MessageType.LOGIN_RESPONSE, o.last().type());
            s.send(new DatagramPacket(o.proof(), o.proof().length, as));
            assertArrayEquals(o.answer(), ByteBufUtil.getBytes(receive(s)), "protocol.md 8.2: the held answer, byte for byte");
            other.send(new DatagramPacket(o.proof(), o.proof().length, as));
            other.setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, () -> receive(other), "the same bytes from elsewhere get nothing");
            assertEquals(1, server.count(LoginServer.Count.LOGINS), "one login, however often the proof arrives");
        }
    }

    @Test
    void wrongPasswordsGetAuthFailedAndThenALockout() throws Exception {
        try (DatagramSocket s = client("127.0.0.1")) {
            for (int i = 0; i < SourceLimits.FAILURES_BEFORE_LOCKOUT; i++) {
                Outcome o = login(s, as, "mn.example.net", "wrong password " + i);
                assertEquals(MessageType.ERROR, o.last().type());
                assertEquals(ErrorCode.AUTH_FAILED, o.last().u16(TlvType.ERROR_CODE));
                assertEquals(0, o.last().keyId(), "keyless: the node could not check it anyway");
            }
            Outcome locked = login(s, as, "mn.example.net", "correct horse");
            assertEquals(ErrorCode.RATE_LIMITED, locked.last().u16(TlvType.ERROR_CODE), "locked out, even with the right password");
            assertEquals(SourceLimits.FAILURES_BEFORE_LOCKOUT, server.count(LoginServer.Count.FAILURES));
        }
        try (DatagramSocket other = client("127.0.0.2")) {
            assertEquals(MessageType.LOGIN_RESPONSE, login(other, as, "mn.example.net", "correct horse").last().type(),
                    "another address is not locked out");
        }
    }

    @Test
    void unknownAndDisabledAccountsLookLikeWrongPasswords() throws Exception {
        accounts.put("off.example.net", "some password", ITERATIONS);
        accounts.enable("off.example.net", false);
        try (DatagramSocket s = client("127.0.0.1")) {
            for (String name : new String[] { "nobody.example.net", "off.example.net" }) {
                Outcome o = login(s, as, name, "some password");
                assertEquals(ErrorCode.AUTH_FAILED, o.last().u16(TlvType.ERROR_CODE), name);
            }
        }
    }

    @Test
    void aFloodFromOneAddressIsDroppedWhileAnotherLogsIn() throws Exception {
        MessageCodec codec = new MessageCodec();
        try (DatagramSocket flood = client("127.0.0.1"); DatagramSocket good = client("127.0.0.2")) {
            for (int i = 0; i < 500; i++) {
                send(flood, as, codec, Message.builder(MessageType.LOGIN_REQUEST).transactionId(i).sequence(1).fqdn("mn.example.net")
                        .tlv(TlvType.NONCE, new byte[16]).build(), null);
                byte[] junk = new byte[1 + i % 90];
                new SecureRandom().nextBytes(junk);
                flood.send(new DatagramPacket(junk, junk.length, as));
            }
            // The flood can overflow the AS's socket queue and a datagram be lost: the good node retries (8.1).
            Outcome outcome = null;
            for (int attempt = 0; attempt < 5 && outcome == null; attempt++) {
                try {
                    outcome = login(good, as, "mn.example.net", "correct horse");
                } catch (SocketTimeoutException lost) {
                    // try again
                }
            }
            assertEquals(MessageType.LOGIN_RESPONSE, outcome == null ? null : outcome.last().type());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (server.count(LoginServer.Count.RATE_LIMITED) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(server.count(LoginServer.Count.RATE_LIMITED) > 0, "the flood hit the rate limit");
            assertTrue(server.wireCounters().droppedTotal() > 0, "junk was counted");
            flood.setSoTimeout(200);
            int answers = 0;
            try {
                while (true) {
                    receive(flood);
                    answers++;
                }
            } catch (SocketTimeoutException drained) {
                // every answer read
            }
            assertTrue(answers <= 40 + 20, "at most the burst and what refilled was answered: " + answers);
        }
    }

    @Test
    void accountsPersistOwnerOnlyAndKeepTheirNodeIdAcrossPasswordChanges() throws Exception {
        long id = accounts.find("mn.example.net").orElseThrow().nodeId();
        accounts.put("mn.example.net", "another password", ITERATIONS);
        AccountBook reread = new AccountBook(dir.resolve("accounts.txt"));
        reread.load();
        Account a = reread.find("mn.example.net").orElseThrow();
        assertEquals(id, a.nodeId());
        assertArrayEquals(Credentials.derive("another password", a.salt(), a.iterations()), a.key());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("accounts.txt"))));
        assertFalse(Files.readString(dir.resolve("accounts.txt")).contains("another password"), "no plain password on disk");
        assertTrue(reread.remove("MN.example.net."));
        assertTrue(reread.find("mn.example.net").isEmpty());
        Files.writeString(dir.resolve("accounts.txt"), "ntmgate-accounts 1\nbroken\nend 1\n");
        AccountBook corrupt = new AccountBook(dir.resolve("accounts.txt"));
        org.junit.jupiter.api.Assertions.assertThrows(AccountBook.CorruptAccountsException.class, corrupt::load);
        assertNotNull(InetAddress.getByName("127.0.0.2"));
    }
}
