package io.dataworks.migrations.verify;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JSONL diff file: one line per differing document, {@code {"ns": ..., "_id": ..., "kind": ...}} with
 * the {@code _id} in relaxed Extended JSON (so it can be pasted into a shell query), plus {@code reason}
 * when a strategy gave one. The first {@code logFirst} lines are also logged. Thread-safe.
 */
final class DiffWriter implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(DiffWriter.class);
    private static final JsonWriterSettings RELAXED = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    private final Path file;
    private final String ns;
    private final int logFirst;
    private BufferedWriter out;
    private long written;

    DiffWriter(Path file, String ns, int logFirst, boolean append) {
        this.file = file;
        this.ns = ns;
        this.logFirst = logFirst;
        if (!append) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the previous diff file " + file, e);
            }
        }
    }

    Path file() {
        return file;
    }

    synchronized long written() {
        return written;
    }

    synchronized void write(DiffKind kind, BsonValue id, String reason) {
        BsonDocument line = new BsonDocument("ns", new BsonString(ns)).append("_id", id).append("kind", new BsonString(kind.label()));
        if (reason != null) {
            line.append("reason", new BsonString(reason));
        }
        String json = line.toJson(RELAXED);
        try {
            if (out == null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            out.write(json);
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the diff file " + file, e);
        }
        if (written++ < logFirst) {
            LOG.warn("{}: {} _id {}{}", ns, describe(kind), new BsonDocument("_id", id).toJson(RELAXED),
                    reason == null ? "" : " (" + reason + ")");
        } else if (written == logFirst + 1L) {
            LOG.warn("{}: more differences, see {}", ns, file);
        }
    }

    synchronized void flush() {
        if (out != null) {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the diff file " + file, e);
            }
        }
    }

    private static String describe(DiffKind kind) {
        return switch (kind) {
            case MISSING -> "missing on target:";
            case EXTRA -> "extra on target:";
            case DIFFERENT -> "different content:";
        };
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the diff file " + file, e);
            } finally {
                out = null;
            }
        }
    }
}
