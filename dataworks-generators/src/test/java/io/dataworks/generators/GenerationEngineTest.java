package io.dataworks.generators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.random.RandomGenerator;

import org.bson.BsonDocument;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dataworks.core.DataWorksException;
import io.dataworks.generators.sink.ExtendedJson;
import io.dataworks.generators.sink.JsonLinesSink;
import io.dataworks.monitoring.MetricsCollector;

class GenerationEngineTest {

    @TempDir
    Path dir;

    @Test
    void sameSeedGivesTheSameFileWhateverTheWorkersAndBatches() throws Exception {
        String one = sha256(generate(1, 100, 1, Duration.ofSeconds(5), "one.jsonl"));
        String four = sha256(generate(4, 37, 4, Duration.ofSeconds(5), "four.jsonl"));
        // a tiny timeout splits slices into many partial batches: the bytes must not change
        String split = sha256(generate(3, 500, 2, Duration.ofNanos(1), "split.jsonl"));
        assertThat(four).isEqualTo(one);
        assertThat(split).isEqualTo(one);
    }

    @Test
    void anotherSeedGivesAnotherFile() throws Exception {
        Path a = generate(2, 100, 1, Duration.ofSeconds(1), "a.jsonl");
        GenerationSettings other = settings(JsonLinesSink.toFile(dir.resolve("b.jsonl"))).withSeed(43);
        GenerationEngine.create(other).run(MetricsCollector.create()).block();
        assertThat(sha256(dir.resolve("b.jsonl"))).isNotEqualTo(sha256(a));
    }

    @Test
    void writesEveryDocumentOnceInIndexOrder() throws Exception {
        Path file = generate(4, 64, 2, Duration.ofSeconds(5), "order.jsonl");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2_000);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(BsonDocument.parse(lines.get(i)).getInt64("index").getValue()).isEqualTo(i);
        }
    }

    @Test
    void everyLineIsTheDocumentOfItsIndex() throws Exception {
        Path file = generate(2, 100, 1, Duration.ofSeconds(5), "types.jsonl");
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        AllTypesGenerator generator = new AllTypesGenerator();
        for (int i : new int[] {0, 1, 999, 1999}) {
            Document expected = generator.generate(i, io.dataworks.generators.internal.DocumentRandom.forDocument(42, i));
            BsonDocument expectedBson = expected.toBsonDocument(BsonDocument.class, ExtendedJson.CODEC_REGISTRY);
            assertThat(BsonDocument.parse(lines.get(i))).isEqualTo(expectedBson);
        }
    }

    @Test
    void reportsWhatItWrote() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GenerationResult result = GenerationEngine.create(settings(JsonLinesSink.toStream(out, "memory")).withTotal(250).withBatchSize(100))
                .run(MetricsCollector.create()).block();
        assertThat(result.documentsWritten()).isEqualTo(250);
        assertThat(result.bytesWritten()).isEqualTo(out.size());
        assertThat(result.batches()).isEqualTo(3);
        assertThat(result.seed()).isEqualTo(42);
    }

    @Test
    void zeroDocumentsWritesAnEmptyFile() throws Exception {
        GenerationEngine.create(settings(JsonLinesSink.toFile(dir.resolve("empty.jsonl"))).withTotal(0))
                .run(MetricsCollector.create()).block();
        assertThat(Files.size(dir.resolve("empty.jsonl"))).isZero();
    }

    @Test
    void aFailingGeneratorFailsTheRunNamingTheDocument() {
        DocumentGenerator broken = new DocumentGenerator() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Document generate(long index, RandomGenerator random) {
                if (index == 777) {
                    throw new IllegalStateException("boom");
                }
                return new Document("i", index);
            }
        };
        GenerationEngine engine = GenerationEngine.create(
                settings(JsonLinesSink.toFile(dir.resolve("broken.jsonl"))).withGenerator(broken));
        assertThatThrownBy(() -> engine.run(MetricsCollector.create()).block())
                .isInstanceOf(DataWorksException.class)
                .hasMessageContaining("'broken'").hasMessageContaining("document 777").hasMessageContaining("boom");
    }

    @Test
    void settingsAreCheckedAtTheDoor() {
        GenerationSettings base = settings(JsonLinesSink.toStream(new ByteArrayOutputStream(), "memory"));
        assertThatThrownBy(() -> base.withBatchSize(0)).hasMessageContaining("batchSize");
        assertThatThrownBy(() -> base.withGenerationWorkers(0)).hasMessageContaining("generationWorkers");
        assertThatThrownBy(() -> base.withTotal(-1)).hasMessageContaining("total");
        assertThatThrownBy(() -> base.withBatchTimeout(Duration.ZERO)).hasMessageContaining("batchTimeout");
    }

    private Path generate(int workers, int batchSize, int writeWorkers, Duration timeout, String name) {
        Path file = dir.resolve(name);
        GenerationSettings settings = settings(JsonLinesSink.toFile(file))
                .withGenerationWorkers(workers).withBatchSize(batchSize).withWriteWorkers(writeWorkers)
                .withBatchTimeout(timeout);
        GenerationResult result = GenerationEngine.create(settings).run(MetricsCollector.create()).block();
        assertThat(result.documentsWritten()).isEqualTo(2_000);
        return file;
    }

    private static GenerationSettings settings(io.dataworks.generators.sink.DocumentSink<?> sink) {
        return GenerationSettings.of(new AllTypesGenerator(), 2_000, 42, sink);
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
