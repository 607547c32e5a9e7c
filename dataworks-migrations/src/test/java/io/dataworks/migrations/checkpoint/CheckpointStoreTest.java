package io.dataworks.migrations.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.bson.BsonDocument;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dataworks.migrations.Namespace;

/** The store contract on files, and what only the file store promises (file names, no temporary files, the lock file). */
class CheckpointStoreTest extends CheckpointStoreContract {

    @TempDir
    Path dir;

    @Override
    protected CheckpointStore open() {
        return CheckpointStore.files(dir);
    }

    @Override
    protected CheckpointStore openReadOnly() {
        return CheckpointStore.readOnly(dir);
    }

    @Test
    void keepsOneFilePerRecordNextToTheLock() throws Exception {
        try (CheckpointStore store = open()) {
            checkpointWithEveryIdType().saveTo(store);
            assertThat(Files.readString(dir.resolve("shop.orders.checkpoint.json"))).doesNotContain("mongodb://");
        }
        assertThat(Files.list(dir)).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrder("shop.orders.checkpoint.json", ".lock");
    }

    @Test
    void replacesTheFileWithoutLeavingTemporaryFiles() throws Exception {
        try (CheckpointStore store = open()) {
            NamespaceCheckpoint checkpoint = checkpointWithEveryIdType();
            for (int i = 0; i < 5; i++) {
                checkpoint.saveTo(store);
            }
        }
        assertThat(Files.list(dir)).hasSize(2); // the record and the lock file
    }

    @Test
    void fileNamesAreApartEvenWhereTheFileSystemIgnoresCase() throws Exception {
        List<String> names = List.of("a b", "a_b", "a.b", "a%20b", "a^b", "é", "ü", "A", "a", "orders", "Orders", "a/b", "a\\b", "con",
                "x".repeat(250), "x".repeat(249) + "y");
        try (CheckpointStore store = open()) {
            for (String name : names) {
                store.write(CheckpointStore.Kind.COPY, new Namespace("db", name), new BsonDocument("name", new BsonString(name)));
            }
        }
        try (var files = Files.list(dir)) {
            List<String> fileNames = files.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".lock")).toList();
            assertThat(fileNames).hasSize(names.size());
            assertThat(fileNames.stream().map(n -> n.toLowerCase(java.util.Locale.ROOT)).distinct()).hasSize(names.size());
            assertThat(fileNames).allSatisfy(n -> assertThat(n.length()).isLessThanOrEqualTo(200));
        }
    }

    @Test
    void deadLettersGoToTheGivenFileOrNextToTheRecords() {
        try (CheckpointStore store = open()) {
            assertThat(store.deadLetters(null).file()).contains(dir.resolve("dead-letter.jsonl"));
            assertThat(store.deadLetters(dir.resolve("x/refused.jsonl")).file()).contains(dir.resolve("x/refused.jsonl"));
        }
    }
}
