package io.dataworks.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

import org.bson.BsonInt32;
import org.junit.jupiter.api.Test;

import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.cli.FlexibleMigrate;
import io.dataworks.migrations.plan.Partition;
import picocli.CommandLine;

/** What travels from the driver to the executors: small, complete, and never printed with its secrets. */
class SparkPiecesTest {

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value, int[] size) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        size[0] = bytes.size();
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void aPartitionTaskIsASmallDescriptorNotData() throws Exception {
        PartitionTask task = PartitionTask.of(new Namespace("shop", "orders"), new Namespace("archive", "orders"), "f00d",
                new Partition(3, "number", new BsonInt32(1_000), new BsonInt32(2_000)));
        int[] size = new int[1];

        assertThat(roundTrip(task, size)).isEqualTo(task);
        assertThat(size[0]).isLessThan(1_024);
        assertThat(task.toString()).isEqualTo("shop.orders partition 3 number [1000, 2000)");
        assertThat(task.source()).isEqualTo(new Namespace("shop", "orders"));
    }

    @Test
    void theJobSpecCarriesTheDriversResolvedConfigurationButNeverPrintsIt() throws Exception {
        String[] args = {"--source-uri", "mongodb://alice:s3cret@src.example:27017", "--source-db", "shop",
                "--target-uri", "mongodb://bob:hunter2@dst.example:27017", "--batch-size", "250", "--write-mode", "upsert"};
        FlexibleMigrate command = new FlexibleMigrate();
        new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).parseArgs(args);

        JobSpec spec = SparkMigrate.jobSpec("job-1", command, args);
        JobSpec copy = roundTrip(spec, new int[1]);

        // the executors build their settings from exactly this: the flags and the values the driver resolved
        assertThat(copy.args()).containsExactly(args);
        assertThat(copy.config()).containsEntry("FRAMEWORK_SOURCE_DB_CONNECTION_STRING", "mongodb://alice:s3cret@src.example:27017")
                .containsEntry("FRAMEWORK_TARGET_DB_NAME", "shop")
                .containsEntry("FRAMEWORK_BATCH_AGGREGATION_SIZE", "250");
        assertThat(copy.checkpointDir()).startsWith("/").endsWith("checkpoints");
        assertThat(spec.toString()).doesNotContain("s3cret").doesNotContain("hunter2").doesNotContain("alice")
                .contains("FRAMEWORK_SOURCE_DB_CONNECTION_STRING");
    }
}
