package io.dataworks.generators.rehearsal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.cli.Cli;
import io.dataworks.core.config.RetryConfig;
import io.dataworks.core.retry.RetryPolicy;
import io.dataworks.generators.GenerationEngine;
import io.dataworks.generators.GenerationResult;
import io.dataworks.generators.GenerationSettings;
import io.dataworks.generators.sink.MongoCollectionSink;
import io.dataworks.monitoring.MetricsCollector;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.generators.cli.FlexibleGenerator;
import io.dataworks.generators.internal.DocumentRandom;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** --torture: what breaks migrations goes through the engine intact, to a file and into a server. */
class RehearsalGeneratorIT {

    @TempDir
    Path dir;

    @Test
    void everyDocumentArrivesIntactWithItsHardParts() throws Exception {
        RehearsalGenerator g = new RehearsalGenerator();
        Set<Object> ids = new HashSet<>();
        Set<BsonType> idTypes = new HashSet<>();
        for (long i = 0; i < 2000; i++) {
            BsonDocument d = new RawBsonDocument(g.generate(i, DocumentRandom.forDocument(1, i)), new org.bson.codecs.DocumentCodec());
            BsonValue id = d.get("_id");
            idTypes.add(id.getBsonType());
            assertThat(ids.add(id.isNumber() ? id.asNumber().decimal128Value() : id)).as("unique _id %s", id).isTrue();
            assertThat(d.size() < 16 * 1024 * 1024).isTrue();
        }
        // ObjectId, Int32, Int64, String, Double, Decimal128, Date, Binary (UUID and generic), document
        assertThat(idTypes).containsExactlyInAnyOrder(BsonType.OBJECT_ID, BsonType.INT32, BsonType.INT64, BsonType.STRING,
                BsonType.DOUBLE, BsonType.DECIMAL128, BsonType.DATE_TIME, BsonType.BINARY, BsonType.DOCUMENT);
        Set<BsonType> all = new HashSet<>();
        BsonDocument types = new RawBsonDocument(g.generate(0, DocumentRandom.forDocument(1, 0)), new org.bson.codecs.DocumentCodec())
                .getDocument("types");
        types.values().forEach(v -> all.add(v.getBsonType()));
        assertThat(all).containsAll(List.of(BsonType.values()).stream().filter(t -> t != BsonType.END_OF_DOCUMENT).toList());
    }

    @Test
    void goesToAFileAndIntoMongoDbWithTheBigOnesWhole() throws Exception {
        Path out = dir.resolve("torture.jsonl");
        assertThat(Cli.run(new FlexibleGenerator(), "--torture", "--total", "1000", "--seed", "3", "--output", out.toString())).isZero();
        try (Stream<String> lines = Files.lines(out)) {
            assertThat(lines.count()).isEqualTo(1000);
        }
        assertThat(Files.size(out)).isGreaterThan(RehearsalGenerator.HUGE_BYTES);

        try (EmbeddedMongo server = EmbeddedMongo.start();
             MongoClient client = MongoClients.create(server.connectionString())) {
            MongoCollection<RawBsonDocument> target = client.getDatabase("r").getCollection("t", RawBsonDocument.class);
            GenerationResult result = GenerationEngine.create(GenerationSettings.of(new RehearsalGenerator(RehearsalGenerator.Profile.EMBEDDED),
                    1000, 3, MongoCollectionSink.create(target, "embedded r.t", false,
                            RetryPolicy.of(RetryConfig.DEFAULTS.withMaxAttempts(0))))).run(MetricsCollector.create()).block();
            assertThat(result.documentsWritten()).isEqualTo(1000);
            MongoCollection<RawBsonDocument> t = client.getDatabase("r").getCollection("t", RawBsonDocument.class);
            assertThat(Mono.from(t.countDocuments()).block()).isEqualTo(1000);
            RawBsonDocument huge = Flux.from(t.find(new org.bson.Document("i", 999L))).blockFirst();
            assertThat(huge.getBinary("huge").getData()).hasSize(RehearsalGenerator.HUGE_BYTES);
            RawBsonDocument deep = Flux.from(t.find(new org.bson.Document("i", 49L))).blockFirst();
            assertThat(deep.toJson()).contains("\"leaf\"");
            assertThat(deep.getDocument("meta").containsKey("$price")).isTrue();
        }
    }
}
