package org.ntmgate.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Collection;
import java.util.Set;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * An append-only log of records for state that changes often (leases, registrations): a change costs one
 * {@code write} of its own record instead of rewriting the whole state. Format: the 8 bytes {@code NTMJ0001}, then
 * records of {@code length (u32) || CRC-32C of the payload (u32) || payload}.
 * <ul>
 * <li>{@link #append} hands the record to the operating system before it returns: it survives a crash of the
 * process. {@link #sync} forces it to the disk (owners call it periodically: a group commit), so a power cut loses
 * at most what was appended since the last sync.</li>
 * <li>{@link #open} replays every whole record; a record cut short by a crash at the tail, or failing its CRC, ends
 * the replay, and the file is truncated there so that later appends follow good records.</li>
 * <li>{@link #compact} replaces the file atomically ({@link AtomicFile}) with the live state, when the log has grown
 * well past it ({@link #shouldCompact}).</li>
 * </ul>
 * Not thread-safe on its own: the owner serialises calls (it changes its state under a lock anyway).
 */
public final class Journal implements AutoCloseable {
    static final byte[] MAGIC = { 'N', 'T', 'M', 'J', '0', '0', '0', '1' };
    /** Larger records are refused on append and read as damage. */
    public static final int MAX_RECORD = 1 << 16;

    /** What {@link #open} found. */
    public record Replay(long records, long discardedBytes, String problem) {
        /** Whether part of the file could not be read (a torn tail after a crash, or damage). */
        public boolean damaged() {
            return problem != null;
        }
    }

    private final Path file;
    private final Set<PosixFilePermission> permissions;
    private FileChannel channel;
    private long appended;
    private boolean dirty;
    private Replay replay;

    private Journal(Path file, Set<PosixFilePermission> permissions) {
        this.file = file;
        this.permissions = permissions;
    }

    /**
     * Opens (or creates) the journal and hands every whole record to {@code records}, in order. A file without the
     * header is not a journal: {@link IOException}, the file untouched (the owner sets it aside).
     */
    public static Journal open(Path file, Set<PosixFilePermission> permissions, Consumer<byte[]> records) throws IOException {
        Journal j = new Journal(file, permissions);
        if (!Files.exists(file) || Files.size(file) == 0) {
            AtomicFile.write(file, out -> out.write(MAGIC), permissions);
        }
        j.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            j.replay = j.replay(records);
        } catch (IOException | RuntimeException e) {
            j.channel.close();
            throw e;
        }
        return j;
    }

    private Replay replay(Consumer<byte[]> records) throws IOException {
        long size = channel.size();
        ByteBuffer magic = ByteBuffer.allocate(MAGIC.length);
        readFully(magic, 0);
        if (magic.position() < MAGIC.length || !java.util.Arrays.equals(magic.array(), MAGIC)) {
            throw new IOException(file + " is not a journal (no NTMJ0001 header)");
        }
        long pos = MAGIC.length;
        long count = 0;
        String problem = null;
        ByteBuffer head = ByteBuffer.allocate(8);
        while (pos < size) {
            head.clear();
            readFully(head, pos);
            if (head.position() < 8) {
                problem = "a record header cut short at byte " + pos;
                break;
            }
            int length = head.getInt(0);
            int crc = head.getInt(4);
            if (length < 0 || length > MAX_RECORD || pos + 8 + length > size) {
                problem = "a record cut short or of impossible length at byte " + pos;
                break;
            }
            ByteBuffer payload = ByteBuffer.allocate(length);
            readFully(payload, pos + 8);
            CRC32C c = new CRC32C();
            c.update(payload.array());
            if ((int) c.getValue() != crc) {
                problem = "a record failing its CRC at byte " + pos;
                break;
            }
            records.accept(payload.array());
            count++;
            pos += 8 + length;
        }
        long discarded = size - pos;
        if (discarded > 0) {
            channel.truncate(pos);
            channel.force(true);
        }
        channel.position(pos);
        appended = count;
        return new Replay(count, discarded, problem);
    }

    private void readFully(ByteBuffer b, long at) throws IOException {
        long p = at;
        while (b.hasRemaining()) {
            int n = channel.read(b, p);
            if (n < 0) {
                return;
            }
            p += n;
        }
    }

    /** What {@link #open} found. */
    public Replay replayed() {
        return replay;
    }

    public Path file() {
        return file;
    }

    /** Appends one record; it survives a crash of the process once this returns. */
    public void append(byte[] record) throws IOException {
        if (record.length > MAX_RECORD) {
            throw new IllegalArgumentException("a journal record is at most " + MAX_RECORD + " bytes");
        }
        CRC32C c = new CRC32C();
        c.update(record);
        ByteBuffer b = ByteBuffer.allocate(8 + record.length).putInt(record.length).putInt((int) c.getValue()).put(record).flip();
        while (b.hasRemaining()) {
            channel.write(b);
        }
        appended++;
        dirty = true;
    }

    /** Forces what was appended to the disk; cheap when nothing was. */
    public void sync() throws IOException {
        if (dirty) {
            channel.force(false);
            dirty = false;
        }
    }

    /** Whether the log holds many more records than the {@code live} state they add up to. */
    public boolean shouldCompact(int live) {
        return appended > 1024 + 2L * live;
    }

    /** Replaces the log, atomically, by the live state's records. */
    public void compact(Collection<byte[]> live) throws IOException {
        AtomicFile.write(file, out -> {
            out.write(MAGIC);
            for (byte[] r : live) {
                CRC32C c = new CRC32C();
                c.update(r);
                out.write(ByteBuffer.allocate(8).putInt(r.length).putInt((int) c.getValue()).array());
                out.write(r);
            }
        }, permissions);
        channel.close();
        channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        channel.position(channel.size());
        appended = live.size();
        dirty = false;
    }

    /** Records in the log now. */
    public long records() {
        return appended;
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            sync();
            channel.close();
        }
    }
}
