package io.dataworks.generators.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.model.Sorts;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.core.testing.TcpProxy;
import io.dataworks.generators.AllTypesGenerator;
import io.dataworks.generators.DocumentGenerator;
import io.dataworks.generators.GenerationEngine;
import io.dataworks.generators.GenerationResult;
import io.dataworks.generators.GenerationSettings;
import io.dataworks.monitoring.MetricsCollector;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Generation into a real wire-protocol server: nothing lost, nothing duplicated, every type intact. */
class MongoCollectionSinkIT {

    static final RetryPolicy RETRY = RetryPolicy.of(RetryConfig.DEFAULTS
            .withInitialBackoff(Duration.ofMillis(5)).withMaxBackoff(Duration.ofMillis(50)).withMaxAttempts(50));

    @TempDir
    Path dir;

    EmbeddedMongo server;
    MongoClient client;

    @BeforeEach
    void start() {
        server = EmbeddedMongo.start();
        client = MongoClients.create(server.connectionString());
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    @Test
    void writesEveryDocumentExactlyOnce() {
        MongoCollection<RawBsonDocument> target = client.getDatabase("gen").getCollection("orders", RawBsonDocument.class);
        GenerationResult result = generate(new AllTypesGenerator(), 3_000, target, false);

        assertThat(result.documentsWritten()).isEqualTo(3_000);
        assertThat(count(target)).isEqualTo(3_000);
        assertThat(distinctIds(target)).isEqualTo(3_000);
    }

    @Test
    void throttlingLosesAndDuplicatesNothing() {
        try (EmbeddedMongo throttling = EmbeddedMongo.builder().throttleRate(0.3).retryAfterMs(1).throttleSeed(3).start();
             MongoClient throttledClient = MongoClients.create(throttling.connectionString())) {
            MongoCollection<RawBsonDocument> target = throttledClient.getDatabase("gen").getCollection("throttled", RawBsonDocument.class);
            MetricsCollector metrics = MetricsCollector.create();
            GenerationResult result = generate(new AllTypesGenerator(), 3_000, target, false, metrics);

            assertThat(throttling.throttledCount()).isPositive();
            assertThat(metrics.getCurrentPerformance().throttles()).isEqualTo(throttling.throttledCount());
            assertThat(metrics.getCurrentPerformance().documentsWritten()).isEqualTo(3_000);
            assertThat(result.documentsWritten()).isEqualTo(3_000);
            assertThat(count(target)).isEqualTo(3_000);
            assertThat(distinctIds(target)).isEqualTo(3_000);
        }
    }

    @Test
    void resendsOnlyTheDocumentsThatWereThrottled() {
        PerDocumentThrottlingBackend backend = new PerDocumentThrottlingBackend(2_000);
        de.bwaldvogel.mongo.MongoServer partial = new de.bwaldvogel.mongo.MongoServer(backend);
        java.net.InetSocketAddress address = partial.bind();
        try (MongoClient partialClient = MongoClients.create("mongodb://127.0.0.1:" + address.getPort())) {
            MongoCollection<RawBsonDocument> target = partialClient.getDatabase("gen").getCollection("partial", RawBsonDocument.class);
            GenerationResult result = generate(new AllTypesGenerator(), 3_000, target, false);

            assertThat(backend.refusals()).isGreaterThanOrEqualTo(1_000);
            assertThat(result.documentsWritten()).isEqualTo(3_000);
            assertThat(result.documentsSkipped()).isZero(); // nothing was sent twice
            assertThat(count(target)).isEqualTo(3_000);
            assertThat(distinctIds(target)).isEqualTo(3_000);
        } finally {
            partial.shutdownNow();
        }
    }

    @Test
    void droppedConnectionsMidRunLoseAndDuplicateNothing() {
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", server.port());
             MongoClient proxied = MongoClients.create(proxy.connectionString())) {
            AllTypesGenerator types = new AllTypesGenerator();
            DocumentGenerator dropping = new DocumentGenerator() {
                @Override
                public String name() {
                    return "dropping";
                }

                @Override
                public Document generate(long index, RandomGenerator random) {
                    if (index == 2_500 || index == 5_000 || index == 7_500) {
                        proxy.dropConnections(); // while earlier batches are in flight
                    }
                    return types.generate(index, random);
                }
            };
            MongoCollection<RawBsonDocument> target = proxied.getDatabase("gen").getCollection("dropped", RawBsonDocument.class);
            MetricsCollector metrics = MetricsCollector.create();
            GenerationResult result = generate(dropping, 10_000, target, false, metrics);

            assertThat(proxy.connectionsAccepted()).isGreaterThan(1);
            assertThat(metrics.getCurrentPerformance().retries()).isPositive();
            assertThat(result.documentsWritten()).isEqualTo(10_000);
            assertThat(count(target)).isEqualTo(10_000);
            assertThat(distinctIds(target)).isEqualTo(10_000);
        }
    }

    @Test
    void givesDocumentsWithoutIdADeterministicOne() {
        DocumentGenerator noId = new DocumentGenerator() {
            @Override
            public String name() {
                return "no-id";
            }

            @Override
            public Document generate(long index, RandomGenerator random) {
                return new Document("i", index);
            }
        };
        MongoCollection<RawBsonDocument> target = client.getDatabase("gen").getCollection("noid", RawBsonDocument.class);
        generate(noId, 1_000, target, false);
        // the same seed again: every _id is found, nothing is added
        GenerationResult again = generate(noId, 1_000, target, false);

        assertThat(again.documentsWritten()).isZero();
        assertThat(again.documentsSkipped()).isEqualTo(1_000);
        assertThat(count(target)).isEqualTo(1_000);
        assertThat(distinctIds(target)).isEqualTo(1_000);
    }

    @Test
    void dropStartsFromAnEmptyCollection() {
        MongoCollection<RawBsonDocument> target = client.getDatabase("gen").getCollection("dropped", RawBsonDocument.class);
        generate(new AllTypesGenerator(), 500, target, false);
        GenerationResult again = generate(new AllTypesGenerator(), 500, target, true);

        assertThat(again.documentsWritten()).isEqualTo(500);
        assertThat(again.documentsSkipped()).isZero();
        assertThat(count(target)).isEqualTo(500);
    }

    @Test
    void jsonLinesLoadBackWithEveryBsonTypeIntact() throws Exception {
        Path file = dir.resolve("types.jsonl");
        GenerationEngine.create(GenerationSettings.of(new AllTypesGenerator(), 500, 7, JsonLinesSink.toFile(file))
                .withGenerationWorkers(2).withBatchSize(64)).run(MetricsCollector.create()).block();

        // load the file as mongoimport would: each line is one document, parsed from Extended JSON
        List<RawBsonDocument> parsed = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            parsed.add(RawBsonDocument.parse(line));
        }
        MongoCollection<RawBsonDocument> loaded = client.getDatabase("gen").getCollection("loaded", RawBsonDocument.class);
        Mono.from(loaded.insertMany(parsed)).block();

        List<BsonDocument> back = Flux.from(client.getDatabase("gen").getCollection("loaded", BsonDocument.class)
                .find().sort(Sorts.ascending("index"))).collectList().block();
        AllTypesGenerator generator = new AllTypesGenerator();
        assertThat(back).hasSize(500);
        for (int i = 0; i < back.size(); i++) {
            BsonDocument expected = generator.generate(i, io.dataworks.generators.internal.DocumentRandom.forDocument(7, i))
                    .toBsonDocument(BsonDocument.class, ExtendedJson.CODEC_REGISTRY);
            assertThat(back.get(i)).as("document %d", i).isEqualTo(expected);
            // equal values of another type would compare unequal, but say it outright for the types at risk
            assertThat(back.get(i).get("smallLong").isInt64()).isTrue();
            assertThat(back.get(i).get("double").isDouble()).isTrue();
            assertThat(back.get(i).get("uuid").asBinary().getType()).isEqualTo((byte) 4);
        }
    }

    static final String EVERY_TYPE_TEMPLATE = """
            {"_id": "$objectid", "when": "$date", "price": "$decimal", "big": "$long", "small": {"$long": {"min": 0, "max": 9}},
             "blob": "$binary", "id": "$uuid", "ts": "$timestamp", "ratio": "$double", "n": "$integer", "flag": "$boolean",
             "grid": {"$array": {"of": {"$array": {"of": "$integer", "number": 2}}, "number": 3}},
             "nested": {"name": "$name", "tags": {"$array": {"of": "$word", "min": 0, "max": 3}}}}
            """;

    @Test
    void aTemplateWithEveryTypeRoundTripsThroughJsonLinesAndTheServer() throws Exception {
        DocumentGenerator template = io.dataworks.generators.template.TemplateGenerator.compile(EVERY_TYPE_TEMPLATE, "every-type");
        Path file = dir.resolve("template.jsonl");
        GenerationEngine.create(GenerationSettings.of(template, 300, 11, JsonLinesSink.toFile(file)).withBatchSize(50))
                .run(MetricsCollector.create()).block();
        MongoCollection<RawBsonDocument> direct = client.getDatabase("gen").getCollection("direct", RawBsonDocument.class);
        generate(template, 300, direct, false); // seed 11, as the file

        List<RawBsonDocument> parsed = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            parsed.add(RawBsonDocument.parse(line));
        }
        MongoCollection<RawBsonDocument> imported = client.getDatabase("gen").getCollection("imported", RawBsonDocument.class);
        Mono.from(imported.insertMany(parsed)).block();

        List<BsonDocument> fromFile = Flux.from(client.getDatabase("gen").getCollection("imported", BsonDocument.class).find()).collectList().block();
        List<BsonDocument> fromEngine = Flux.from(client.getDatabase("gen").getCollection("direct", BsonDocument.class).find()).collectList().block();
        java.util.Map<org.bson.BsonValue, BsonDocument> byId = new java.util.HashMap<>();
        fromEngine.forEach(d -> byId.put(d.get("_id"), d));
        assertThat(fromFile).hasSize(300);
        for (int i = 0; i < 300; i++) {
            BsonDocument expected = template.generate(i, io.dataworks.generators.internal.DocumentRandom.forDocument(11, i))
                    .toBsonDocument(BsonDocument.class, ExtendedJson.CODEC_REGISTRY);
            BsonDocument loaded = fromFile.stream().filter(d -> d.get("_id").equals(expected.get("_id"))).findFirst().orElseThrow();
            assertThat(loaded).isEqualTo(expected);
            assertThat(byId.get(expected.get("_id"))).isEqualTo(expected);
        }
        BsonDocument first = fromFile.get(0);
        assertThat(first.get("_id").isObjectId()).isTrue();
        assertThat(first.get("when").isDateTime()).isTrue();
        assertThat(first.get("price").isDecimal128()).isTrue();
        assertThat(first.get("small").isInt64()).isTrue();
        assertThat(first.get("blob").isBinary()).isTrue();
        assertThat(first.get("id").asBinary().getType()).isEqualTo((byte) 4);
        assertThat(first.get("ts").isTimestamp()).isTrue();
        assertThat(first.get("grid").asArray().get(0).isArray()).isTrue();
    }

    GenerationResult generate(DocumentGenerator generator, long total, MongoCollection<RawBsonDocument> target, boolean drop) {
        return generate(generator, total, target, drop, MetricsCollector.create());
    }

    GenerationResult generate(DocumentGenerator generator, long total, MongoCollection<RawBsonDocument> target, boolean drop,
                              MetricsCollector metrics) {
        MongoCollectionSink sink = MongoCollectionSink.create(target, "embedded " + target.getNamespace(), drop, RETRY);
        return GenerationEngine.create(GenerationSettings.of(generator, total, 11, sink)
                .withGenerationWorkers(3).withBatchSize(100).withWriteWorkers(4))
                .run(metrics).block(Duration.ofMinutes(1));
    }

    static long count(MongoCollection<RawBsonDocument> target) {
        return Mono.from(target.countDocuments()).block();
    }

    static long distinctIds(MongoCollection<RawBsonDocument> target) {
        return Flux.from(target.distinct("_id", org.bson.BsonValue.class)).count().block();
    }
}
