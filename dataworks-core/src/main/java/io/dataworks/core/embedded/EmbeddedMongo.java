package io.dataworks.core.embedded;

import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import de.bwaldvogel.mongo.MongoServer;
import io.dataworks.core.config.MongoUri;

/**
 * An in-memory MongoDB wire-protocol server (mongo-java-server) on {@code 127.0.0.1}, reached over real TCP
 * by the real driver. Used by the demo, the tests and the benchmarks.
 *
 * <p>Optionally it keeps an oplog (needed for change streams) and throttles a share of the write commands
 * ({@code insert}, {@code update}, {@code delete}, {@code findAndModify}) the way Azure Cosmos DB does when a
 * request exceeds its request units: error code 16500, code name {@code TooManyRequests}, and
 * {@code RetryAfterMs=N} in the message. A throttled command is refused as a whole, before any of it is
 * applied, so retrying it is always safe. Which commands are throttled is a pure function of the seed and
 * the command's sequence number. Alternatively (or as well) a write budget in documents per second refuses
 * writes only while the client sends more than the budget, with {@code RetryAfterMs} = time until it refills.
 *
 * <p>The <b>Cosmos mode</b> ({@link Builder#cosmosBudget(double)}) behaves as Azure Cosmos DB for MongoDB does under a
 * provisioned throughput of N request units per second: every read and write costs RUs by its size
 * ({@link CosmosRequestUnits}); a bulk insert the budget covers in part writes that part and answers the rest with
 * per-document 16500 write errors (unordered: all the rest; ordered: the next one, and stops); a request with no budget
 * left is refused whole with 16500 and {@code RetryAfterMs} = the time until the budget covers it; and
 * {@code getLastRequestStatistics} answers the last request's {@code RequestCharge} per connection. What it counted is
 * in {@link #cosmosStats()}.
 *
 * <p>These throttling modes are features of the embedded server, not test fixtures: the demo and the benchmarks run
 * the server from the product jars ({@code main} below), and a user can try pacing against a Cosmos-like budget
 * without an Azure account.
 *
 * <pre>{@code
 * try (EmbeddedMongo mongo = EmbeddedMongo.builder().throttleRate(0.2).retryAfterMs(5).start()) {
 *     MongoClient client = MongoClients.create(mongo.connectionString());
 * }
 * }</pre>
 *
 * <p>Thread-safe.
 */
public final class EmbeddedMongo implements AutoCloseable {

    private final MongoServer server;
    private final ThrottlingMemoryBackend backend;
    private final int port;
    private final boolean oplog;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EmbeddedMongo(Builder builder) {
        this.backend = new ThrottlingMemoryBackend(builder.throttleRate, builder.retryAfterMs, builder.throttleSeed,
                builder.writeBudget, builder.cosmosBudget, builder.nanoClock);
        backend.throttleReads(builder.throttleReads);
        backend.orderedIdIndex(builder.orderedIdIndex);
        this.server = new MongoServer(backend);
        this.oplog = builder.oplog;
        if (oplog) {
            server.enableOplog();
        }
        server.bind("127.0.0.1", builder.port);
        this.port = server.getLocalAddress().getPort();
    }

    /** A plain server on a free port: no oplog, no throttling. */
    public static EmbeddedMongo start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code mongodb://127.0.0.1:PORT}. */
    public String connectionString() {
        return "mongodb://127.0.0.1:" + port;
    }

    public MongoUri uri() {
        return MongoUri.parse("embedded", connectionString());
    }

    public int port() {
        return port;
    }

    public boolean oplogEnabled() {
        return oplog;
    }

    /** Whether collections keep an ordered {@code _id} index (see {@link Builder#orderedIdIndex(boolean)}). */
    public boolean orderedIdIndex() {
        return backend.orderedIdIndex();
    }

    /** Write commands received so far, throttled ones included. */
    public long writeCommandCount() {
        return backend.writeCommandCount();
    }

    /** Write commands refused with 16500 so far. */
    public long throttledCount() {
        return backend.throttledCount();
    }

    public double throttleRate() {
        return backend.throttleRate();
    }

    /** Changes the share of write commands refused from now on, e.g. to end a throttling phase. */
    public void throttleRate(double rate) {
        backend.throttleRate(checkRate(rate));
    }

    /** Whether the throttle rate applies to reads as well (see {@link Builder#throttleReads(boolean)}). */
    public boolean throttleReads() {
        return backend.throttleReads();
    }

    public void throttleReads(boolean value) {
        backend.throttleReads(value);
    }

    /** Documents per second the write budget admits; 0 when there is none. */
    public long writeBudget() {
        return backend.writeBudget();
    }

    /** Changes the write budget (documents per second) from now on; 0 removes it. */
    public void writeBudget(long documentsPerSecond) {
        backend.writeBudget(checkBudget(documentsPerSecond));
    }

    /** Request units per second of the Cosmos mode; 0 when it is off. */
    public double cosmosBudget() {
        return backend.cosmosBudget();
    }

    /**
     * Changes the Cosmos mode's budget (request units per second) from now on, e.g. to step it up or down under
     * load; 0 turns the mode off. Turning it on starts it with a full bucket and fresh counters.
     */
    public void cosmosBudget(double ruPerSecond) {
        backend.cosmosBudget(checkCosmosBudget(ruPerSecond));
    }

    /** What the Cosmos mode counted so far (all zero when it is off). */
    public CosmosStats cosmosStats() {
        return backend.cosmosStats();
    }

    /** Changes the {@code RetryAfterMs} value the random refusals carry from now on. */
    public void retryAfterMs(long retryAfterMs) {
        backend.retryAfterMs(checkRetryAfter(retryAfterMs));
    }

    /** Stops listening and closes every client connection now. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "EmbeddedMongo[" + connectionString() + (oplog ? ", oplog" : "") + (backend.orderedIdIndex() ? ", orderedIdIndex" : "")
                + (backend.throttleRate() > 0 ? ", throttleRate=" + backend.throttleRate() : "")
                + (backend.writeBudget() > 0 ? ", writeBudget=" + backend.writeBudget() + "/s" : "")
                + (backend.cosmosBudget() > 0 ? ", cosmosBudget=" + backend.cosmosBudget() + " RU/s" : "") + "]";
    }

    private static double checkRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("throttleRate must be within 0..1, was " + rate);
        }
        return rate;
    }

    private static long checkBudget(long documentsPerSecond) {
        if (documentsPerSecond < 0) {
            throw new IllegalArgumentException("writeBudget must be >= 0 documents per second, was " + documentsPerSecond);
        }
        return documentsPerSecond;
    }

    private static double checkCosmosBudget(double ruPerSecond) {
        if (!(ruPerSecond >= 0) || Double.isInfinite(ruPerSecond)) {
            throw new IllegalArgumentException("cosmosBudget must be >= 0 RU per second, was " + ruPerSecond);
        }
        return ruPerSecond;
    }

    private static long checkRetryAfter(long retryAfterMs) {
        if (retryAfterMs < 0) {
            throw new IllegalArgumentException("retryAfterMs must be >= 0, was " + retryAfterMs);
        }
        return retryAfterMs;
    }

    /** Settings for {@link EmbeddedMongo}; mutable, not thread-safe, like any builder. */
    public static final class Builder {
        private int port;
        private boolean oplog;
        private double throttleRate;
        private long retryAfterMs = 10;
        private long throttleSeed = 42;
        private long writeBudget;
        private boolean throttleReads;
        private double cosmosBudget;
        private LongSupplier nanoClock = System::nanoTime;
        private boolean orderedIdIndex = true;

        private Builder() {
        }

        /** TCP port on 127.0.0.1; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be within 0..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** Keeps an oplog so that change streams work. Off by default: it costs memory and time per write. */
        public Builder oplog(boolean oplog) {
            this.oplog = oplog;
            return this;
        }

        /** Share of write commands refused with 16500 TooManyRequests, 0..1 (default 0). */
        public Builder throttleRate(double rate) {
            this.throttleRate = checkRate(rate);
            return this;
        }

        /** The {@code RetryAfterMs} value of the refusals (default 10). */
        public Builder retryAfterMs(long retryAfterMs) {
            this.retryAfterMs = checkRetryAfter(retryAfterMs);
            return this;
        }

        /**
         * A Cosmos DB-like throughput limit in documents (or update/delete statements) per second, 0 = none
         * (default). Up to one second's worth passes at once; after that, write commands are refused with 16500
         * and {@code RetryAfterMs} = the time until the budget refills, so the refusals follow the offered load:
         * a client that backs off stops being throttled. Applies on top of {@link #throttleRate(double)}.
         */
        public Builder writeBudget(long documentsPerSecond) {
            this.writeBudget = checkBudget(documentsPerSecond);
            return this;
        }

        /**
         * Applies the throttle rate to reads too ({@code find}, {@code getMore}, {@code aggregate}, {@code count},
         * {@code distinct}), as Cosmos DB throttles reads. Off by default. A refused {@code getMore} ends the
         * driver's cursor with the 16500 error: the reader must query again from where it was (e.g. {@code _id >
         * last}), retrying the same publisher restarts it from its beginning.
         */
        public Builder throttleReads(boolean value) {
            this.throttleReads = value;
            return this;
        }

        /**
         * Turns on the Cosmos mode with a budget of {@code ruPerSecond} request units per second (0, the default, is
         * off); see the class comment and {@link CosmosRequestUnits} for what requests cost. For a budget counted in
         * inserted documents of up to 1 KB per second use {@link CosmosRequestUnits#insertBudget(double)}. Applies
         * after {@link #throttleRate(double)} and {@link #writeBudget(long)}.
         */
        public Builder cosmosBudget(double ruPerSecond) {
            this.cosmosBudget = checkCosmosBudget(ruPerSecond);
            return this;
        }

        /**
         * Keeps an ordered index on {@code _id}, as a MongoDB server does: a query that is a range on {@code _id} sorted
         * by {@code _id} reads only that range, in order, and {@code explain} of such a query answers an {@code IXSCAN}
         * on {@code _id} (anything else: {@code COLLSCAN}), so the planner splits big collections into {@code _id} ranges.
         * On by default. Off ({@code false}, {@code --scan-id-ranges}): every query scans the collection and
         * {@code explain} is refused, Cosmos DB-like, and the planner reads each collection with one cursor.
         */
        public Builder orderedIdIndex(boolean value) {
            this.orderedIdIndex = value;
            return this;
        }

        /** The clock the budgets refill by, in nanoseconds; tests move it by hand. Default {@link System#nanoTime()}. */
        Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = java.util.Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /** Seed of the throttle decisions (default 42). */
        public Builder throttleSeed(long seed) {
            this.throttleSeed = seed;
            return this;
        }

        public EmbeddedMongo start() {
            return new EmbeddedMongo(this);
        }
    }

    /**
     * Runs the server in its own JVM until it is killed:
     * {@code --port N [--throttle-rate R] [--retry-after-ms N] [--throttle-seed N] [--write-budget DOCS_PER_SEC] [--throttle-reads]
     * [--cosmos-budget RU_PER_SEC] [--scan-id-ranges] [--oplog]}.
     * Prints {@code listening on mongodb://127.0.0.1:N} once it accepts connections.
     */
    public static void main(String[] args) throws InterruptedException {
        Builder builder;
        try {
            builder = parseArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("EmbeddedMongo: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (builder == null) {
            System.out.println(USAGE);
            return;
        }
        EmbeddedMongo mongo = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            mongo.close();
            stopped.countDown();
        }, "embedded-mongo-shutdown"));
        PrintStream out = System.out;
        out.println("listening on " + mongo.connectionString());
        out.flush();
        stopped.await();
    }

    private static final String USAGE =
            "usage: EmbeddedMongo --port N [--throttle-rate R] [--retry-after-ms N] [--throttle-seed N] [--write-budget DOCS_PER_SEC]"
                    + " [--throttle-reads] [--cosmos-budget RU_PER_SEC] [--scan-id-ranges] [--oplog]";

    /** Returns null when help was asked for. */
    static Builder parseArgs(String[] args) {
        Builder builder = builder();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--port" -> builder.port(intValue(arg, value(args, ++i, arg)));
                case "--throttle-rate" -> builder.throttleRate(doubleValue(arg, value(args, ++i, arg)));
                case "--retry-after-ms" -> builder.retryAfterMs(longValue(arg, value(args, ++i, arg)));
                case "--throttle-seed" -> builder.throttleSeed(longValue(arg, value(args, ++i, arg)));
                case "--write-budget" -> builder.writeBudget(longValue(arg, value(args, ++i, arg)));
                case "--cosmos-budget" -> builder.cosmosBudget(doubleValue(arg, value(args, ++i, arg)));
                case "--oplog" -> builder.oplog(true);
                // the default since issue 14; still accepted so that older scripts keep working
                case "--ordered-id-index" -> builder.orderedIdIndex(true);
                case "--scan-id-ranges" -> builder.orderedIdIndex(false);
                case "--throttle-reads" -> builder.throttleReads(true);
                case "-h", "--help" -> {
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown option " + arg);
            }
        }
        return builder;
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static int intValue(String option, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, was '" + value + "'", e);
        }
    }

    private static long longValue(String option, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a whole number, was '" + value + "'", e);
        }
    }

    private static double doubleValue(String option, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " must be a number, was '" + value + "'", e);
        }
    }
}
