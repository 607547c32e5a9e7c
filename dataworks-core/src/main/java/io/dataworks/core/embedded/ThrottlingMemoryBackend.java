package io.dataworks.core.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import io.netty.channel.Channel;

/**
 * The in-memory backend with Cosmos DB-like request throttling in front of the commands: a random share (seeded),
 * a documents-per-second budget ({@link WriteBudget}), and/or the Cosmos mode ({@link CosmosMode}: a request-unit
 * budget that charges every request by its size, writes bulk inserts in part and answers
 * {@code getLastRequestStatistics}). Checked in that order; a command refused by one is not charged by the next.
 *
 * <p>The throttle decision is taken before the command reaches the backend, so a refused command has
 * changed nothing (Cosmos DB refuses the whole request) and the client can retry it as is. The cost on the
 * hot path is one string switch and one atomic increment per command (plus one short lock with a budget), independent of the number of
 * documents in it.
 *
 * <p>Thread-safe: commands arrive on Netty's event-loop threads.
 */
final class ThrottlingMemoryBackend extends MemoryBackend {

    static final int TOO_MANY_REQUESTS = 16500;
    static final String TOO_MANY_REQUESTS_NAME = "TooManyRequests";
    /** Tries of an aggregation that hit the embedded {@code $sample}'s inconsistent sort; each fails rarely on its own. */
    private static final int SAMPLE_SORT_ATTEMPTS = 20;

    private final long seed;
    private final AtomicLong writeCommands = new AtomicLong();
    private final LongAdder throttled = new LongAdder();
    private volatile double throttleRate;
    private volatile long retryAfterMs;
    private volatile WriteBudget budget;
    private volatile boolean throttleReads;
    private final AtomicLong readCommands = new AtomicLong();
    private final LongSupplier nanoClock;
    private volatile CosmosMode cosmos;
    /** Fixed at start: collections are created with it or without it. */
    private volatile boolean orderedIdIndex;

    ThrottlingMemoryBackend(double throttleRate, long retryAfterMs, long seed, long writeBudget, double cosmosBudget,
                            LongSupplier nanoClock) {
        this.throttleRate = throttleRate;
        this.retryAfterMs = retryAfterMs;
        this.seed = seed;
        this.nanoClock = nanoClock;
        writeBudget(writeBudget);
        cosmosBudget(cosmosBudget);
    }

    /*
     * Modern drivers send every command as OP_MSG, which arrives here; the command name is the first key of
     * the body. (Overriding handleCommand would need Netty's Channel at compile time, a runtime-only dependency
     * of mongo-java-server.)
     */
    @Override
    public Document handleMessage(MongoMessage message) {
        Document command = message.getDocument();
        String name = command.keySet().iterator().next();
        if (isWriteCommand(name)) {
            long n = writeCommands.incrementAndGet();
            double rate = throttleRate;
            if (rate > 0 && shouldThrottle(seed, n, rate)) {
                throttled.increment();
                return tooManyRequests(retryAfterMs);
            }
            WriteBudget writeBudget = budget;
            if (writeBudget != null) {
                long wait = writeBudget.tryAcquire(documentCount(name, command));
                if (wait > 0) {
                    throttled.increment();
                    return tooManyRequests(wait);
                }
            }
        } else if (throttleReads && isReadCommand(name)) {
            // a sequence of its own, so that reads do not shift which writes are refused
            long n = readCommands.incrementAndGet();
            double rate = throttleRate;
            if (rate > 0 && shouldThrottle(~seed, n, rate)) {
                throttled.increment();
                return tooManyRequests(retryAfterMs);
            }
        }
        CosmosMode cosmosMode = cosmos;
        if (cosmosMode != null) {
            return cosmosMode.handle(message, name, this::execute, throttled::increment);
        }
        return execute(message);
    }

    private Document execute(MongoMessage message) {
        Document command = message.getDocument();
        String name = command.keySet().iterator().next();
        if (orderedIdIndex && "explain".equals(name) && command.get("explain") instanceof Document explained
                && explained.containsKey("find")) {
            return explainFind(message.getDatabaseName(), explained);
        }
        if (orderedIdIndex && cosmos == null && "splitVector".equals(name)) {
            return splitVector(command);
        }
        return "aggregate".equals(name) ? aggregate(message) : super.handleMessage(message);
    }

    /**
     * {@code splitVector} on the {@code _id} index, as a mongod answers it (Cosmos DB and the scanning server do not,
     * as the real ones do not): split keys that cut the collection into chunks of about half {@code maxChunkSizeBytes}
     * (or {@code maxChunkSize} MB), every {@code maxChunkSizeBytes / (2 × average document size)}-th {@code _id} in
     * index order, the first excluded; none when the collection fits one chunk. Walks the index, not the documents.
     */
    private Document splitVector(Document command) {
        String namespace = String.valueOf(command.get("splitVector"));
        int dot = namespace.indexOf('.');
        if (dot <= 0 || dot == namespace.length() - 1) {
            return commandError(73, "InvalidNamespace", "Invalid namespace specified '" + namespace + "'");
        }
        if (!(command.get("keyPattern") instanceof Document keyPattern) || keyPattern.size() != 1
                || !(keyPattern.get("_id") instanceof Number direction) || direction.intValue() != 1) {
            return commandError(2, "BadValue", "the embedded server splits on the _id index only: keyPattern must be {_id: 1}");
        }
        long maxChunkBytes = command.get("maxChunkSizeBytes") instanceof Number bytes ? bytes.longValue()
                : command.get("maxChunkSize") instanceof Number megabytes ? megabytes.longValue() << 20 : 0;
        if (maxChunkBytes <= 0) {
            return commandError(2, "BadValue", "need to specify the desired max chunk size (maxChunkSize or maxChunkSizeBytes)");
        }
        String databaseName = namespace.substring(0, dot);
        List<Object> keys = List.of();
        if (listDatabaseNames().contains(databaseName)
                && resolveDatabase(databaseName).resolveCollection(namespace.substring(dot + 1), false) instanceof IdOrderedCollection collection) {
            keys = collection.splitKeys(maxChunkBytes);
        }
        List<Document> splitKeys = new ArrayList<>(keys.size());
        for (Object key : keys) {
            splitKeys.add(new Document("_id", key));
        }
        Document reply = new Document("splitKeys", splitKeys);
        reply.put("ok", 1.0);
        return reply;
    }

    private static Document commandError(int code, String codeName, String message) {
        Document reply = new Document();
        reply.put("ok", 0);
        reply.put("errmsg", message);
        reply.put("code", code);
        reply.put("codeName", codeName);
        return reply;
    }

    /**
     * {@code explain} of a {@code find}, answered as a MongoDB server would in its {@code queryPlanner} section: an
     * {@code IXSCAN} on {@code _id} (under a {@code FETCH}) for an {@code _id} range sorted by {@code _id}, which the
     * ordered index serves; a {@code COLLSCAN} for anything else. Nothing is run.
     */
    private static Document explainFind(String databaseName, Document find) {
        Document filter = find.get("filter") instanceof Document f ? f : new Document();
        Document sort = find.get("sort") instanceof Document s ? s : null;
        Document winningPlan;
        if (IdOrderedCollection.servesFromIndex(filter, sort)) {
            Document indexScan = new Document("stage", "IXSCAN");
            indexScan.put("keyPattern", new Document("_id", 1));
            indexScan.put("indexName", "_id_");
            indexScan.put("isUnique", true);
            indexScan.put("direction", IdOrderedCollection.idSortDirection(sort) > 0 ? "forward" : "backward");
            winningPlan = new Document("stage", "FETCH");
            winningPlan.put("inputStage", indexScan);
        } else {
            winningPlan = new Document("stage", "COLLSCAN");
            winningPlan.put("direction", "forward");
        }
        Document planner = new Document("namespace", databaseName + "." + find.get("find"));
        planner.put("parsedQuery", filter);
        planner.put("winningPlan", winningPlan);
        planner.put("rejectedPlans", java.util.List.of());
        Document reply = new Document("explainVersion", "1");
        reply.put("queryPlanner", planner);
        reply.put("ok", 1.0);
        return reply;
    }

    /** Databases whose collections keep an ordered _id index when {@link #orderedIdIndex(boolean)} is on. */
    @Override
    public MemoryDatabase openOrCreateDatabase(String databaseName) {
        return orderedIdIndex ? new IdOrderedDatabase(databaseName, getCursorRegistry()) : super.openOrCreateDatabase(databaseName);
    }

    /** Before any database is opened: whether collections keep an ordered _id index and explain answers. */
    void orderedIdIndex(boolean value) {
        this.orderedIdIndex = value;
    }

    boolean orderedIdIndex() {
        return orderedIdIndex;
    }

    @Override
    public void handleClose(Channel channel) {
        CosmosMode cosmosMode = cosmos;
        if (cosmosMode != null) {
            cosmosMode.closed(channel);
        }
        super.handleClose(channel);
    }

    /**
     * mongo-java-server's {@code $sample} shuffles by sorting with a comparator that draws a new random key at every
     * comparison; TimSort now and then notices and throws "Comparison method violates its general contract" (a
     * real server never does). The sort is a barrier that completes before any stage after it runs, so nothing
     * has been returned or written when it throws: run the command again, as a real server would have answered.
     */
    private Document aggregate(MongoMessage message) {
        for (int attempt = 1;; attempt++) {
            try {
                return super.handleMessage(message);
            } catch (IllegalArgumentException e) {
                if (attempt >= SAMPLE_SORT_ATTEMPTS || e.getMessage() == null
                        || !e.getMessage().startsWith("Comparison method violates its general contract")) {
                    throw e;
                }
            }
        }
    }

    /** Documents (or update/delete statements) in a write command: the size of one list, no per-document work. */
    static int documentCount(String command, Document body) {
        Object list = switch (command) {
            case "insert" -> body.get("documents");
            case "update" -> body.get("updates");
            case "delete" -> body.get("deletes");
            default -> null;
        };
        return list instanceof java.util.Collection<?> c ? c.size() : 1;
    }

    static boolean isWriteCommand(String command) {
        switch (command) {
            case "insert":
            case "update":
            case "delete":
            case "findAndModify":
            case "findandmodify":
                return true;
            default:
                return false;
        }
    }

    static boolean isReadCommand(String command) {
        switch (command) {
            case "find":
            case "getMore":
            case "aggregate":
            case "count":
            case "distinct":
            case "explain": // Cosmos DB charges request units for it, and refuses it with 16500 like any read
            case "splitVector":
                return true;
            default:
                return false;
        }
    }

    /** Deterministic: the n-th write command of a server started with {@code seed} is always treated alike. */
    static boolean shouldThrottle(long seed, long n, double rate) {
        if (rate >= 1) {
            return true;
        }
        long z = seed + n * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53 < rate;
    }

    /**
     * The reply Azure Cosmos DB for MongoDB sends when a request exceeds the provisioned request units. Returned,
     * not thrown: mongo-java-server logs every thrown command error at ERROR together with the whole command
     * (every document of the batch), which would cost more than the insert itself.
     */
    static Document tooManyRequests(long retryAfterMs) {
        Document reply = new Document();
        reply.put("ok", 0);
        reply.put("errmsg", tooManyRequestsMessage(retryAfterMs));
        reply.put("code", TOO_MANY_REQUESTS);
        reply.put("codeName", TOO_MANY_REQUESTS_NAME);
        return reply;
    }

    /** Cosmos DB's message for a refused request or document. */
    static String tooManyRequestsMessage(long retryAfterMs) {
        return "Error=16500, RetryAfterMs=" + retryAfterMs + ", Details='Response status code does not indicate "
                + "success: TooManyRequests (429); Substatus: 3200; Reason: (Request rate is large. More Request Units may "
                + "be needed, so no changes were made. Please retry this request later.)'";
    }

    long writeCommandCount() {
        return writeCommands.get();
    }

    long throttledCount() {
        return throttled.sum();
    }

    void throttleRate(double rate) {
        this.throttleRate = rate;
    }

    double throttleRate() {
        return throttleRate;
    }

    void retryAfterMs(long value) {
        this.retryAfterMs = value;
    }

    void throttleReads(boolean value) {
        this.throttleReads = value;
    }

    boolean throttleReads() {
        return throttleReads;
    }

    /** Documents per second admitted; 0 removes the budget. */
    synchronized void writeBudget(long documentsPerSecond) {
        if (documentsPerSecond <= 0) {
            budget = null;
        } else if (budget == null) {
            budget = new WriteBudget(documentsPerSecond, nanoClock);
        } else {
            budget.setRate(documentsPerSecond);
        }
    }

    long writeBudget() {
        WriteBudget current = budget;
        return current == null ? 0 : current.rate();
    }

    /** Request units per second of the Cosmos mode; 0 turns the mode off (its counters start again when turned on). */
    synchronized void cosmosBudget(double ruPerSecond) {
        if (ruPerSecond <= 0) {
            cosmos = null;
        } else if (cosmos == null) {
            cosmos = new CosmosMode(ruPerSecond, nanoClock);
        } else {
            cosmos.budget(ruPerSecond);
        }
    }

    double cosmosBudget() {
        CosmosMode current = cosmos;
        return current == null ? 0 : current.budget();
    }

    CosmosStats cosmosStats() {
        CosmosMode current = cosmos;
        return current == null ? new CosmosStats(0, 0, 0, 0, 0, 0, 0, 0) : current.stats();
    }
}
