package io.dataworks.migrations.checkpoint;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import org.bson.RawBsonDocument;

import io.dataworks.migrations.NamespaceMapping;

/**
 * Where documents the target refused are kept ({@code --error-strategy continue}): one entry per refused {@code _id}
 * per source namespace, with the namespaces, the error code and reason, the time and the document itself. A rerun that
 * is refused the same document again does not add a second entry. A run ends with exit code 4 while this holds entries
 * of its namespaces, earlier runs' included ({@link #entries(String)}).
 *
 * <p>Taken from the run's {@link CheckpointStore} ({@link CheckpointStore#deadLetters(Path)}): a JSON Lines file for the
 * file store, the {@code dead_letters} collection of the store's database for the MongoDB store. Thread-safe. Every
 * method may block (file or network I/O): call it off the driver's threads.
 */
public interface DeadLetters extends AutoCloseable {

    /**
     * Learns what earlier runs left (which entries exist, how many per namespace), so that a document refused again
     * is not kept twice and {@link #entries(String)} counts them. Call once, before the first {@link #write}.
     */
    void load();

    /**
     * Keeps the refused document, unless an entry for the same source namespace and {@code _id} is already there
     * (then it only counts it in {@link #alreadyThere()}).
     *
     * @return whether a new entry was added
     */
    boolean write(NamespaceMapping mapping, RawBsonDocument document, int code, String reason);

    /** Entries kept for source namespace {@code ns} ({@code db.collection}), from this run and earlier ones. */
    long entries(String ns);

    /** Entries this run added. */
    long written();

    /** Refused documents of this run that an earlier run had already kept. */
    long alreadyThere();

    /**
     * For {@code --fresh}: sets the entries of {@code namespaces} (source {@code db.collection}) aside, kept but no
     * longer counted, so the new run starts with none. Call before {@link #load()}.
     *
     * @return where they went, when there were any
     */
    Optional<String> archive(Set<String> namespaces, Instant now);

    /** What holds the entries, for messages: "the dead-letter file PATH", "the dead-letter collection ..."; never a secret. */
    String describe();

    /** What a user does with the entries once the cause is fixed, for messages. */
    String howToClear();

    /** The file, when the entries are kept in one. */
    Optional<Path> file();

    @Override
    void close();
}
