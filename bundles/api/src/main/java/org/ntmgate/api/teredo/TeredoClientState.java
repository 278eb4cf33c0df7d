package org.ntmgate.api.teredo;

import java.time.Instant;
import java.util.List;

/**
 * A Teredo client's qualification and what it learnt of its NAT, as a NAT check reports it.
 *
 * @param state qualifying, qualified, no_server, symmetric_nat or stopped
 * @param nat the NAT type seen: unknown, none, cone, restricted, symmetric
 * @param mappingVariesByDestination whether the NAT maps the client to another port towards each destination (true
 *        for a symmetric NAT); null while not known (the server's secondary address did not answer)
 * @param natHairpins whether the NAT sends a datagram from inside to its own mapping back in (hairpinning); null with
 *        no NAT or while not known
 * @param localAddressExchange whether RFC 6081's exchange of local addresses with peers behind the same NAT is on
 * @param peersByLocalAddress peers reached by their local address (behind this client's own NAT) so far
 * @param address the Teredo address, or null while not qualified
 * @param mapped the NAT mapping (address:port) the server saw, or null
 * @param server the Teredo server (primary address:port) and its secondary address
 * @param why why the client is in this state, in one line
 * @param peers the peers it talks to now
 */
public record TeredoClientState(String state, String nat, Boolean mappingVariesByDestination, Boolean natHairpins, boolean localAddressExchange, int peersByLocalAddress,
        String address, String mapped, String server, String why, List<Peer> peers) {
    public TeredoClientState {
        peers = List.copyOf(peers);
    }

    /**
     * @param address the peer's IPv6 address
     * @param teredo whether it is a Teredo peer (else a native host, reached through a relay)
     * @param via where its packets go (its mapping, or its relay), or null while the bubble exchange is pending
     * @param lastHeard when the peer was last heard, or null when never
     * @param queued packets waiting for the bubble exchange
     */
    public record Peer(String address, boolean teredo, String via, Instant lastHeard, int queued) {
    }
}
