package io.dataworks.migrations.checkpoint;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListMap;

import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.dataworks.migrations.checkpoint.CheckpointStore.Kind;

/**
 * One verification run of a namespace, kept in the {@link CheckpointStore} ({@link Kind#VERIFY}) so that an
 * <em>interrupted</em> run resumes: a record is {@code running} from its first partition until the run ends, then
 * {@code finished}. A finished run is never reused: what it found may no longer be true, so the next verification
 * starts afresh. Only a running record (the process was stopped or died) with the same header, method and
 * partitioning is resumed, and only the partitions verified in that same run are taken from it. Thread-safe.
 */
public final class VerifyRecord {

    private static final Logger LOG = LoggerFactory.getLogger(VerifyRecord.class);

    /** What one partition's verification found. */
    public record Outcome(int index, boolean match, long sourceCount, long targetCount, long missing, long extra, long different) {

        BsonDocument toBson() {
            return new BsonDocument("index", new BsonInt32(index)).append("match", BsonBoolean.valueOf(match))
                    .append("sourceCount", new BsonInt64(sourceCount)).append("targetCount", new BsonInt64(targetCount))
                    .append("missing", new BsonInt64(missing)).append("extra", new BsonInt64(extra))
                    .append("different", new BsonInt64(different));
        }

        static Outcome fromBson(BsonDocument d) {
            return new Outcome(d.getInt32("index").getValue(), d.getBoolean("match").getValue(), d.getInt64("sourceCount").getValue(),
                    d.getInt64("targetCount").getValue(), d.getInt64("missing").getValue(), d.getInt64("extra").getValue(),
                    d.getInt64("different").getValue());
        }
    }

    private final CheckpointStore store;
    private final CheckpointHeader header;
    private final String runId;
    private final Instant startedAt;
    private final String method;
    private final int partitions;
    private final Map<Integer, Outcome> done = new ConcurrentSkipListMap<>();
    private final int resumed;

    private VerifyRecord(CheckpointStore store, CheckpointHeader header, String runId, Instant startedAt, String method,
                         int partitions, Map<Integer, Outcome> done) {
        this.store = store;
        this.header = header;
        this.runId = runId;
        this.startedAt = startedAt;
        this.method = method;
        this.partitions = partitions;
        this.done.putAll(done);
        this.resumed = done.size();
    }

    /**
     * Starts a verification run of {@code header}'s namespace, or resumes the interrupted one when {@code mayResume}
     * and the stored record is a running one of the same header, method and partition count. The new or resumed
     * record is written at once as {@code running}.
     */
    public static VerifyRecord open(CheckpointStore store, CheckpointHeader header, String method, int partitions, boolean mayResume) {
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(header, "header");
        VerifyRecord record = null;
        BsonDocument stored = mayResume ? store.read(Kind.VERIFY, header.source()).orElse(null) : null;
        if (stored != null) {
            record = resumable(store, header, method, partitions, stored);
        }
        if (record == null) {
            record = new VerifyRecord(store, header, UUID.randomUUID().toString(), Instant.now(), method, partitions, Map.of());
        }
        record.save(false);
        return record;
    }

    private static VerifyRecord resumable(CheckpointStore store, CheckpointHeader header, String method, int partitions,
                                          BsonDocument stored) {
        String where = store.describe(Kind.VERIFY, header.source());
        try {
            String state = stored.getString("state").getValue();
            if (!"running".equals(state)) {
                LOG.info("{}: the last verification finished at {}; verifying afresh", header.source(),
                        stored.containsKey("finishedAt") ? Instant.ofEpochMilli(stored.getDateTime("finishedAt").getValue()) : "?");
                return null;
            }
            CheckpointHeader storedHeader = CheckpointHeader.fromBson(stored.getDocument("header"));
            String mismatch = storedHeader.mismatch(header);
            if (mismatch != null || !method.equals(stored.getString("method").getValue())
                    || partitions != stored.getInt32("partitions").getValue()) {
                LOG.info("{}: interrupted verification in {} was for {}; verifying afresh", header.source(), where,
                        mismatch != null ? mismatch : "another method or partitioning");
                return null;
            }
            Map<Integer, Outcome> done = new ConcurrentSkipListMap<>();
            for (BsonValue v : stored.getArray("done")) {
                Outcome o = Outcome.fromBson(v.asDocument());
                done.put(o.index(), o);
            }
            VerifyRecord record = new VerifyRecord(store, header, stored.getString("runId").getValue(),
                    Instant.ofEpochMilli(stored.getDateTime("startedAt").getValue()), method, partitions, done);
            LOG.info("{}: resuming the interrupted verification run {} ({} of {} partitions already verified in it)",
                    header.source(), record.runId, done.size(), partitions);
            return record;
        } catch (RuntimeException e) {
            LOG.warn("{}: cannot use the verification record {} ({}); verifying afresh", header.source(), where, e.toString());
            return null;
        }
    }

    public String runId() {
        return runId;
    }

    /** Partitions taken from the interrupted run this one resumes (0 for a fresh run). */
    public int resumedPartitions() {
        return resumed;
    }

    /** The partitions verified so far in this run, by index. */
    public Map<Integer, Outcome> done() {
        return Map.copyOf(done);
    }

    /** Records one partition's outcome and rewrites the record (still running). */
    public synchronized void record(Outcome outcome) {
        done.put(outcome.index(), outcome);
        save(false);
    }

    /** The run ended (match or mismatch): the record will not be resumed. */
    public synchronized void finish() {
        save(true);
    }

    private synchronized void save(boolean finished) {
        BsonDocument doc = new BsonDocument("header", header.toBson())
                .append("runId", new BsonString(runId))
                .append("state", new BsonString(finished ? "finished" : "running"))
                .append("method", new BsonString(method))
                .append("partitions", new BsonInt32(partitions))
                .append("startedAt", new BsonDateTime(startedAt.toEpochMilli()));
        if (finished) {
            doc.append("finishedAt", new BsonDateTime(Instant.now().toEpochMilli()));
        }
        BsonArray outcomes = new BsonArray();
        done.values().forEach(o -> outcomes.add(o.toBson()));
        doc.append("done", outcomes);
        store.write(Kind.VERIFY, header.source(), doc);
    }
}
