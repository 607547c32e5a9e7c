package io.dataworks.migrations.checkpoint;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import com.mongodb.client.result.UpdateResult;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;

/**
 * The MongoDB store's stand-in for the file store's lock: one document {@code {_id: "lease"}} in collection
 * {@value #COLLECTION} naming its holder (host, pid, when it started), a random token, the last heartbeat and when the
 * lease expires. The holder renews it every {@link #RENEW_EVERY} in the background; a lease not renewed for
 * {@link #EXPIRY} (a crashed or killed run) may be taken over by the next run, with a WARN. Taking and renewing are
 * conditional on the token, so of two runs racing for an expired lease one wins.
 *
 * <p>Expiry is judged by the clock of the run that wants the lease against the {@code expires} time the holder wrote:
 * machines whose clocks differ by a large part of {@link #EXPIRY} can misjudge it.
 *
 * <p>A holder that finds its lease taken (it was paused longer than the expiry, or the network was cut) stops writing:
 * {@link #check()} fails every later write of the store, so two runs never overwrite each other's checkpoints.
 */
final class MongoLease {

    private static final Logger LOG = LoggerFactory.getLogger(MongoLease.class);

    static final String COLLECTION = "lease";
    static final String ID = "lease";
    static final Duration RENEW_EVERY = Duration.ofSeconds(10);
    static final Duration EXPIRY = Duration.ofSeconds(60);

    private final MongoCollection<BsonDocument> collection;
    private final String where;
    private final Duration renewEvery;
    private final Duration expiry;
    private final Clock clock;
    private final BsonDocument owner;
    private final String token = UUID.randomUUID().toString();
    private final ScheduledExecutorService renewer;
    private volatile Instant lastBeat;
    private volatile String lost;
    private boolean released;

    private MongoLease(MongoCollection<BsonDocument> collection, String where, Duration renewEvery, Duration expiry, Clock clock) {
        this.collection = collection;
        this.where = where;
        this.renewEvery = renewEvery;
        this.expiry = expiry;
        this.clock = clock;
        Instant now = clock.instant();
        this.owner = new BsonDocument("host", new BsonString(hostName()))
                .append("pid", new BsonInt64(ProcessHandle.current().pid()))
                .append("started", new BsonDateTime(now.toEpochMilli()));
        this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "dataworks-checkpoint-lease");
            thread.setDaemon(true);
            return thread;
        });
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown host";
        }
    }

    /**
     * Takes the lease and starts renewing it. Fails with exit code 2 naming the holder while another run's lease is
     * live.
     */
    static MongoLease acquire(MongoCollection<BsonDocument> collection, String where, Duration renewEvery, Duration expiry,
                              Clock clock) {
        Objects.requireNonNull(collection, "collection");
        if (renewEvery.isZero() || renewEvery.isNegative() || expiry.compareTo(renewEvery) <= 0) {
            throw new IllegalArgumentException("the lease must be renewed more often than it expires: renew every " + renewEvery
                    + ", expiry " + expiry);
        }
        MongoLease lease = new MongoLease(collection, where, renewEvery, expiry, clock);
        try {
            lease.take();
        } catch (RuntimeException e) {
            lease.renewer.shutdownNow();
            throw e;
        }
        lease.renewer.scheduleWithFixedDelay(lease::beat, renewEvery.toMillis(), renewEvery.toMillis(), TimeUnit.MILLISECONDS);
        return lease;
    }

    private BsonDocument document(Instant now) {
        return new BsonDocument("_id", new BsonString(ID))
                .append("owner", owner)
                .append("token", new BsonString(token))
                .append("heartbeat", new BsonDateTime(now.toEpochMilli()))
                .append("expires", new BsonDateTime(now.plus(expiry).toEpochMilli()))
                .append("renewEverySeconds", new BsonInt64(renewEvery.toSeconds()));
    }

    private void take() {
        for (int attempt = 0; attempt < 5; attempt++) {
            BsonDocument current = MongoCheckpointStore.await(collection.find(Filters.eq("_id", ID)).first(), "read the lease", where);
            Instant now = clock.instant();
            if (current == null) {
                try {
                    MongoCheckpointStore.await(collection.insertOne(document(now)), "take the lease", where);
                    lastBeat = now;
                    return;
                } catch (DataWorksException e) {
                    if (isDuplicateKey(e)) {
                        continue; // another run took it just now: look again
                    }
                    throw e;
                }
            }
            Instant expires = instant(current.get("expires"));
            if (expires != null && expires.isAfter(now)) {
                throw new DataWorksException(ExitCode.USAGE, "the checkpoint store, " + where + ", is in use by another run ("
                        + holder(current, now) + "): wait for it to end, or pass another --checkpoint-db. A lease that is not "
                        + "renewed (its run was killed) expires " + expiry.toSeconds() + " s after its last heartbeat");
            }
            BsonValue theirs = current.get("token");
            UpdateResult taken = MongoCheckpointStore.await(collection.replaceOne(
                    Filters.and(Filters.eq("_id", ID), theirs == null ? Filters.exists("token", false) : Filters.eq("token", theirs)),
                    document(now)), "take over the expired lease", where);
            if (taken != null && taken.getMatchedCount() == 1) {
                lastBeat = now;
                LOG.warn("took over the expired lease on the checkpoint store, {}, from {}: that run did not renew it and is "
                        + "taken to be gone", where, holder(current, now));
                return;
            }
        }
        throw new DataWorksException(ExitCode.USAGE, "could not take the lease on the checkpoint store, " + where
                + ": other runs keep taking it. Run one migration per checkpoint database");
    }

    private static boolean isDuplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MongoWriteException w && ErrorCategory.fromErrorCode(w.getCode()) == ErrorCategory.DUPLICATE_KEY) {
                return true;
            }
        }
        return false;
    }

    private static Instant instant(BsonValue value) {
        return value != null && value.isDateTime() ? Instant.ofEpochMilli(value.asDateTime().getValue()) : null;
    }

    /** "host h, pid 42, started ..., last heartbeat ... (12 s ago)" for messages. */
    static String holder(BsonDocument lease, Instant now) {
        BsonDocument owner = lease.isDocument("owner") ? lease.getDocument("owner") : new BsonDocument();
        StringBuilder out = new StringBuilder();
        out.append("host ").append(owner.isString("host") ? owner.getString("host").getValue() : "?");
        out.append(", pid ").append(owner.isNumber("pid") ? String.valueOf(owner.getNumber("pid").longValue()) : "?");
        Instant started = instant(owner.get("started"));
        if (started != null) {
            out.append(", started ").append(started);
        }
        Instant beat = instant(lease.get("heartbeat"));
        if (beat != null) {
            out.append(", last heartbeat ").append(beat).append(" (")
                    .append(Math.max(0, Duration.between(beat, now).toSeconds())).append(" s ago)");
        }
        return out.toString();
    }

    /** The background renewal: a failure is logged and tried again at the next beat. */
    private void beat() {
        try {
            renew();
        } catch (RuntimeException e) {
            LOG.warn("could not renew the lease on the checkpoint store, {} ({}); trying again in {} s", where, e.getMessage(),
                    renewEvery.toSeconds());
        }
    }

    /** Moves the expiry forward, if the lease is still this run's; otherwise marks it lost. */
    synchronized void renew() {
        if (lost != null || released) {
            return;
        }
        Instant now = clock.instant();
        UpdateResult result = MongoCheckpointStore.await(collection.updateOne(
                Filters.and(Filters.eq("_id", ID), Filters.eq("token", token)),
                Updates.combine(Updates.set("heartbeat", new BsonDateTime(now.toEpochMilli())),
                        Updates.set("expires", new BsonDateTime(now.plus(expiry).toEpochMilli())))), "renew the lease", where);
        if (result != null && result.getMatchedCount() == 0) {
            BsonDocument current = MongoCheckpointStore.await(collection.find(Filters.eq("_id", ID)).first(), "read the lease", where);
            lost = current == null ? "it was deleted" : "it is now held by " + holder(current, now);
            LOG.error("lost the lease on the checkpoint store, {}: {}. This run writes no more checkpoints", where, lost);
            return;
        }
        lastBeat = now;
    }

    /**
     * Before a write: fails when the lease was lost, and renews it first when the background renewal has not managed
     * to for longer than two periods (so a write never goes out under a lease that may have expired).
     */
    void check() {
        if (lost == null && Duration.between(lastBeat, clock.instant()).compareTo(renewEvery.multipliedBy(2)) > 0) {
            renew();
        }
        if (lost != null) {
            throw new DataWorksException(ExitCode.FAILED, "lost the lease on the checkpoint store, " + where + " (" + lost
                    + "): stopped so that two runs do not overwrite each other's checkpoints. Make sure only one run uses "
                    + "the store, then rerun the same command to resume");
        }
    }

    /** Whether this run still holds the lease, as far as it knows. */
    boolean held() {
        return lost == null && !released;
    }

    /** Stops renewing and gives the lease up (only if it is still this run's). Idempotent. */
    synchronized void release() {
        if (released) {
            return;
        }
        released = true;
        renewer.shutdownNow();
        if (lost == null) {
            try {
                MongoCheckpointStore.await(collection.deleteOne(Filters.and(Filters.eq("_id", ID), Filters.eq("token", token))),
                        "release the lease", where);
            } catch (RuntimeException e) {
                LOG.warn("could not release the lease on the checkpoint store, {} ({}); the next run takes it over once it "
                        + "expires, {} s after the last heartbeat", where, e.getMessage(), expiry.toSeconds());
            }
        }
    }

    String token() {
        return token;
    }
}
