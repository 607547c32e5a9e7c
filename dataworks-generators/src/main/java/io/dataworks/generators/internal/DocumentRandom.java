package io.dataworks.generators.internal;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The random source of one document: a pure function of {@code (seed, index)}, so document {@code i}
 * is the same whichever worker renders it and whatever the batch size.
 */
public final class DocumentRandom {

    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private DocumentRandom() {
    }

    /** A fresh generator for document {@code index} of the run seeded with {@code seed}. */
    public static RandomGenerator forDocument(long seed, long index) {
        return new SplittableRandom(documentSeed(seed, index));
    }

    /** The 64-bit seed of document {@code index}: two SplitMix64 rounds over seed and index. */
    public static long documentSeed(long seed, long index) {
        return mix64(mix64(seed) ^ (index * GOLDEN_GAMMA + GOLDEN_GAMMA));
    }

    /** SplitMix64's finaliser (Steele, Lea, Flood 2014): a bijective, well-mixing 64-bit hash. */
    public static long mix64(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
