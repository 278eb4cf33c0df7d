package org.ntmgate.api.table;

import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.ntmgate.api.net.Endpoint;
import org.osgi.annotation.versioning.ProviderType;

/**
 * The shared translation table service (configuration PID {@code org.ntmgate.table}).
 *
 * <p>Lookups are O(1) in either direction and take no lock, so forwarding loops call them per packet. Both
 * sides of a live entry are unique: no two live entries share a virtual side, nor a real side. The table is
 * bounded by a configured capacity and expires entries left unused past their idle timeout.
 */
@ProviderType
public interface TranslationTable {

    /**
     * Inserts an entry.
     *
     * @throws TableFullException when the table is at capacity (counted in {@link TableStatistics#refusedFull()})
     * @throws EntryConflictException when either side is already mapped by a live entry
     */
    TranslationEntry insert(EntrySpec spec) throws TableFullException, EntryConflictException;

    /**
     * Puts an entry for {@code spec} in the place of the live entry {@code id}, whose virtual side it keeps: a lookup
     * by that virtual side, at any moment, finds the old entry or the new one, never neither (a peer that moved to
     * another real endpoint keeps its traffic while the move is recorded). The old entry leaves as
     * {@link RemovalReason#REMOVED} and the new one is added, each with its event. When the entry {@code id} is no
     * longer live, this is {@link #insert(EntrySpec)}.
     *
     * @throws IllegalArgumentException when {@code spec}'s virtual side is not the virtual side of the entry {@code id}
     * @throws TableFullException as {@link #insert(EntrySpec)}, only when the entry {@code id} is no longer live
     * @throws EntryConflictException when the new real side is another live entry's; the old entry then stays
     */
    TranslationEntry replace(long id, EntrySpec spec) throws TableFullException, EntryConflictException;

    /** The live entry whose virtual side is {@code virtualSide}. */
    Optional<TranslationEntry> lookupByVirtual(Endpoint virtualSide);

    /** The live entry whose real side is {@code realSide}. */
    Optional<TranslationEntry> lookupByReal(Endpoint realSide);

    /** The live entry with this id. */
    Optional<TranslationEntry> lookupById(long id);

    /** Removes one entry; false if it was not live. */
    boolean remove(long id);

    /** Removes every entry whose owner is {@code owner}; returns how many. */
    int removeByOwner(EntryOwner owner);

    /** Removes every entry; returns how many. */
    int clear();

    /** A snapshot of the live entries that match {@code filter}, in id order. */
    List<TranslationEntry> entries(Predicate<? super TranslationEntry> filter);

    /** Live entries now. */
    int size();

    TableStatistics statistics();
}
