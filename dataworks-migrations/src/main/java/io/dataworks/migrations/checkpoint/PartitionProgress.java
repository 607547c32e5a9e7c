package io.dataworks.migrations.checkpoint;

import java.util.Objects;
import java.util.TreeMap;

import org.bson.BsonValue;

import io.dataworks.migrations.plan.Partition;

/**
 * How far one partition is copied. Batches of a partition are numbered in read order ({@code 0, 1, 2…}
 * within one run) and may be acknowledged by the target out of order when several are in flight; the
 * checkpoint only moves to the last {@code _id} below which <em>every</em> batch was acknowledged, so
 * resuming after it never skips a document. Thread-safe.
 */
public final class PartitionProgress {

    private record Acked(BsonValue lastId, long documents, long targetDocuments) {
    }

    private final Partition partition;
    private final TreeMap<Long, Acked> ackedAhead = new TreeMap<>();
    private BsonValue lastId;
    private long documents;
    private long targetDocuments;
    private boolean done;
    private long nextSequence;
    private long batchesRead = -1;

    /** Starts from a stored state ({@code lastId} null = from the beginning). */
    public PartitionProgress(Partition partition, BsonValue lastId, long documents, long targetDocuments, boolean done) {
        this.partition = Objects.requireNonNull(partition, "partition");
        this.lastId = lastId;
        this.documents = documents;
        this.targetDocuments = targetDocuments;
        this.done = done;
    }

    public static PartitionProgress start(Partition partition) {
        return new PartitionProgress(partition, null, 0, 0, false);
    }

    public Partition partition() {
        return partition;
    }

    /**
     * The target acknowledged batch {@code sequence}, whose last source document has {@code _id} {@code batchLastId}:
     * {@code batchDocuments} source documents, for which the target now holds {@code batchTargetDocuments}.
     */
    public synchronized void acknowledge(long sequence, BsonValue batchLastId, long batchDocuments, long batchTargetDocuments) {
        if (sequence < nextSequence || ackedAhead.containsKey(sequence)) {
            throw new IllegalStateException("batch " + sequence + " of partition " + partition.index() + " acknowledged twice");
        }
        ackedAhead.put(sequence, new Acked(batchLastId, batchDocuments, batchTargetDocuments));
        Acked next;
        while ((next = ackedAhead.remove(nextSequence)) != null) {
            lastId = next.lastId();
            documents += next.documents();
            targetDocuments += next.targetDocuments();
            nextSequence++;
        }
        checkDone();
    }

    /** The reader reached the end of the partition after handing out {@code batches} batches. */
    public synchronized void readComplete(long batches) {
        batchesRead = batches;
        checkDone();
    }

    private void checkDone() {
        if (batchesRead >= 0 && nextSequence == batchesRead) {
            done = true;
        }
    }

    /** The last {@code _id} whose batch, and every batch before it, was acknowledged; {@code null} = none yet. */
    public synchronized BsonValue lastId() {
        return lastId;
    }

    public synchronized boolean done() {
        return done;
    }

    /** Source documents acknowledged, over all runs. */
    public synchronized long documents() {
        return documents;
    }

    /** Documents the target acknowledged holding for this partition, over all runs. */
    public synchronized long targetDocuments() {
        return targetDocuments;
    }

    public synchronized PartitionState state() {
        return new PartitionState(partition.index(), lastId, documents, targetDocuments, done);
    }
}
