package org.ntmgate.benchmarks;

import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.EntrySpec;
import org.ntmgate.api.table.TranslationTableException;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.table.TableFixture;

/** Tables of N IPv6 general-node entries, as the RS-N will hold them. */
public final class FilledTables {
    private FilledTables() {
    }

    static Endpoint virtual(int i) {
        return Endpoint.of(address(0x20010db8_00010000L, i), 0);
    }

    static Endpoint real(int i) {
        return Endpoint.of(address(0x20010db8_00020000L, i), 0);
    }

    private static byte[] address(long high, int i) {
        byte[] a = new byte[16];
        for (int b = 0; b < 8; b++) {
            a[b] = (byte) (high >>> (56 - 8 * b));
        }
        a[12] = (byte) (i >>> 24);
        a[13] = (byte) (i >>> 16);
        a[14] = (byte) (i >>> 8);
        a[15] = (byte) i;
        return a;
    }

    /** The table bundle's table ({@link TableFixture}) holding entries 0 to n-1. */
    public static TranslationTable filled(int n, int capacity) {
        TranslationTable t = TableFixture.open(capacity, 3600);
        try {
            for (int i = 0; i < n; i++) {
                t.insert(EntrySpec.of(EntryKind.NTM_GENERAL_NODE, virtual(i), real(i), EntryOwner.of(i, i)));
            }
        } catch (TranslationTableException e) {
            throw new IllegalStateException(e);
        }
        return t;
    }
}
