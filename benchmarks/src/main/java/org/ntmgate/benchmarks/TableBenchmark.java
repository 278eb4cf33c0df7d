package org.ntmgate.benchmarks;


import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.EntrySpec;
import org.ntmgate.api.table.TranslationEntry;
import org.ntmgate.api.table.TranslationTableException;
import org.ntmgate.api.table.TranslationTable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Translation-table lookups and inserts at 10^3, 10^5 and 10^6 entries. Keys are prepared in advance and visited
 * in a scrambled order so that lookups miss the CPU caches as a busy relay's would.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar TableBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgsAppend = "-Xmx2g")
public class TableBenchmark extends NanosecondBenchmark {
    @Param({ "1000", "100000", "1000000" })
    int size;

    private TranslationTable table;
    private Endpoint[] virtualKeys;
    private Endpoint[] realKeys;
    private EntrySpec[] fresh;
    private int next;
    private int nextFresh;

    @Setup(Level.Trial)
    public void fill() {
        table = FilledTables.filled(size, size + 1024);
        virtualKeys = new Endpoint[size];
        realKeys = new Endpoint[size];
        for (int i = 0; i < size; i++) {
            // A multiplicative scramble: consecutive lookups land far apart in the maps.
            int j = (int) ((i * 2_654_435_761L) % size);
            virtualKeys[i] = FilledTables.virtual(j);
            realKeys[i] = FilledTables.real(j);
        }
        fresh = new EntrySpec[1024];
        for (int i = 0; i < fresh.length; i++) {
            fresh[i] = EntrySpec.of(EntryKind.NTM_NODE, FilledTables.virtual(size + i), FilledTables.real(size + i), EntryOwner.NONE);
        }
    }

    private int nextIndex() {
        int i = next++;
        if (next == size) {
            next = 0;
        }
        return i;
    }

    /** The service's lookup as the RS-N and the Teredo relay make it on their packet paths. */
    @Benchmark
    public TranslationEntry lookupByVirtual() {
        return table.lookupByVirtual(virtualKeys[nextIndex()]).orElse(null);
    }

    @Benchmark
    public TranslationEntry lookupByReal() {
        return table.lookupByReal(realKeys[nextIndex()]).orElse(null);
    }

    /** Per-packet accounting on a found entry. */
    @Benchmark
    public TranslationEntry lookupAndRecord() {
        TranslationEntry e = table.lookupByVirtual(virtualKeys[nextIndex()]).orElse(null);
        e.recordToReal(1280);
        return e;
    }

    /** One insert and the removal that keeps the size steady (inserts alone would grow the table). */
    @Benchmark
    public boolean insertThenRemove() throws TranslationTableException {
        EntrySpec spec = fresh[nextFresh++ & 1023];
        return table.remove(table.insert(spec).id());
    }
}
