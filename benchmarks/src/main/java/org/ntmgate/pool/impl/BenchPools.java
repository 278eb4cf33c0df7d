package org.ntmgate.pool.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.ntmgate.api.net.AddressFamily;
import org.ntmgate.api.net.Prefix;
import org.ntmgate.api.pool.Lease;
import org.ntmgate.api.pool.PoolException;
import org.ntmgate.api.pool.PoolInfo;
import org.ntmgate.api.pool.PoolPurpose;
import org.ntmgate.api.pool.VirtualAddressPools;

/**
 * The pool bundle's own book and lease journal outside a framework, for the DC load benchmark: the same code and
 * the same disk writes as in the gateway, with the shipped default pools.
 */
public final class BenchPools implements VirtualAddressPools, AutoCloseable {
    private final LeaseStore store;
    private final PoolBook book;

    public BenchPools(Path journal) throws Exception {
        store = new LeaseStore(journal);
        store.open();
        book = new PoolBook(System::currentTimeMillis, new PoolBook.LeaseSink() {
            @Override
            public void put(Lease l, Collection<Lease> live) {
                write(() -> store.put(l, live));
            }

            @Override
            public void renewed(Lease l, Collection<Lease> live) {
                if (store != null) {
                    store.renewed(l);
                }
            }

            @Override
            public void removed(Lease l, Collection<Lease> live) {
                write(() -> store.removed(l, live));
            }
        });
        define("node-v4", "10.201.0.0/16", PoolPurpose.NODE);
        define("node-v6", "fd4e:746d:0:1::/64", PoolPurpose.NODE);
        define("general-v4", "10.202.0.0/16", PoolPurpose.GENERAL_NODE);
        define("general-v6", "fd4e:746d:0:2::/64", PoolPurpose.GENERAL_NODE);
    }

    private interface Io {
        void run() throws IOException;
    }

    private static void write(Io io) {
        try {
            io.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void define(String name, String prefix, PoolPurpose purpose) {
        book.define(new PoolSettings(name, Prefix.parse(prefix), purpose, Duration.ofHours(1)));
    }

    /** The group commit the pool component runs every second. */
    public void sync() throws IOException {
        synchronized (book) {
            store.sync();
        }
    }

    public long journalRecords() {
        synchronized (book) {
            return store.records();
        }
    }

    @Override
    public Lease allocate(AddressFamily family, PoolPurpose purpose, String owner) throws PoolException {
        return book.allocate(family, purpose, owner);
    }

    @Override
    public Lease renew(InetAddress address, String owner) throws PoolException {
        return book.renew(address, owner);
    }

    @Override
    public boolean release(InetAddress address, String owner) {
        return book.release(address, owner);
    }

    @Override
    public Optional<Lease> leaseOf(InetAddress address) {
        return book.leaseOf(address);
    }

    @Override
    public List<Lease> leasesOf(String owner) {
        return book.leases().stream().filter(l -> l.owner().equals(owner)).toList();
    }

    @Override
    public List<Lease> leases() {
        return book.leases();
    }

    @Override
    public List<PoolInfo> pools() {
        return book.pools();
    }

    @Override
    public void close() throws IOException {
        synchronized (book) {
            store.close();
        }
    }
}
