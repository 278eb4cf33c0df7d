package org.ntmgate.api.table;

/**
 * Counters since the table service started (the entries themselves survive restarts; these do not).
 *
 * @param size live entries now
 * @param capacity the configured maximum
 * @param inserted entries inserted
 * @param removed entries removed by an owner or an administrator, or cleared
 * @param expired entries expired for idleness
 * @param refusedFull insertions refused because the table was full
 * @param refusedConflict insertions refused because a side was already mapped
 */
public record TableStatistics(int size, int capacity, long inserted, long removed, long expired, long refusedFull,
        long refusedConflict) {
}
