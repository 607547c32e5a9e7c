package io.dataworks.userdefined;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.cli.Cli;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.generators.cli.FlexibleGenerator;
import reactor.core.publisher.Mono;

/** The plug-in through the real CLI: selected by name, into a file and into MongoDB. */
class ServiceOrderGeneratorIT {

    @TempDir
    Path dir;

    @Test
    void theCliGeneratesServiceOrdersIntoAFile() throws Exception {
        Path out = dir.resolve("orders.jsonl");
        int code = Cli.run(new FlexibleGenerator(), "--generator", "service-order", "--total", "2000", "--seed", "3",
                "--output", out.toString(), "--report", dir.resolve("report.json").toString());

        assertThat(code).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(2000);
        Document order = Document.parse(lines.get(1999));
        assertThat(order.getString("orderNumber")).isEqualTo("SO-00002000");
        assertThat(Vin.isValid(order.get("vehicle", Document.class).getString("vin"))).isTrue();
        assertThat(Files.readString(dir.resolve("report.json"))).contains("\"seed\" : 3");
    }

    @Test
    void theCliGeneratesServiceOrdersIntoMongoDb() {
        try (EmbeddedMongo server = EmbeddedMongo.start(); MongoClient client = MongoClients.create(server.connectionString())) {
            int code = Cli.run(new FlexibleGenerator(), "--generator", "service-order", "--total", "3000",
                    "--target-uri", server.connectionString(), "--target-db", "dealer", "--target-collection", "orders");

            assertThat(code).isZero();
            MongoCollection<RawBsonDocument> orders = client.getDatabase("dealer").getCollection("orders", RawBsonDocument.class);
            assertThat(Mono.from(orders.countDocuments()).block()).isEqualTo(3000);
        }
    }
}
