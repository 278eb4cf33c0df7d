package org.ntmgate.node.impl;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.buffer.ByteBuf;
import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.net.Prefix;
import org.ntmgate.api.table.EntryConflictException;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.EntrySpec;
import org.ntmgate.api.table.TableFullException;
import org.ntmgate.api.table.TranslationEntry;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.role.Key128;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The IPv4 pool (protocol.md 11.6.1): virtual IPv4 addresses that stand for peers' virtual IPv6 addresses, each an
 * entry of kind {@code NODE_IPV4} in the shared translation table, which decides how long it lives. Lookups on the data
 * path (by IPv4 address: an array slot; by peer: a map) take no lock and allocate nothing; a slot whose entry the
 * table no longer holds maps nothing. Allocation, rare, is synchronized.
 */
final class VirtualIpv4 {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualIpv4.class);

    /** One pool address in use: its table entry and the peer it stands for. */
    private record Slot(TranslationEntry entry, byte[] peer, Key128 key) {
    }

    private final Prefix pool;
    private final int base;
    private final int mask;
    private final Slot[] slots;
    private final Map<Key128, Integer> byPeer = new ConcurrentHashMap<>();
    private volatile TranslationTable table;
    private int next = 1;

    VirtualIpv4(Prefix pool) {
        this.pool = pool;
        this.base = address(pool.network().getAddress());
        this.mask = pool.length() == 0 ? 0 : -1 << (32 - pool.length());
        this.slots = new Slot[1 << (32 - pool.length())];
    }

    Prefix pool() {
        return pool;
    }

    /** The table to keep the mappings in (null: none, A queries then get no virtual address); its live entries are taken back. */
    synchronized void table(TranslationTable t) {
        if (t == table) {
            return;
        }
        table = t;
        byPeer.clear();
        java.util.Arrays.fill(slots, null);
        if (t == null) {
            return;
        }
        int adopted = 0;
        for (TranslationEntry e : t.entries(e -> e.kind() == EntryKind.NODE_IPV4)) {
            int v4 = address(e.virtualSide().addressBytes());
            if ((v4 & mask) == base && e.realSide().addressBytes().length == 16) {
                put(v4 - base, e);
                adopted++;
            }
        }
        if (adopted > 0) {
            LOG.info("NTM node: {} virtual IPv4 address(es) of {} taken back from the translation table", adopted, pool);
        }
    }

    boolean hasTable() {
        return table != null;
    }

    /**
     * 11.2.1: the virtual IPv4 address for {@code peer} (a path's peer virtual IPv6 address): its live mapping, or the
     * next free address of the pool mapped now.
     *
     * @throws IllegalStateException when there is no table, the pool is used up or the table is full
     */
    synchronized InetAddress map(byte[] peer, EntryOwner owner) {
        TranslationTable t = table;
        if (t == null) {
            throw new IllegalStateException("no translation table service for the IPv4 pool");
        }
        int found = slotOfPeer(Key128.of(peer));
        if (found >= 0) {
            return inet(base + found);
        }
        Endpoint real = Endpoint.of(peer, 0);
        TranslationEntry existing = t.lookupByReal(real).orElse(null);
        if (existing != null) {
            if (existing.kind() != EntryKind.NODE_IPV4) {
                throw new IllegalStateException("the peer's address is the real side of table entry " + existing.id() + " (" + existing.kind() + ")");
            }
            if ((address(existing.virtualSide().addressBytes()) & mask) == base) {
                put(address(existing.virtualSide().addressBytes()) - base, existing);
                return inet(address(existing.virtualSide().addressBytes()));
            }
            t.remove(existing.id()); // a mapping from another pool (the configuration changed): this pool's now
            LOG.info("NTM node: table entry {} ({} outside the IPv4 pool {}) removed", existing.id(), existing.virtualSide(), pool);
        }
        int size = slots.length;
        for (int i = 0; i < size; i++) {
            int index = next;
            next = next + 1 >= size - 1 ? 1 : next + 1; // the network and broadcast addresses are never handed out
            if (index == 0 || index == size - 1 || live(index)) {
                continue;
            }
            try {
                TranslationEntry e = t.insert(EntrySpec.of(EntryKind.NODE_IPV4, Endpoint.of(bytes(base + index), 0), real, owner));
                put(index, e);
                return inet(base + index);
            } catch (EntryConflictException e) {
                continue; // an entry of someone else's holds this address
            } catch (TableFullException e) {
                throw new IllegalStateException("the translation table is full", e);
            }
        }
        throw new IllegalStateException("the IPv4 pool " + pool + " has no free address");
    }

    private void put(int index, TranslationEntry e) {
        byte[] peer = e.realSide().addressBytes();
        Slot old = slots[index];
        if (old != null) {
            byPeer.remove(old.key, index);
        }
        Slot s = new Slot(e, peer, Key128.of(peer));
        slots[index] = s;
        byPeer.put(s.key, index);
    }

    private boolean live(int index) {
        Slot s = slots[index];
        return s != null && s.entry.isLive();
    }

    /** True when the IPv4 address at {@code at} is in the pool. */
    boolean inPool(ByteBuf b, int at) {
        return (b.getInt(at) & mask) == base;
    }

    /** The slot of the pool address at {@code at} while its entry is live, else -1 (a dead one is let go). */
    int slotOf(ByteBuf b, int at) {
        int v4 = b.getInt(at);
        if ((v4 & mask) != base) {
            return -1;
        }
        int index = v4 - base;
        Slot s = slots[index];
        if (s == null) {
            return -1;
        }
        if (!s.entry.isLive()) {
            release(index, s);
            return -1;
        }
        return index;
    }

    /** The slot mapped to the peer {@code probe} while its entry is live, else -1. */
    int slotOfPeer(Key128 probe) {
        Integer index = byPeer.get(probe);
        if (index == null) {
            return -1;
        }
        Slot s = slots[index];
        if (s == null || !s.entry.isLive()) {
            if (s != null) {
                release(index, s);
            }
            return -1;
        }
        return index;
    }

    private synchronized void release(int index, Slot s) {
        if (slots[index] == s) {
            slots[index] = null;
            byPeer.remove(s.key, index);
        }
    }

    void copyPeer(int slot, byte[] out16) {
        Slot s = slots[slot];
        if (s != null) {
            System.arraycopy(s.peer, 0, out16, 0, 16);
        }
    }

    void copyIpv4(int slot, byte[] out4) {
        int v = base + slot;
        out4[0] = (byte) (v >>> 24);
        out4[1] = (byte) (v >>> 16);
        out4[2] = (byte) (v >>> 8);
        out4[3] = (byte) v;
    }

    /** A packet of {@code bytes} used the mapping (the table's counters and idle clock). */
    void used(int slot, int bytes, boolean toPeer) {
        Slot s = slots[slot];
        if (s != null) {
            if (toPeer) {
                s.entry.recordToReal(bytes);
            } else {
                s.entry.recordToVirtual(bytes);
            }
        }
    }

    /** Live mappings now. */
    int mappings() {
        int n = 0;
        for (int i = 0; i < slots.length; i++) {
            if (live(i)) {
                n++;
            }
        }
        return n;
    }

    private static int address(byte[] a) {
        return a.length != 4 ? 0 : ((a[0] & 0xFF) << 24) | ((a[1] & 0xFF) << 16) | ((a[2] & 0xFF) << 8) | (a[3] & 0xFF);
    }

    private static byte[] bytes(int v) {
        return new byte[] { (byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v };
    }

    private static InetAddress inet(int v) {
        try {
            return InetAddress.getByAddress(bytes(v));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
