package io.dataworks.migrations.checkpoint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.nio.file.NoSuchFileException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.bson.BsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonParseException;
import org.bson.json.JsonWriterSettings;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.io.AtomicFile;
import io.dataworks.migrations.Namespace;

/**
 * {@link CheckpointStore} in a directory: one file per namespace and kind, {@code <name>.<kind>.json} (the copy record
 * is {@code <name>.checkpoint.json}), in canonical Extended JSON so every BSON type round-trips; replaced atomically
 * ({@link AtomicFile}). A lock file {@code .lock} (an OS file lock, released when the process dies, even by
 * {@code kill -9}) keeps a second run out of the directory. Partition records ({@link #writePartition}) are files of
 * their own, {@code <name>.partition-<index>.json}, so that processes sharing the directory (a Spark cluster on one
 * machine) each replace only the partitions they copy.
 *
 * <p>File names are injective: {@code <name>} is the namespace {@code db.collection} with {@code a-z 0-9 . _ -} kept,
 * each capital letter written {@code ^} plus its lower case (so names differing only in case stay apart on
 * case-insensitive file systems), and every other byte of its UTF-8 form written {@code %XX}. A name longer than
 * {@value #MAX_NAME} characters is cut and completed with a hash of the whole namespace.
 */
final class FileCheckpointStore implements CheckpointStore {

    static final String LOCK_FILE = ".lock";
    static final String DEAD_LETTER_FILE = "dead-letter.jsonl";
    static final int MAX_NAME = 180;
    private static final JsonWriterSettings JSON = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).indent(true).build();

    private final Path directory;
    private final FileChannel lockChannel;
    private final boolean writable;
    private FileLock lock;

    private FileCheckpointStore(Path directory, FileChannel lockChannel, FileLock lock, boolean writable) {
        this.directory = directory;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.writable = writable;
    }

    static FileCheckpointStore open(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Path lockFile = directory.resolve(LOCK_FILE);
        FileChannel channel = null;
        try {
            Files.createDirectories(directory);
            channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                String holder = readHolder(lockFile);
                channel.close();
                throw new DataWorksException(ExitCode.USAGE, "checkpoint directory " + directory + " is in use by another run"
                        + (holder.isEmpty() ? "" : " (" + holder + ")") + ": wait for it to end, or pass another --checkpoint-dir");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(("pid " + ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.UTF_8)), 0);
            return new FileCheckpointStore(directory, channel, lock, true);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DataWorksException(ExitCode.USAGE, "cannot use checkpoint directory " + directory + " (" + e
                    + "): pass a writable --checkpoint-dir", e);
        }
    }

    static FileCheckpointStore readOnly(Path directory) {
        return new FileCheckpointStore(Objects.requireNonNull(directory, "directory"), null, null, false);
    }

    static FileCheckpointStore unlocked(Path directory) {
        return new FileCheckpointStore(Objects.requireNonNull(directory, "directory"), null, null, true);
    }

    private void requireWritable() {
        if (!writable) {
            throw new IllegalStateException("the checkpoint store " + directory + " was opened read-only");
        }
    }

    private static String readHolder(Path lockFile) {
        try {
            return Files.readString(lockFile, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing was locked through it
            }
        }
    }

    @Override
    public String location() {
        return directory.toString();
    }

    @Override
    public String describe(Kind kind, Namespace source) {
        return fileFor(kind, source).toString();
    }

    Path fileFor(Kind kind, Namespace source) {
        return directory.resolve(fileName(source) + "." + kind.label() + ".json");
    }

    /** The injective file-name form of a namespace (see the class comment). */
    static String fileName(Namespace source) {
        String ns = source.toString();
        StringBuilder out = new StringBuilder(ns.length() + 8);
        for (byte b : ns.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-') {
                out.append(c);
            } else if (c >= 'A' && c <= 'Z') {
                out.append('^').append(Character.toLowerCase(c));
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits(b));
            }
        }
        if (out.length() > MAX_NAME) {
            return out.substring(0, MAX_NAME - 17) + "~" + sha256(ns).substring(0, 16);
        }
        return out.toString();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    @Override
    public Optional<BsonDocument> read(Kind kind, Namespace source) {
        Path file = fileFor(kind, source);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(BsonDocument.parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new DataWorksException(ExitCode.FAILED, "cannot read " + kind.label() + " record " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException | org.bson.BsonInvalidOperationException e) {
            throw new DataWorksException(ExitCode.USAGE, kind.label() + " record " + file + " cannot be used: " + e.getMessage()
                    + ". Rerun with --fresh to start " + source + " over, or pick another --checkpoint-dir", e);
        }
    }

    @Override
    public synchronized void write(Kind kind, Namespace source, BsonDocument record) {
        requireWritable();
        Path file = fileFor(kind, source);
        try {
            AtomicFile.write(file, record.toJson(JSON).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + kind.label() + " record " + file, e);
        }
    }

    Path partitionFile(Namespace source, int index) {
        return directory.resolve(fileName(source) + ".partition-" + index + ".json");
    }

    @Override
    public synchronized void writePartition(Namespace source, String planFingerprint, PartitionState state) {
        requireWritable();
        Objects.requireNonNull(planFingerprint, "planFingerprint");
        PartitionState stored = readPartition(partitionFile(source, state.index()), planFingerprint);
        if (stored != null && (stored.done() && !state.done() || stored.documents() > state.documents())) {
            return;
        }
        Path file = partitionFile(source, state.index());
        BsonDocument record = new BsonDocument("planFingerprint", new org.bson.BsonString(planFingerprint));
        record.put("state", state.toBson());
        try {
            AtomicFile.write(file, record.toJson(JSON).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write partition record " + file, e);
        }
    }

    @Override
    public Map<Integer, PartitionState> readPartitions(Namespace source, String planFingerprint) {
        Map<Integer, PartitionState> out = new TreeMap<>();
        for (Path file : partitionFiles(source)) {
            PartitionState state = readPartition(file, planFingerprint);
            if (state != null) {
                out.put(state.index(), state);
            }
        }
        return out;
    }

    /** The partition record in {@code file} when it exists and belongs to the plan {@code planFingerprint}, else null. */
    private static PartitionState readPartition(Path file, String planFingerprint) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            BsonDocument record = BsonDocument.parse(Files.readString(file, StandardCharsets.UTF_8));
            if (!planFingerprint.equals(record.getString("planFingerprint").getValue())) {
                return null;
            }
            return PartitionState.fromBson(record.getDocument("state"));
        } catch (NoSuchFileException gone) {
            return null;
        } catch (IOException e) {
            throw new DataWorksException(ExitCode.FAILED, "cannot read partition record " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException | org.bson.BsonInvalidOperationException e) {
            throw new DataWorksException(ExitCode.USAGE, "partition record " + file + " cannot be used: " + e.getMessage()
                    + ". Rerun with --fresh to start over, or pick another --checkpoint-dir", e);
        }
    }

    private List<Path> partitionFiles(Namespace source) {
        Pattern name = Pattern.compile(Pattern.quote(fileName(source) + ".partition-") + "\\d+\\.json");
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(f -> name.matcher(f.getFileName().toString()).matches()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    @Override
    public void delete(Namespace source) {
        for (Kind kind : Kind.values()) {
            delete(kind, source);
        }
    }

    @Override
    public void delete(Kind kind, Namespace source) {
        requireWritable();
        Path file = fileFor(kind, source);
        try {
            Files.deleteIfExists(file);
            if (kind == Kind.COPY) {
                for (Path partition : partitionFiles(source)) {
                    Files.deleteIfExists(partition);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + kind.label() + " record " + file, e);
        }
    }

    @Override
    public DeadLetters deadLetters(Path file) {
        return new FileDeadLetters(file != null ? file : directory.resolve(DEAD_LETTER_FILE));
    }

    @Override
    public synchronized void close() {
        if (lock == null) {
            return;
        }
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot release the lock of " + directory, e);
        } finally {
            lock = null;
        }
    }

    @Override
    public String toString() {
        return "FileCheckpointStore[" + directory + "]";
    }
}
