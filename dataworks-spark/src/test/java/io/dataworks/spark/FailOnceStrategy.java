package io.dataworks.spark;

import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.bson.BsonDocument;
import org.bson.BsonInt32;

import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;

/**
 * A copy that fails once, on the document with {@code _id} {@link #arm armed} (a crashed task, in this JVM: Spark's
 * local mode runs the executors here), and counts every document it sees, so a test can tell a resumed copy from one
 * that started over.
 */
public final class FailOnceStrategy implements MigrationStrategy {

    static final AtomicLong SEEN = new AtomicLong();
    private static final AtomicBoolean ARMED = new AtomicBoolean();
    private static volatile int failAt = -1;

    static void arm(int id) {
        failAt = id;
        ARMED.set(true);
        SEEN.set(0);
    }

    /** Whether the armed failure happened. */
    static boolean fired() {
        return !ARMED.get();
    }

    @Override
    public String name() {
        return "fail-once";
    }

    @Override
    public List<BsonDocument> transform(BsonDocument document, Namespace source) {
        SEEN.incrementAndGet();
        if (document.get("_id").equals(new BsonInt32(failAt)) && ARMED.compareAndSet(true, false)) {
            throw new IllegalStateException("fail-once: failing on _id " + failAt + " as armed");
        }
        return List.of(document);
    }
}
