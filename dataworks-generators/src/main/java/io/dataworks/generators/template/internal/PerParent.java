package io.dataworks.generators.template.internal;

import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import io.dataworks.generators.internal.DocumentRandom;
import io.dataworks.generators.template.TemplateOptions;
import io.dataworks.generators.template.internal.Distributions.LongSampler;

/**
 * How many documents of a child collection each parent document has ({@code perParent}), and the map
 * from a child's index to its parent's. Parent {@code p}'s count is drawn from {@code (seed, p)}; a
 * prefix sum every {@value #BLOCK} parents (8 bytes per {@value #BLOCK} parents, not per document) finds
 * the block of a child index, and each thread keeps the counts of the block it is in (generation
 * workers render contiguous index ranges, so that block is nearly always the right one).
 */
public final class PerParent {

    static final int BLOCK = 1024;

    private final LongSampler sampler;
    private final long seed;
    private final long parents;
    private final long[] prefix;
    private final String description;
    private final ThreadLocal<long[]> blockState = new ThreadLocal<>();

    private PerParent(LongSampler sampler, long seed, long parents, String description) {
        this.sampler = sampler;
        this.seed = seed;
        this.parents = parents;
        this.description = description;
        int blocks = (int) ((parents + BLOCK - 1) / BLOCK);
        this.prefix = new long[blocks + 1];
        long sum = 0;
        for (long p = 0; p < parents; p++) {
            if (p % BLOCK == 0) {
                prefix[(int) (p / BLOCK)] = sum;
            }
            sum = Math.addExact(sum, count(p));
        }
        prefix[blocks] = sum;
    }

    /** Compiles {@code {"min": 0, "max": 20, "distribution": "zipf"}} for {@code parents} parent documents. */
    public static PerParent compile(String source, String path, JsonNode spec, long parents, long seed) {
        TemplateCompiler c = new TemplateCompiler(source, TemplateOptions.DEFAULTS, null);
        Opts o = Opts.of(c, "perParent", path, spec, Opts.keys(List.of("min", "max"), Distributions.KEYS));
        long min = o.longOpt("min", 0);
        if (!o.has("max")) {
            throw o.error("needs max, the most documents one parent has");
        }
        long max = o.longOpt("max", 0);
        if (min < 0 || max > 1_000_000) {
            throw o.error("needs 0 <= min <= max <= 1000000, got min " + min + ", max " + max);
        }
        if (parents > (long) Integer.MAX_VALUE * BLOCK) {
            throw o.error("too many parent documents (" + parents + ")");
        }
        LongSampler sampler = Distributions.integral(o, min, max);
        String description = min + ".." + max + (o.has("distribution") ? " (" + o.stringOpt("distribution", "") + ")" : "");
        return new PerParent(sampler, seed, parents, description);
    }

    /** Parent {@code p}'s number of children. */
    long count(long p) {
        return sampler.sample(DocumentRandom.forDocument(seed, p));
    }

    /** The number of child documents of all parents. */
    public long total() {
        return prefix[prefix.length - 1];
    }

    public String describe() {
        return description;
    }

    /** The parent of child document {@code index} (0 <= index < total). */
    public long parentOf(long index) {
        if (index < 0 || index >= total()) {
            throw new IndexOutOfBoundsException("child " + index + " of " + total());
        }
        long[] state = blockState.get();
        // state: [block, cumulative counts of the block's parents (exclusive end) ...]
        if (state == null || !inBlock(state, index)) {
            // the last block that starts at or before index (a block whose parents have no children starts
            // where the next one does, and holds nothing)
            int lo = 0;
            int hi = prefix.length - 2;
            while (lo < hi) {
                int mid = (lo + hi + 1) >>> 1;
                if (prefix[mid] <= index) {
                    lo = mid;
                } else {
                    hi = mid - 1;
                }
            }
            int block = lo;
            long first = (long) block * BLOCK;
            int n = (int) Math.min(BLOCK, parents - first);
            state = new long[n + 1];
            state[0] = block;
            long sum = prefix[block];
            for (int i = 0; i < n; i++) {
                sum += count(first + i);
                state[i + 1] = sum;
            }
            blockState.set(state);
        }
        int block = (int) state[0];
        // first parent of the block whose cumulative end exceeds index
        int lo = 1;
        int hi = state.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (state[mid] > index) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return (long) block * BLOCK + (lo - 1);
    }

    private boolean inBlock(long[] state, long index) {
        int block = (int) state[0];
        return index >= prefix[block] && index < state[state.length - 1];
    }
}
