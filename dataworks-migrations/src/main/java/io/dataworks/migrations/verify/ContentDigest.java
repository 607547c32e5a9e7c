package io.dataworks.migrations.verify;

import java.nio.ByteBuffer;

import org.bson.RawBsonDocument;

/**
 * An order-independent digest of a set of documents: their count and two sums of a 64-bit hash of each
 * document's raw BSON bytes (the second through a non-linear mix, so two different sets agreeing on one
 * sum by accident do not also agree on the other). Summing makes it independent of the order in which
 * documents arrive and lets partitions be hashed in constant memory. Not thread-safe: one per cursor.
 */
final class ContentDigest {

    private long count;
    private long sum;
    private long mixedSum;

    static long hashOf(RawBsonDocument document) {
        ByteBuffer bytes = document.getByteBuffer().asNIO();
        return XxHash64.hash(bytes, 0);
    }

    ContentDigest add(RawBsonDocument document) {
        long h = hashOf(document);
        count++;
        sum += h;
        mixedSum += mix(h);
        return this;
    }

    long count() {
        return count;
    }

    boolean sameAs(ContentDigest other) {
        return count == other.count && sum == other.sum && mixedSum == other.mixedSum;
    }

    /** SplitMix64's finaliser: a bijective, non-linear mix. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "ContentDigest[count=" + count + ", sum=" + Long.toHexString(sum) + ", mixed=" + Long.toHexString(mixedSum) + "]";
    }
}
