package org.ntmgate.api.table;

import java.time.Duration;
import java.time.Instant;

import org.ntmgate.api.net.AddressFamily;
import org.ntmgate.api.net.Endpoint;
import org.osgi.annotation.versioning.ProviderType;

/**
 * One live translation. The two sides never change; counters and the last-use time do, and updating them is
 * cheap and lock-free so a forwarding loop can call {@link #recordToReal(int)} for every packet.
 */
@ProviderType
public interface TranslationEntry {
    /** A table-unique id, never reused while the table lives (also across restarts). */
    long id();

    EntryKind kind();

    Endpoint virtualSide();

    Endpoint realSide();

    EntryOwner owner();

    /** The family of the virtual side (the real side may differ, as for a Teredo peer). */
    default AddressFamily family() {
        return virtualSide().family();
    }

    Instant createdAt();

    /** When a packet last crossed the entry (or when it was created); the clock is coarse, about a second. */
    Instant lastUsedAt();

    /** How long the entry may stay unused before the table expires it. */
    Duration idleTimeout();

    /** Packets translated from the virtual side towards the real side. */
    long packetsToReal();

    long bytesToReal();

    /** Packets translated from the real side towards the virtual side. */
    long packetsToVirtual();

    long bytesToVirtual();

    /** Counts one packet of {@code bytes} towards the real side and marks the entry used. */
    void recordToReal(int bytes);

    /** Counts one packet of {@code bytes} towards the virtual side and marks the entry used. */
    void recordToVirtual(int bytes);

    /** False once the entry was removed, expired or cleared; a holder of a stale reference must look it up again. */
    boolean isLive();
}
