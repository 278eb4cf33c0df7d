package org.ntmgate.benchmarks;

import org.openjdk.jol.info.GraphLayout;

/**
 * Bytes per translation entry: the deep size of a table of N entries (everything reachable from it: maps, entries,
 * endpoints, address arrays, owners) minus that of an empty table, divided by N. Measured with JOL, which walks the
 * object graph; no sampling, no GC noise.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar org.ntmgate.benchmarks.TableFootprint}
 */
public final class TableFootprint {
    private TableFootprint() {
    }

    public static void main(String[] args) {
        long empty = GraphLayout.parseInstance(FilledTables.filled(0, 16)).totalSize();
        System.out.printf("%-10s %14s %16s%n", "entries", "table bytes", "bytes per entry");
        for (int n : new int[] { 1_000, 100_000, 1_000_000 }) {
            long total = GraphLayout.parseInstance(FilledTables.filled(n, n)).totalSize();
            System.out.printf("%-10d %14d %16.1f%n", n, total, (total - empty) / (double) n);
        }
    }
}
