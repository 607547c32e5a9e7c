package io.dataworks.migrations.internal;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;

import io.dataworks.migrations.NamespaceMapping;

/**
 * Appends documents that cannot be written to a JSON Lines file, one line each with the namespaces,
 * {@code _id}, error code and reason, and the document in relaxed Extended JSON. Opened on first use,
 * so a clean run leaves no file. Thread-safe.
 */
final class DeadLetterWriter implements AutoCloseable {

    private static final JsonWriterSettings JSON = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();

    private final Path file;
    private BufferedWriter out;
    private long written;

    DeadLetterWriter(Path file) {
        this.file = file;
    }

    synchronized void write(NamespaceMapping mapping, RawBsonDocument document, int code, String reason) {
        BsonValue id = document.get("_id");
        BsonDocument line = new BsonDocument("namespace", new BsonString(mapping.source().toString()))
                .append("target", new BsonString(mapping.target().toString()))
                .append("_id", id == null ? new BsonString("(none)") : id)
                .append("code", new BsonInt32(code))
                .append("reason", new BsonString(reason == null ? "" : reason))
                .append("at", new BsonDateTime(Instant.now().toEpochMilli()))
                .append("document", document);
        try {
            if (out == null) {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            }
            out.write(line.toJson(JSON));
            out.newLine();
            out.flush();
            written++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write dead-letter file " + file, e);
        }
    }

    synchronized long written() {
        return written;
    }

    Path file() {
        return file;
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close dead-letter file " + file, e);
            } finally {
                out = null;
            }
        }
    }
}
