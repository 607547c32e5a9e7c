package io.dataworks.migrations.checkpoint;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dataworks.migrations.NamespaceMapping;

/**
 * {@link DeadLetters} in a JSON Lines file: one line per refused document with the namespaces, {@code _id}, error code
 * and reason, and the document in relaxed Extended JSON. Opened on first use, so a clean run leaves no file.
 * Thread-safe.
 */
final class FileDeadLetters implements DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(FileDeadLetters.class);
    private static final JsonWriterSettings JSON = JsonWriterSettings.builder().outputMode(JsonMode.RELAXED).build();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

    private final Path file;
    private BufferedWriter out;
    private long written;
    private long alreadyThere;
    /** namespace + relaxed {@code {_id}} of every entry in the file; bounded by the refused documents, not the data. */
    private final Set<String> entries = new java.util.HashSet<>();
    /** Entries in the file by source namespace, earlier runs' included. */
    private final java.util.Map<String, Long> perNamespace = new java.util.HashMap<>();

    FileDeadLetters(Path file) {
        this.file = java.util.Objects.requireNonNull(file, "file");
    }

    /** Reads the keys of the entries already in the file (a rerun, a resumed partition). */
    @Override
    public synchronized void load() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            lines.filter(l -> !l.isBlank()).forEach(line -> {
                try {
                    BsonDocument entry = BsonDocument.parse(line);
                    BsonValue ns = entry.get("namespace");
                    BsonValue id = entry.get("_id");
                    if (ns != null && ns.isString() && id != null && entries.add(key(ns.asString().getValue(), id))) {
                        perNamespace.merge(ns.asString().getValue(), 1L, Long::sum);
                    }
                } catch (RuntimeException notOurs) {
                    // a line that is not an entry of ours is left alone
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dead-letter file " + file, e);
        }
    }

    private static String key(String namespace, BsonValue id) {
        return namespace + '\u0000' + new BsonDocument("_id", id).toJson(JSON);
    }

    @Override
    public synchronized boolean write(NamespaceMapping mapping, RawBsonDocument document, int code, String reason) {
        BsonValue id = document.get("_id");
        if (id != null && !entries.add(key(mapping.source().toString(), id))) {
            alreadyThere++;
            return false;
        }
        perNamespace.merge(mapping.source().toString(), 1L, Long::sum);
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
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write dead-letter file " + file, e);
        }
    }

    /**
     * For {@code --fresh}: moves the entries of {@code namespaces} (source {@code db.collection}) out of {@code file}
     * into {@code <file>.<UTC timestamp>}, so the new run's entries start a file of their own and the old ones are
     * kept. Usually the whole file is renamed; when it also holds entries of other namespaces (not reset), only
     * the reset ones are moved and the others stay, the file being replaced atomically once the archive is
     * written (a crash in between leaves entries in both files, never in none). Nothing to do without the file.
     *
     * @return the archive, when entries were moved
     */
    static Optional<Path> archive(Path file, Set<String> namespaces, Instant now) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            List<String> kept = new ArrayList<>();
            List<String> archived = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    (namespaces.contains(namespaceOf(line)) ? archived : kept).add(line);
                }
            }
            int moved = archived.size();
            if (moved == 0) {
                return Optional.empty();
            }
            Path archive = freeName(file, now);
            if (kept.isEmpty()) {
                Files.move(file, archive, StandardCopyOption.ATOMIC_MOVE);
            } else {
                Files.write(archive, archived, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
                Path rest = file.resolveSibling(file.getFileName() + ".rest");
                Files.write(rest, kept, StandardCharsets.UTF_8);
                Files.move(rest, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            LOG.info("--fresh: {} earlier dead-letter entr{} moved from {} to {}", moved, moved == 1 ? "y" : "ies", file, archive);
            return Optional.of(archive);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set the earlier dead-letter file " + file + " aside for --fresh", e);
        }
    }

    /** The source namespace of one line; a line that is not ours (or not JSON) belongs to nobody and stays. */
    private static String namespaceOf(String line) {
        try {
            BsonValue ns = BsonDocument.parse(line).get("namespace");
            return ns != null && ns.isString() ? ns.asString().getValue() : "";
        } catch (RuntimeException notJson) {
            return "";
        }
    }

    private static Path freeName(Path file, Instant now) throws IOException {
        String base = file.getFileName() + "." + STAMP.format(now);
        for (int i = 0; i < 1000; i++) {
            Path candidate = file.resolveSibling(i == 0 ? base : base + "-" + i);
            if (!Files.exists(candidate)) {
                return candidate;
            }
        }
        throw new FileAlreadyExistsException(file.resolveSibling(base).toString(), null, "and 999 more: clean up the old dead-letter files");
    }

    @Override
    public Optional<String> archive(Set<String> namespaces, Instant now) {
        return archive(file, namespaces, now).map(Path::toString);
    }

    @Override
    public synchronized long written() {
        return written;
    }

    @Override
    public synchronized long entries(String ns) {
        return perNamespace.getOrDefault(ns, 0L);
    }

    @Override
    public synchronized long alreadyThere() {
        return alreadyThere;
    }

    @Override
    public String describe() {
        return "the dead-letter file " + file;
    }

    @Override
    public String howToClear() {
        return "fix and load them (mongoimport), then move the file aside";
    }

    @Override
    public Optional<Path> file() {
        return Optional.of(file);
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
