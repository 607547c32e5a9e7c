package io.dataworks.migrations.throttle;

import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import io.netty.channel.Channel;

/**
 * A mongo-java-server backend that throttles write commands like Cosmos DB (16500, TooManyRequests,
 * {@code RetryAfterMs=N}), either at a fixed random rate or, like Cosmos DB's provisioned RU/s, when
 * requests exceed a per-second budget (a token bucket): then how much is throttled depends on how hard
 * the client pushes, which is what adaptive concurrency is about.
 */
final class ThrottlingBackend extends MemoryBackend {

    private static final Set<String> WRITES = Set.of("insert", "update", "delete", "findandmodify");

    private final double randomRate;
    private final double budgetPerSecond;
    private final double burst;
    private final long retryAfterMs;
    private final Random random = new Random(42);
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong executed = new AtomicLong();
    private double tokens;
    private long lastRefill = System.nanoTime();

    private ThrottlingBackend(double randomRate, double budgetPerSecond, double burst, long retryAfterMs) {
        this.randomRate = randomRate;
        this.budgetPerSecond = budgetPerSecond;
        this.burst = burst;
        this.retryAfterMs = retryAfterMs;
        this.tokens = burst;
    }

    /** Throttles a {@code rate} share of write commands, whatever the load. */
    static ThrottlingBackend randomRate(double rate, long retryAfterMs) {
        return new ThrottlingBackend(rate, 0, 0, retryAfterMs);
    }

    /**
     * Throttles write commands beyond {@code perSecond} (bursts up to {@code burst}), answering with the
     * time until the budget has room again.
     */
    static ThrottlingBackend budget(double perSecond, double burst) {
        return new ThrottlingBackend(0, perSecond, burst, 0);
    }

    long throttled() {
        return throttled.get();
    }

    long executed() {
        return executed.get();
    }

    @Override
    public Document handleCommand(Channel channel, String databaseName, String command, Document query) {
        long retryAfter = WRITES.contains(command.toLowerCase()) ? throttleFor() : 0;
        if (retryAfter > 0) {
            throttled.incrementAndGet();
            throw new MongoServerError(16500, "TooManyRequests",
                    "Request rate is large. More Request Units may be needed, so no changes were made. RetryAfterMs=" + retryAfter);
        }
        Document result = super.handleCommand(channel, databaseName, command, query);
        if (WRITES.contains(command.toLowerCase())) {
            executed.incrementAndGet();
        }
        return result;
    }

    /** 0 to execute the command, else the RetryAfterMs to answer with. */
    private synchronized long throttleFor() {
        if (budgetPerSecond <= 0) {
            return random.nextDouble() < randomRate ? retryAfterMs : 0;
        }
        long now = System.nanoTime();
        tokens = Math.min(burst, tokens + (now - lastRefill) / 1e9 * budgetPerSecond);
        lastRefill = now;
        if (tokens >= 1) {
            tokens -= 1;
            return 0;
        }
        // Like Cosmos DB: come back when the budget has room again.
        return Math.max(1, (long) Math.ceil((1 - tokens) / budgetPerSecond * 1000));
    }
}
