package io.dataworks.core.embedded;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongSupplier;

import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.wire.message.MongoMessage;
import io.netty.channel.Channel;

/**
 * The embedded server behaving as Azure Cosmos DB for MongoDB (RU-based) does under its provisioned throughput:
 * every metered request costs request units by its size ({@link CosmosRequestUnits}), paid from a {@link CosmosBudget}.
 *
 * <ul>
 *   <li>An {@code insert} the budget covers in part writes the covered prefix and answers the rest with per-document
 *       write errors 16500 {@code TooManyRequests}, {@code RetryAfterMs=N} in the message: every remaining document
 *       when unordered, only the next one when ordered (an ordered insert stops there).</li>
 *   <li>A request with no budget left is refused whole: 16500, {@code RetryAfterMs=N}, nothing applied. {@code
 *       update}, {@code delete} and {@code findAndModify} are admitted whole or not at all.</li>
 *   <li>Reads ({@code find}, {@code getMore}, {@code aggregate}, {@code count}, {@code distinct}, {@code explain}) are
 *       charged by the bytes of the batch they return.</li>
 *   <li>{@code getLastRequestStatistics} answers, per connection, the last request's {@code CommandName},
 *       {@code RequestCharge}, {@code RequestDurationInMilliSeconds} and {@code ActivityId}, as Cosmos DB does. It is
 *       free and does not replace the last request.</li>
 * </ul>
 *
 * Other commands (handshakes, {@code listCollections}, {@code createIndexes}, ...) are neither charged nor throttled:
 * a simplification; Cosmos DB charges them a little.
 *
 * <p>Thread-safe: commands arrive on Netty's event-loop threads.
 */
final class CosmosMode {

    static final String LAST_REQUEST_STATISTICS = "getLastRequestStatistics";
    /** Commands a driver sends on its own (handshake, monitoring, session end): not a "last request" of the user. */
    private static final Set<String> UNRECORDED = Set.of("hello", "ismaster", "ping", "buildinfo", "endsessions",
            "saslstart", "saslcontinue", "getlasterror", "killcursors");

    private final CosmosBudget budget;
    private final Map<Channel, Document> lastRequest = new ConcurrentHashMap<>();
    private final LongAdder requests = new LongAdder();
    private final LongAdder throttledRequests = new LongAdder();
    private final LongAdder partialRequests = new LongAdder();
    private final LongAdder throttledDocuments = new LongAdder();
    private final LongAdder documentsAccepted = new LongAdder();
    private final DoubleAdder requestUnits = new DoubleAdder();

    CosmosMode(double ruPerSecond, LongSupplier nanoClock) {
        this.budget = new CosmosBudget(ruPerSecond, nanoClock);
    }

    /**
     * Answers {@code message} ({@code name} is its command), running it through {@code execute} when the budget
     * admits it. {@code refusedWhole} is told of each request refused whole.
     */
    Document handle(MongoMessage message, String name, Function<MongoMessage, Document> execute, Runnable refusedWhole) {
        Channel channel = message.getChannel();
        if (name.equalsIgnoreCase(LAST_REQUEST_STATISTICS)) {
            return lastRequestStatistics(channel);
        }
        long start = System.nanoTime();
        Document command = message.getDocument();
        if (name.equals("insert")) {
            return insert(message, command, execute, refusedWhole, channel, start);
        }
        if (ThrottlingMemoryBackend.isWriteCommand(name)) {
            requests.increment();
            double cost = statementsCost(name, command);
            CosmosBudget.Admission admission = budget.admitPrefix(new double[] {cost});
            if (admission.admitted() == 0) {
                return refuse(channel, name, start, admission.retryAfterMs(), 0, refusedWhole);
            }
            Document reply = execute.apply(message);
            return charged(channel, name, start, cost, reply);
        }
        if (ThrottlingMemoryBackend.isReadCommand(name)) {
            requests.increment();
            long wait = budget.admitRead(CosmosRequestUnits.MIN_READ_RU);
            if (wait > 0) {
                return refuse(channel, name, start, wait, 0, refusedWhole);
            }
            Document reply = execute.apply(message);
            double cost = CosmosRequestUnits.read(bytesReturned(reply));
            budget.charge(cost);
            return charged(channel, name, start, cost, reply);
        }
        Document reply = execute.apply(message);
        if (!UNRECORDED.contains(name.toLowerCase(Locale.ROOT))) {
            record(channel, name, 0, start);
        }
        return reply;
    }

    private Document insert(MongoMessage message, Document command, Function<MongoMessage, Document> execute,
                            Runnable refusedWhole, Channel channel, long start) {
        requests.increment();
        Object list = command.get("documents");
        List<?> documents = list instanceof List<?> l ? l : List.of();
        double[] costs = new double[documents.size()];
        for (int i = 0; i < costs.length; i++) {
            Object document = documents.get(i);
            costs[i] = CosmosRequestUnits.write(document instanceof Document d ? CosmosRequestUnits.bsonSize(d) : 0);
        }
        CosmosBudget.Admission admission = budget.admitPrefix(costs);
        int admitted = admission.admitted();
        if (admitted == 0 && costs.length > 0) {
            return refuse(channel, "insert", start, admission.retryAfterMs(), costs.length, refusedWhole);
        }
        boolean partial = admitted < costs.length;
        if (partial) {
            command.put("documents", new ArrayList<>(documents.subList(0, admitted)));
        }
        Document reply = execute.apply(message);
        documentsAccepted.add(admitted);
        double charge = 0;
        for (int i = 0; i < admitted; i++) {
            charge += costs[i];
        }
        if (partial) {
            partialRequests.increment();
            throttledRequests.increment();
            throttledDocuments.add(costs.length - admitted);
            refuseRest(reply, command, admitted, costs.length, admission.retryAfterMs());
        }
        return charged(channel, "insert", start, charge, reply);
    }

    /**
     * Adds the per-document 16500 errors of an insert written in part, and makes {@code n} the number written. An
     * ordered insert that already stopped at an error of its own (a duplicate key) did not reach the refused rest:
     * then it keeps that error only, as a server that stops there would.
     */
    private static void refuseRest(Document reply, Document command, int admitted, int total, long retryAfterMs) {
        boolean ordered = !Boolean.FALSE.equals(command.get("ordered"));
        List<Document> errors = new ArrayList<>();
        if (reply.get("writeErrors") instanceof Collection<?> existing) {
            for (Object error : existing) {
                errors.add((Document) error);
            }
        }
        if (ordered && !errors.isEmpty()) {
            reply.put("n", ((Number) errors.get(0).get("index")).intValue());
            return;
        }
        reply.put("n", admitted - errors.size());
        int last = ordered ? admitted + 1 : total;
        for (int index = admitted; index < last; index++) {
            Document error = new Document();
            error.put("index", index);
            error.put("code", ThrottlingMemoryBackend.TOO_MANY_REQUESTS);
            error.put("codeName", ThrottlingMemoryBackend.TOO_MANY_REQUESTS_NAME);
            error.put("errmsg", ThrottlingMemoryBackend.tooManyRequestsMessage(retryAfterMs));
            errors.add(error);
        }
        reply.put("writeErrors", errors);
    }

    private Document refuse(Channel channel, String name, long start, long retryAfterMs, int documents, Runnable refusedWhole) {
        throttledRequests.increment();
        throttledDocuments.add(documents);
        refusedWhole.run();
        record(channel, name, 0, start);
        return ThrottlingMemoryBackend.tooManyRequests(retryAfterMs);
    }

    private Document charged(Channel channel, String name, long start, double charge, Document reply) {
        requestUnits.add(charge);
        record(channel, name, charge, start);
        return reply;
    }

    /** Each update/delete statement (or the findAndModify) costs as a document of its size would. */
    private static double statementsCost(String name, Document command) {
        Object list = switch (name) {
            case "update" -> command.get("updates");
            case "delete" -> command.get("deletes");
            default -> null;
        };
        if (!(list instanceof Collection<?> statements)) {
            return CosmosRequestUnits.write(CosmosRequestUnits.bsonSize(command));
        }
        double cost = 0;
        for (Object statement : statements) {
            cost += CosmosRequestUnits.write(statement instanceof Document d ? CosmosRequestUnits.bsonSize(d) : 0);
        }
        return cost;
    }

    /** Bytes of the documents in a cursor reply's batch; 0 for replies without one (count, distinct, explain). */
    private static long bytesReturned(Document reply) {
        if (!(reply.get("cursor") instanceof Document cursor)) {
            return 0;
        }
        Object batch = cursor.containsKey("firstBatch") ? cursor.get("firstBatch") : cursor.get("nextBatch");
        long bytes = 0;
        if (batch instanceof Collection<?> documents) {
            for (Object document : documents) {
                if (document instanceof Document d) {
                    bytes += CosmosRequestUnits.bsonSize(d);
                }
            }
        }
        return bytes;
    }

    private void record(Channel channel, String name, double charge, long start) {
        if (channel == null) {
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        Document statistics = new Document();
        statistics.put("CommandName", name);
        statistics.put("RequestCharge", charge);
        statistics.put("RequestDurationInMilliSeconds", (System.nanoTime() - start) / 1_000_000L);
        statistics.put("ActivityId", new UUID(random.nextLong(), random.nextLong()).toString());
        lastRequest.put(channel, statistics);
    }

    private Document lastRequestStatistics(Channel channel) {
        Document last = channel == null ? null : lastRequest.get(channel);
        Document reply = last == null ? new Document("RequestCharge", 0.0) : new Document(last);
        reply.put("ok", 1.0);
        return reply;
    }

    void closed(Channel channel) {
        lastRequest.remove(channel);
    }

    void budget(double ruPerSecond) {
        budget.setRate(ruPerSecond);
    }

    double budget() {
        return budget.rate();
    }

    CosmosStats stats() {
        return new CosmosStats(requests.sum(), throttledRequests.sum(), partialRequests.sum(), throttledDocuments.sum(),
                documentsAccepted.sum(), requestUnits.sum(), budget.unused(), budget.tokens());
    }
}
