package io.dataworks.migrations.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VerifyCheckpointTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsThroughItsFileAndIgnoresAnotherPlansCheckpoint() {
        Path file = VerifyCheckpoint.fileFor(dir, "db.c");
        VerifyCheckpoint cp = VerifyCheckpoint.open(file, "db.c", "db2.c", "hash", 3, true);
        cp.record(new VerifyCheckpoint.Outcome(0, true, 10, 10, 0, 0, 0));
        cp.record(new VerifyCheckpoint.Outcome(2, false, 10, 9, 1, 0, 0));

        VerifyCheckpoint again = VerifyCheckpoint.open(file, "db.c", "db2.c", "hash", 3, true);
        assertThat(again.done()).containsOnlyKeys(0, 2);
        assertThat(again.done().get(2)).isEqualTo(new VerifyCheckpoint.Outcome(2, false, 10, 9, 1, 0, 0));

        assertThat(VerifyCheckpoint.open(file, "db.c", "db2.c", "hash", 4, true).done()).as("other partitioning").isEmpty();
        assertThat(VerifyCheckpoint.open(file, "db.c", "db2.c", "strategy", 3, true).done()).as("other method").isEmpty();
        assertThat(VerifyCheckpoint.open(file, "db.c", "db2.c", "hash", 3, false).done()).as("fresh").isEmpty();
    }

    @Test
    void theDiffFileHoldsOneRelaxedJsonLinePerDifference() throws Exception {
        Path file = dir.resolve("d/diff.jsonl");
        try (DiffWriter diffs = new DiffWriter(file, "db.c", 1, false)) {
            diffs.write(DiffKind.MISSING, new BsonInt32(7), null);
            diffs.write(DiffKind.DIFFERENT, BsonDocument.parse("{k: {$date: '2024-01-02T03:04:05Z'}}"), "total differs");
            diffs.write(DiffKind.EXTRA, new BsonString("x"), null);
            assertThat(diffs.written()).isEqualTo(3);
        }
        assertThat(Files.readAllLines(file)).containsExactly(
                "{\"ns\": \"db.c\", \"_id\": 7, \"kind\": \"missing\"}",
                "{\"ns\": \"db.c\", \"_id\": {\"k\": {\"$date\": \"2024-01-02T03:04:05Z\"}}, \"kind\": \"different\", \"reason\": \"total differs\"}",
                "{\"ns\": \"db.c\", \"_id\": \"x\", \"kind\": \"extra\"}");
    }
}
