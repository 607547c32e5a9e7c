package io.dataworks.migrations.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;

import com.mongodb.MongoCommandException;
import com.mongodb.reactivestreams.client.MongoClient;

import io.dataworks.core.embedded.CosmosRequestUnits;
import reactor.core.publisher.Mono;

/**
 * What a copy will cost in Cosmos DB request units, known before it starts ({@code --dry-run}): for each namespace a
 * sample of documents is read from the source and the source is asked what that read cost
 * ({@code getLastRequestStatistics}, which Cosmos DB answers per connection with the last request's
 * {@code RequestCharge}); the charge per document times the estimated documents is the cost of reading the source.
 * Writing into a Cosmos DB target is estimated from the documents' sizes by Azure's published figure (an insert costs
 * about {@value CosmosRequestUnits#WRITE_RU_PER_KB} RU per KB, at least that much per document), since a dry run writes
 * nothing to measure. Given the target's provisioned RU/s, the shortest time the writes can take follows.
 *
 * <p>The client must talk to the source over one connection (a pool of one), or the statistics could be another
 * connection's. A source that does not know {@code getLastRequestStatistics} is not RU-based: no estimate.
 *
 * @param namespaces one line per namespace
 */
public record RequestUnitEstimate(List<Line> namespaces) {

    /** Documents read for the sample (one batch). */
    static final int SAMPLE = 100;
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * @param plan            the namespace's plan (its estimated documents)
     * @param sampled         documents in the sample
     * @param sampleCharge    RU the source charged for reading them
     * @param sampleBytes     their BSON bytes
     */
    public record Line(NamespacePlan plan, int sampled, double sampleCharge, long sampleBytes) {

        /** RU to read the whole namespace from the source. */
        public double readUnits() {
            return sampled == 0 ? 0 : sampleCharge / sampled * plan.estimatedDocuments();
        }

        /** RU to insert the whole namespace into a Cosmos DB target, by the published per-KB figure. */
        public double writeUnits() {
            return sampled == 0 ? 0 : CosmosRequestUnits.write(sampleBytes / sampled) * plan.estimatedDocuments();
        }
    }

    /**
     * Measures the sample of every planned namespace through {@code singleConnection}; empty when the source does not
     * answer {@code getLastRequestStatistics} (not Cosmos DB).
     */
    public static Optional<RequestUnitEstimate> measure(MongoClient singleConnection, List<NamespacePlan> plans) {
        List<Line> lines = new ArrayList<>();
        for (NamespacePlan plan : plans) {
            var database = singleConnection.getDatabase(plan.source().database());
            RawBsonDocument reply = Mono.from(database.runCommand(new BsonDocument("find", new BsonString(plan.source().collection()))
                    .append("limit", new BsonInt32(SAMPLE)).append("batchSize", new BsonInt32(SAMPLE))
                    .append("singleBatch", org.bson.BsonBoolean.TRUE), RawBsonDocument.class)).block(TIMEOUT);
            BsonDocument statistics;
            try {
                statistics = Mono.from(database.runCommand(new BsonDocument("getLastRequestStatistics", new BsonInt32(1))))
                        .map(org.bson.Document::toBsonDocument).block(TIMEOUT);
            } catch (MongoCommandException notCosmos) {
                return Optional.empty();
            }
            BsonValue charge = statistics == null ? null : statistics.get("RequestCharge");
            if (charge == null || !charge.isNumber()) {
                return Optional.empty();
            }
            BsonArray batch = reply.getDocument("cursor").getArray("firstBatch");
            long bytes = 0;
            for (BsonValue doc : batch) {
                bytes += doc instanceof RawBsonDocument raw ? raw.getByteLength() : doc.asDocument().size();
            }
            lines.add(new Line(plan, batch.size(), charge.asNumber().doubleValue(), bytes));
        }
        return Optional.of(new RequestUnitEstimate(List.copyOf(lines)));
    }

    public double readUnits() {
        return namespaces.stream().mapToDouble(Line::readUnits).sum();
    }

    public double writeUnits() {
        return namespaces.stream().mapToDouble(Line::writeUnits).sum();
    }

    /** The estimate as the dry run prints it; {@code targetRuPerSecond} ≤ 0 = not given. */
    public String format(double targetRuPerSecond) {
        StringBuilder out = new StringBuilder("Request units (the source is RU-based; read cost measured on a sample of up to "
                + SAMPLE + " documents per namespace):\n");
        for (Line line : namespaces) {
            out.append(String.format(Locale.ROOT, "  %-40s ~%,d documents: %,.1f RU for %d sampled (%.2f RU/document), "
                            + "~%,.0f RU to read, ~%,.0f RU to write into Cosmos DB%n", line.plan().source(),
                    line.plan().estimatedDocuments(), line.sampleCharge(), line.sampled(),
                    line.sampled() == 0 ? 0.0 : line.sampleCharge() / line.sampled(), line.readUnits(), line.writeUnits()));
        }
        out.append(String.format(Locale.ROOT, "  total: ~%,.0f RU to read the source; ~%,.0f RU to write them into a Cosmos DB "
                + "target (estimated: ~%.1f RU per KB inserted, Azure's published figure)%n", readUnits(), writeUnits(),
                CosmosRequestUnits.WRITE_RU_PER_KB));
        if (targetRuPerSecond > 0) {
            double seconds = writeUnits() / targetRuPerSecond;
            out.append(String.format(Locale.ROOT, "  at --target-ru %,.0f RU/s the writes alone take at least ~%s (at the full "
                    + "budget; DataWorks paces itself to it)%n", targetRuPerSecond, human(seconds)));
        } else {
            out.append("  give the target's provisioned throughput (--target-ru RU_PER_SECOND) for the copy's duration\n");
        }
        return out.toString();
    }

    static String human(double seconds) {
        long s = Math.max(1, Math.round(seconds));
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
