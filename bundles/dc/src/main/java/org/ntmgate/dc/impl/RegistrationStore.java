package org.ntmgate.dc.impl;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.registry.NodeRecord;
import org.ntmgate.storage.AtomicFile;

/**
 * Registrations in {@code registrations.bin} in the bundle's data area, so that updating or restarting the DC bundle
 * loses no registration. Holds session keys: mode 0600. Written atomically whenever registrations come or go, and on
 * every stop; format: magic "NTMR", version 1, count, then per node its record fields and key.
 */
final class RegistrationStore {
    private static final int MAGIC = 0x4E544D52;
    private final Path file;

    RegistrationStore(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    void write(List<Registration> all) throws IOException {
        AtomicFile.write(file, raw -> {
            DataOutputStream out = new DataOutputStream(raw);
            out.writeInt(MAGIC);
            out.writeShort(1);
            out.writeInt(all.size());
            for (Registration r : all) {
                NodeRecord n = r.record();
                out.writeLong(n.nodeId());
                out.writeUTF(n.fqdn());
                writeEndpoint(out, n.realReported());
                writeEndpoint(out, n.realSeen());
                out.writeBoolean(n.behindNat());
                out.write(n.virtualV4().getAddress());
                out.write(n.virtualV6().getAddress());
                out.writeLong(n.registeredAt().toEpochMilli());
                out.writeLong(n.lastContact().toEpochMilli());
                out.writeLong(n.lifetime().toMillis());
                out.writeInt(r.keyId());
                out.write(r.sessionKey());
                out.writeLong(r.ticketExpiryMillis());
            }
            out.flush();
        }, PosixFilePermissions.fromString("rw-------"));
    }

    List<Registration> read() throws IOException {
        List<Registration> all = new ArrayList<>();
        if (!Files.exists(file)) {
            return all;
        }
        try (InputStream raw = Files.newInputStream(file)) {
            DataInputStream in = new DataInputStream(raw);
            if (in.readInt() != MAGIC || in.readShort() != 1) {
                throw new IOException("not a registration file of version 1");
            }
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                long id = in.readLong();
                String fqdn = in.readUTF();
                Endpoint reported = readEndpoint(in);
                Endpoint seen = readEndpoint(in);
                boolean nat = in.readBoolean();
                InetAddress v4 = InetAddress.getByAddress(in.readNBytes(4));
                InetAddress v6 = InetAddress.getByAddress(in.readNBytes(16));
                NodeRecord n = new NodeRecord(id, fqdn, reported, seen, nat, v4, v6, Instant.ofEpochMilli(in.readLong()),
                        Instant.ofEpochMilli(in.readLong()), Duration.ofMillis(in.readLong()));
                int keyId = in.readInt();
                byte[] key = in.readNBytes(32);
                if (key.length != 32) {
                    throw new EOFException();
                }
                all.add(new Registration(n, keyId, key, in.readLong()));
            }
            if (in.read() != -1) {
                throw new IOException("trailing bytes");
            }
        } catch (EOFException e) {
            throw new IOException("truncated", e);
        }
        return all;
    }

    private static void writeEndpoint(DataOutputStream out, Endpoint e) throws IOException {
        byte[] a = e.addressBytes();
        out.writeByte(a.length);
        out.write(a);
        out.writeShort(e.port());
    }

    private static Endpoint readEndpoint(DataInputStream in) throws IOException {
        int len = in.readUnsignedByte();
        if (len != 4 && len != 16) {
            throw new IOException("bad address length " + len);
        }
        byte[] a = in.readNBytes(len);
        return Endpoint.of(a, in.readUnsignedShort());
    }
}
