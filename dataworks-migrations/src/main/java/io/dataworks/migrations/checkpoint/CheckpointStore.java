package io.dataworks.migrations.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

import org.bson.json.JsonParseException;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.migrations.Namespace;
import io.dataworks.core.io.AtomicFile;

/**
 * A directory of checkpoint files, one per source namespace ({@code <db>.<collection>.checkpoint.json}).
 * A file is replaced atomically: written to a temporary file, forced to disk, then moved over the old
 * one, so a crash leaves either the previous or the new checkpoint, never a torn one. Thread-safe.
 */
public final class CheckpointStore {

    static final String SUFFIX = ".checkpoint.json";

    private final Path directory;

    public CheckpointStore(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    public Path directory() {
        return directory;
    }

    public Path fileFor(Namespace source) {
        return directory.resolve(source.toString().replaceAll("[^A-Za-z0-9._-]", "_") + SUFFIX);
    }

    /** The stored checkpoint of {@code source}; an unreadable file is a usage error naming the file and {@code --fresh}. */
    public Optional<NamespaceCheckpoint> load(Namespace source) {
        Path file = fileFor(source);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(NamespaceCheckpoint.fromJson(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new DataWorksException(ExitCode.FAILED, "cannot read checkpoint " + file + ": " + e.getMessage(), e);
        } catch (IllegalArgumentException | JsonParseException | org.bson.BsonInvalidOperationException e) {
            throw new DataWorksException(ExitCode.USAGE, "checkpoint " + file + " cannot be used: " + e.getMessage()
                    + ". Rerun with --fresh to start " + source + " over, or pick another --checkpoint-dir", e);
        }
    }

    public synchronized void save(NamespaceCheckpoint checkpoint) {
        Path file = fileFor(checkpoint.plan().source());
        try {
            AtomicFile.write(file, checkpoint.toJson().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + file, e);
        }
    }

    /** Forgets {@code source}'s checkpoint ({@code --fresh}). */
    public void delete(Namespace source) {
        try {
            Files.deleteIfExists(fileFor(source));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete checkpoint " + fileFor(source), e);
        }
    }
}
