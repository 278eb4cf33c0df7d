package org.ntmgate.teredo.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

/** The relay's decisions (RFC 4380 5.4.2); the whole relay runs in the lab (TeredoIT). */
class TeredoRelayTest {
    private static TeredoAddress client() throws Exception {
        return TeredoAddress.ofClient((Inet4Address) InetAddress.getByName("198.51.100.10"), 0x123, 45623,
                (Inet4Address) InetAddress.getByName("198.51.100.2"));
    }

    @Test
    void aClientIsTakenFromItsAddressesMappingFromAProvenOneOrAsTheAnswerToOurBubblesOnly() throws Exception {
        TeredoAddress c = client();
        InetSocketAddress embedded = new InetSocketAddress("198.51.100.2", 45623);
        InetSocketAddress otherPort = new InetSocketAddress("198.51.100.2", 18480);
        InetSocketAddress otherHost = new InetSocketAddress("203.0.113.66", 45623);
        assertTrue(TeredoRelay.acceptable(c, embedded, false, false));
        assertFalse(TeredoRelay.acceptable(c, otherPort, false, false), "its address from elsewhere: anyone could claim it");
        assertFalse(TeredoRelay.acceptable(c, otherHost, false, false));
        assertTrue(TeredoRelay.acceptable(c, otherPort, false, true), "a bubble answering ours, from a per-destination mapping");
        assertTrue(TeredoRelay.acceptable(c, otherPort, true, false), "from the mapping it proved");
        assertFalse(TeredoRelay.acceptable(c, otherHost, false, true), "a bubble from another address: someone else taking its traffic");
    }

    @Test
    void aProvenMappingIsTrustedWhileThePeerIsHeardAndAskedAgainWhenItFallsSilent() {
        long now = 1_000_000;
        assertEquals(TeredoRelay.Trust.SEND, TeredoRelay.trust(now, now - 1000, 0));
        assertEquals(TeredoRelay.Trust.SEND, TeredoRelay.trust(now, now - 29_999, now - 4_999), "sending, not yet quiet for 5 s");
        assertEquals(TeredoRelay.Trust.SEND_AND_ASK, TeredoRelay.trust(now, now - 6_000, now - 5_000),
                "5 s of sending without an answer: ask again, keep sending");
        assertEquals(TeredoRelay.Trust.HOLD_AND_ASK, TeredoRelay.trust(now, now - 30_000, 0), "5.2.4: not heard for 30 s, no longer valid");
        assertEquals(TeredoRelay.Trust.HOLD_AND_ASK, TeredoRelay.trust(now, now - 40_000, now - 20_000));
    }

    @Test
    void onlyGlobalNonTeredoDestinationsLeaveOnTheIpv6Side() throws Exception {
        assertTrue(TeredoRelay.toIpv6(InetAddress.getByName("2001:db8:1::80").getAddress()));
        assertFalse(TeredoRelay.toIpv6(InetAddress.getByName("2001:0:c633:640a::1").getAddress()), "Teredo to Teredo is direct");
        assertFalse(TeredoRelay.toIpv6(InetAddress.getByName("fd00::1").getAddress()));
        assertFalse(TeredoRelay.toIpv6(InetAddress.getByName("fe80::1").getAddress()));
        assertFalse(TeredoRelay.toIpv6(InetAddress.getByName("ff02::1").getAddress()));
    }
}
