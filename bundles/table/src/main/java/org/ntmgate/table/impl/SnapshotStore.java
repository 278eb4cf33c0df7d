package org.ntmgate.table.impl;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.storage.AtomicFile;

/**
 * The table's snapshot file in the bundle's data area.
 *
 * <p>Format (all integers big-endian): magic {@code NTMT}, u16 format version (1), u64 last id, u32 entry count,
 * then per entry: u64 id, u8 kind ordinal, side, side, u64 owner node, u64 owner path, i64 created millis, i64 last
 * used millis, i64 idle timeout millis, four i64 counters (packets and bytes to real, to virtual); a side is u8
 * address length (4 or 16), the address, u16 port. A CRC-32 of everything before it ends the file.
 *
 * <p>Writing is atomic ({@link AtomicFile}): a crash at any point leaves either the old or the new snapshot whole. A snapshot that fails any check is never half-loaded: {@link CorruptSnapshotException}.
 */
final class SnapshotStore {
    private static final int MAGIC = 0x4E544D54; // "NTMT"
    private static final int VERSION = 1;
    private static final EntryKind[] KINDS = EntryKind.values();

    private final Path file;

    SnapshotStore(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    /** What a snapshot holds. */
    record Contents(long lastId, List<Entry> entries) {
    }

    /** Thrown for a snapshot that exists but cannot be trusted; the message says what was wrong. */
    static final class CorruptSnapshotException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptSnapshotException(String message) {
            super(message);
        }
    }

    void write(long lastId, List<Entry> entries) throws IOException {
        AtomicFile.write(file, raw -> {
            CRC32 crc = new CRC32();
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(raw, crc));
            out.writeInt(MAGIC);
            out.writeShort(VERSION);
            out.writeLong(lastId);
            out.writeInt(entries.size());
            for (Entry e : entries) {
                out.writeLong(e.id());
                out.writeByte(e.kind().ordinal());
                writeSide(out, e.virtualSide());
                writeSide(out, e.realSide());
                out.writeLong(e.owner().nodeId());
                out.writeLong(e.owner().pathId());
                out.writeLong(e.createdAtMillis());
                out.writeLong(e.lastUsedMillis());
                out.writeLong(e.idleTimeoutMillis());
                out.writeLong(e.packetsToReal());
                out.writeLong(e.bytesToReal());
                out.writeLong(e.packetsToVirtual());
                out.writeLong(e.bytesToVirtual());
            }
            out.flush();
            // The checksum covers what came before it, so it is written past the CheckedOutputStream.
            new DataOutputStream(raw).writeInt((int) crc.getValue());
        });
    }

    private static void writeSide(DataOutputStream out, Endpoint side) throws IOException {
        byte[] a = side.addressBytes();
        out.writeByte(a.length);
        out.write(a);
        out.writeShort(side.port());
    }

    /** Reads the snapshot; {@code null} when there is none. */
    Contents read(CoarseClock clock) throws IOException, CorruptSnapshotException {
        if (!Files.exists(file)) {
            return null;
        }
        long size = Files.size(file);
        CRC32 crc = new CRC32();
        try (InputStream raw = Files.newInputStream(file)) {
            BufferedInputStream buffered = new BufferedInputStream(raw, 1 << 16);
            DataInputStream in = new DataInputStream(new CheckedInputStream(buffered, crc));
            try {
                if (in.readInt() != MAGIC) {
                    throw new CorruptSnapshotException("not a table snapshot (bad magic)");
                }
                int version = in.readUnsignedShort();
                if (version != VERSION) {
                    throw new CorruptSnapshotException("snapshot format version " + version + " is not supported (this build reads " + VERSION + ")");
                }
                long lastId = in.readLong();
                int count = in.readInt();
                // Smallest entry: 8+1+(1+4+2)*2+8*9 bytes; refuse counts the file cannot hold before allocating.
                if (count < 0 || (long) count * 95 > size) {
                    throw new CorruptSnapshotException("entry count " + count + " does not fit a file of " + size + " bytes");
                }
                List<Entry> entries = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    long id = in.readLong();
                    int kind = in.readUnsignedByte();
                    if (kind >= KINDS.length) {
                        throw new CorruptSnapshotException("entry " + i + ": unknown kind " + kind);
                    }
                    Endpoint v = readSide(in, i);
                    Endpoint r = readSide(in, i);
                    EntryOwner owner = EntryOwner.of(in.readLong(), in.readLong());
                    long created = in.readLong();
                    long lastUsed = in.readLong();
                    long idle = in.readLong();
                    if (idle <= 0 || id <= 0 || id > lastId) {
                        throw new CorruptSnapshotException("entry " + i + ": bad id or idle timeout");
                    }
                    Entry e = new Entry(id, KINDS[kind], v, r, owner, created, lastUsed, idle, clock);
                    e.restoreCounters(in.readLong(), in.readLong(), in.readLong(), in.readLong());
                    entries.add(e);
                }
                long expected = crc.getValue();
                // The checksum itself is read past the CheckedInputStream so that it does not checksum itself.
                int stored = new DataInputStream(buffered).readInt();
                if ((int) expected != stored) {
                    throw new CorruptSnapshotException("checksum mismatch");
                }
                if (buffered.read() != -1) {
                    throw new CorruptSnapshotException("trailing bytes after the checksum");
                }
                return new Contents(lastId, entries);
            } catch (EOFException e) {
                throw new CorruptSnapshotException("truncated (" + size + " bytes)");
            }
        }
    }

    private static Endpoint readSide(DataInputStream in, int i) throws IOException, CorruptSnapshotException {
        int len = in.readUnsignedByte();
        if (len != 4 && len != 16) {
            throw new CorruptSnapshotException("entry " + i + ": address length " + len);
        }
        byte[] a = new byte[len];
        in.readFully(a);
        return Endpoint.of(a, in.readUnsignedShort());
    }

    /** Moves a corrupt snapshot aside, keeping it for diagnosis; returns where it went. */
    Path setAside(long nowMillis) throws IOException {
        return AtomicFile.setAside(file, nowMillis);
    }
}
