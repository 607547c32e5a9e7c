package io.dataworks.migrations.checkpoint;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.reactivestreams.Publisher;

import com.mongodb.MongoClientSettings;
import com.mongodb.MongoException;
import com.mongodb.MongoNamespace;
import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import com.mongodb.WriteConcern;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.config.MongoUri;
import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.error.RetriesExhaustedException;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.migrations.Namespace;
import reactor.core.publisher.Mono;

/**
 * {@link CheckpointStore} in a MongoDB database, for runs without a persistent disk and for machines that share one
 * migration (Spark executors). Collections of the database:
 * <ul>
 * <li>{@value #RECORDS}: one document per record, {@code _id: {kind, db, collection}} (the source namespace as two
 * fields, so names of any shape stay apart), {@code record}: the same BSON the file store keeps (same header, same
 * format version), {@code updated}: when it was written. Written with one {@code replaceOne} upsert (atomic), write
 * concern {@code majority} and journaled; read with read concern {@code majority} from the primary.</li>
 * <li>{@value MongoLease#COLLECTION}: the lease that keeps a second run out (see {@link MongoLease}).</li>
 * <li>{@value MongoDeadLetters#COLLECTION}: the refused documents (see {@link MongoDeadLetters}).</li>
 * </ul>
 * The connection string is a secret: {@link #location()}, {@link #describe} and every message show it masked.
 *
 * <p>Calls block (with a timeout) on the driver: like the file store's I/O, they belong on a blocking scheduler.
 */
final class MongoCheckpointStore implements CheckpointStore {

    static final String DEFAULT_DATABASE = "dataworks_checkpoints";
    static final String RECORDS = "checkpoints";
    /** The kind of the partition records of a distributed copy (one per partition, beside the copy record). */
    static final String PARTITION = "partition";
    /** How long one call to the store may take before the run gives up on it. */
    static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(60);
    /** How long opening waits for the server when the connection string does not say ({@code serverSelectionTimeoutMS}). */
    static final Duration DEFAULT_SERVER_SELECTION_TIMEOUT = Duration.ofSeconds(15);
    static final WriteConcern WRITE_CONCERN = WriteConcern.MAJORITY.withJournal(true);
    private static final RetryPolicy RETRY = RetryPolicy.of(RetryConfig.DEFAULTS);

    /** What a store may do. */
    enum Mode {
        /** Reads and writes under a lease of its own: one run at a time. */
        LEASED,
        /** Reads and writes under a lease someone else holds (a Spark driver's, for its executors). */
        SHARED,
        /** Reads only ({@code --dry-run}, tools); writing fails. */
        READ_ONLY
    }

    private final String databaseName;
    private final MongoClient client;
    private final MongoDatabase database;
    private final MongoCollection<BsonDocument> records;
    private final Mode mode;
    private final MongoLease lease;
    private final String location;
    private volatile boolean closed;

    private MongoCheckpointStore(MongoUri uri, String databaseName, MongoClient client, Mode mode, MongoLease lease) {
        this.databaseName = databaseName;
        this.client = client;
        this.database = client.getDatabase(databaseName).withWriteConcern(WRITE_CONCERN).withReadConcern(ReadConcern.MAJORITY)
                .withReadPreference(ReadPreference.primary());
        this.records = database.getCollection(RECORDS, BsonDocument.class);
        this.mode = mode;
        this.lease = lease;
        this.location = locationOf(uri, databaseName);
    }

    /** {@code database dataworks_checkpoints at mongodb://user:****@host:27017/}: never a secret. */
    static String locationOf(MongoUri uri, String databaseName) {
        return "database " + databaseName + " at " + uri.masked();
    }

    /**
     * The database the records go to: {@code database} when given, else the connection string's path, else
     * {@value #DEFAULT_DATABASE}.
     */
    static String databaseName(MongoUri uri, String database) {
        String name = database != null && !database.isBlank() ? database.trim()
                : uri.database().filter(d -> !d.isBlank()).orElse(DEFAULT_DATABASE);
        try {
            MongoNamespace.checkDatabaseNameValidity(name);
        } catch (IllegalArgumentException e) {
            throw new DataWorksException(ExitCode.USAGE, "'" + name + "' cannot be the checkpoint database (" + e.getMessage()
                    + "): pass another --checkpoint-db or another database in --checkpoint-uri");
        }
        return name;
    }

    static MongoCheckpointStore open(MongoUri uri, String database, Mode mode) {
        return open(uri, database, mode, MongoLease.RENEW_EVERY, MongoLease.EXPIRY, Clock.systemUTC());
    }

    /** As {@link #open(MongoUri, String, Mode)}, with the lease's timing and clock given (tests). */
    static MongoCheckpointStore open(MongoUri uri, String database, Mode mode, Duration renewEvery, Duration expiry, Clock clock) {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(mode, "mode");
        String name = databaseName(uri, database);
        String where = locationOf(uri, name);
        MongoClientSettings.Builder settings = MongoClientSettings.builder().applyConnectionString(uri.connectionString())
                .applicationName("dataworks-checkpoints");
        if (uri.connectionString().getServerSelectionTimeout() == null) {
            settings.applyToClusterSettings(c -> c.serverSelectionTimeout(DEFAULT_SERVER_SELECTION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        }
        MongoClient client = MongoClients.create(settings.build());
        try {
            ping(client.getDatabase(name), where);
            MongoLease lease = mode == Mode.LEASED
                    ? MongoLease.acquire(client.getDatabase(name).withWriteConcern(WRITE_CONCERN).withReadConcern(ReadConcern.MAJORITY)
                            .withReadPreference(ReadPreference.primary()).getCollection(MongoLease.COLLECTION, BsonDocument.class),
                            where, renewEvery, expiry, clock)
                    : null;
            return new MongoCheckpointStore(uri, name, client, mode, lease);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private static void ping(MongoDatabase database, String where) {
        try {
            Mono.from(database.runCommand(new BsonDocument("ping", new BsonInt32(1)))).block(OPERATION_TIMEOUT);
        } catch (MongoException | IllegalStateException e) {
            throw new DataWorksException(ExitCode.USAGE, "cannot reach the checkpoint store, " + where + " ("
                    + MongoUri.maskSecrets(String.valueOf(e.getMessage())) + "): check --checkpoint-uri "
                    + "(FRAMEWORK_CHECKPOINT_URI) and that the server is up and reachable from here");
        }
    }

    /**
     * Waits for {@code publisher}'s first value (or none: {@code null}) at most {@link #OPERATION_TIMEOUT}, retrying
     * what the project's {@link RetryPolicy} retries (a throttled or transient failure: the store may well live on a
     * Cosmos DB target that throttles); a server error or the timeout becomes a {@link DataWorksException} (exit 1) that says what was being done, and where.
     */
    static <T> T await(Publisher<T> publisher, String what, String where) {
        return await(publisher, what, where, OPERATION_TIMEOUT);
    }

    /** As {@link #await(Publisher, String, String)}, waiting at most {@code timeout} (long operations). */
    static <T> T await(Publisher<T> publisher, String what, String where, Duration timeout) {
        try {
            return RETRY.apply(Mono.from(publisher)).block(timeout);
        } catch (MongoException | RetriesExhaustedException e) {
            throw new DataWorksException(ExitCode.FAILED, "checkpoint store, " + where + ": cannot " + what + ": "
                    + MongoUri.maskSecrets(String.valueOf(e.getMessage())), e);
        } catch (IllegalStateException e) {
            if (!String.valueOf(e.getMessage()).startsWith("Timeout on blocking read")) {
                throw e; // not a timeout: a call from a non-blocking thread, a bug to see as it is
            }
            throw new DataWorksException(ExitCode.FAILED, "checkpoint store, " + where + ": cannot " + what + ": no answer within "
                    + timeout.toSeconds() + " s", e);
        }
    }

    /** The key of one record: the kind and the source namespace, as separate fields (no name mangling). */
    static BsonDocument key(Kind kind, Namespace source) {
        return new BsonDocument("kind", new BsonString(kind.label()))
                .append("db", new BsonString(source.database()))
                .append("collection", new BsonString(source.collection()));
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public String describe(Kind kind, Namespace source) {
        return "record " + key(kind, source).toJson() + " in collection " + RECORDS + " of " + location;
    }

    /** The database the records are in. */
    String databaseName() {
        return databaseName;
    }

    @Override
    public Optional<BsonDocument> read(Kind kind, Namespace source) {
        requireOpen();
        BsonDocument found = await(records.find(Filters.eq("_id", key(kind, source))).first(), "read the " + kind.label()
                + " record of " + source, location);
        if (found == null) {
            return Optional.empty();
        }
        if (!found.isDocument("record")) {
            throw new DataWorksException(ExitCode.USAGE, kind.label() + " record " + describe(kind, source) + " cannot be used: it "
                    + "has no 'record' document. Rerun with --fresh to start " + source + " over, or use another --checkpoint-db");
        }
        return Optional.of(found.getDocument("record"));
    }

    @Override
    public void write(Kind kind, Namespace source, BsonDocument record) {
        Objects.requireNonNull(record, "record");
        requireWritable();
        BsonDocument key = key(kind, source);
        BsonDocument document = new BsonDocument("_id", key).append("record", record)
                .append("updated", new BsonDateTime(System.currentTimeMillis()));
        await(records.replaceOne(Filters.eq("_id", key), document, new ReplaceOptions().upsert(true)),
                "write the " + kind.label() + " record of " + source, location);
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
        await(records.deleteOne(Filters.eq("_id", key(kind, source))), "delete the " + kind.label() + " record of " + source,
                location);
        if (kind == Kind.COPY) {
            await(records.deleteMany(partitionsOf(source)), "delete the partition records of " + source, location);
        }
    }

    /** The key of one partition record: {@code {kind: "partition", db, collection, index}}. */
    static BsonDocument partitionKey(Namespace source, int index) {
        return new BsonDocument("kind", new BsonString(PARTITION))
                .append("db", new BsonString(source.database()))
                .append("collection", new BsonString(source.collection()))
                .append("index", new BsonInt32(index));
    }

    private static org.bson.conversions.Bson partitionsOf(Namespace source) {
        return Filters.and(Filters.eq("_id.kind", PARTITION), Filters.eq("_id.db", source.database()),
                Filters.eq("_id.collection", source.collection()));
    }

    /**
     * One partition's progress, beside the copy record, as executors of a distributed copy write it: a conditional
     * upsert that replaces the stored state only when it belongs to another plan or the new one is not behind it (not
     * fewer documents, not "not done" over "done"); a stored state that is ahead makes the upsert collide with its
     * {@code _id}, and the write is dropped. Atomic per partition on the server, whichever process writes.
     */
    @Override
    public void writePartition(Namespace source, String planFingerprint, PartitionState state) {
        Objects.requireNonNull(planFingerprint, "planFingerprint");
        Objects.requireNonNull(state, "state");
        requireWritable();
        BsonDocument key = partitionKey(source, state.index());
        org.bson.conversions.Bson notAhead = state.done()
                ? Filters.lte("state.documents", state.documents())
                : Filters.and(Filters.lte("state.documents", state.documents()), Filters.ne("state.done", true));
        BsonDocument document = new BsonDocument("_id", key).append("planFingerprint", new BsonString(planFingerprint))
                .append("state", state.toBson()).append("updated", new BsonDateTime(System.currentTimeMillis()));
        try {
            await(records.replaceOne(Filters.and(Filters.eq("_id", key),
                            Filters.or(Filters.ne("planFingerprint", planFingerprint), notAhead)),
                    document, new ReplaceOptions().upsert(true)), "write partition " + state.index() + " of " + source, location);
        } catch (DataWorksException e) {
            if (!isDuplicateKey(e)) {
                throw e;
            }
            // the stored state is ahead (a task attempt that was given up still writes): it stays
        }
    }

    /** The partition records of {@code source} written for the plan {@code planFingerprint}, by partition index. */
    @Override
    public java.util.Map<Integer, PartitionState> readPartitions(Namespace source, String planFingerprint) {
        requireOpen();
        java.util.List<BsonDocument> found = await(reactor.core.publisher.Flux.from(records.find(Filters.and(partitionsOf(source),
                Filters.eq("planFingerprint", planFingerprint)))).collectList(), "read the partition records of " + source, location);
        java.util.Map<Integer, PartitionState> out = new java.util.TreeMap<>();
        for (BsonDocument record : found == null ? java.util.List.<BsonDocument>of() : found) {
            try {
                PartitionState state = PartitionState.fromBson(record.getDocument("state"));
                out.put(state.index(), state);
            } catch (org.bson.BsonInvalidOperationException e) {
                throw new DataWorksException(ExitCode.USAGE, "partition record " + record.get("_id") + " in collection " + RECORDS
                        + " of " + location + " cannot be used: " + e.getMessage() + ". Rerun with --fresh to start over", e);
            }
        }
        return out;
    }

    private static boolean isDuplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof com.mongodb.MongoWriteException w
                    && com.mongodb.ErrorCategory.fromErrorCode(w.getCode()) == com.mongodb.ErrorCategory.DUPLICATE_KEY) {
                return true;
            }
        }
        return false;
    }

    @Override
    public DeadLetters deadLetters(Path file) {
        requireOpen();
        if (file != null) {
            return new FileDeadLetters(file);
        }
        return new MongoDeadLetters(database.getCollection(MongoDeadLetters.COLLECTION, BsonDocument.class),
                database.getCollection(MongoDeadLetters.ARCHIVE, BsonDocument.class), location, mode != Mode.READ_ONLY);
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the checkpoint store " + location + " is closed");
        }
    }

    private void requireWritable() {
        requireOpen();
        if (mode == Mode.READ_ONLY) {
            throw new IllegalStateException("the checkpoint store " + location + " was opened read-only");
        }
        if (lease != null) {
            lease.check();
        }
    }

    /** The lease this store holds, when it took one. */
    Optional<MongoLease> lease() {
        return Optional.ofNullable(lease);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (lease != null) {
                lease.release();
            }
        } finally {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "MongoCheckpointStore[" + location + ", " + mode + "]";
    }
}
