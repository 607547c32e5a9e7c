package io.dataworks.migrations.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --fresh} sets the earlier dead-letter entries aside: a new file for the reset namespaces, nothing lost. */
class DeadLetterArchiveTest {

    private static final Instant NOW = Instant.parse("2026-11-21T11:30:00.123Z");

    @TempDir
    Path dir;

    private static String line(String ns, int id) {
        return "{\"namespace\": \"" + ns + "\", \"target\": \"" + ns + "\", \"_id\": " + id + ", \"code\": 10334, \"reason\": \"too large\"}";
    }

    @Test
    void theWholeFileIsRenamedWhenItHoldsOnlyResetNamespaces() throws Exception {
        Path file = dir.resolve("dead-letter.jsonl");
        Files.write(file, List.of(line("shop.orders", 1), line("shop.orders", 2)));

        Path archive = FileDeadLetters.archive(file, Set.of("shop.orders"), NOW).orElseThrow();

        assertThat(archive).isEqualTo(dir.resolve("dead-letter.jsonl.20261121T113000123Z"));
        assertThat(file).doesNotExist();
        assertThat(Files.readAllLines(archive)).containsExactly(line("shop.orders", 1), line("shop.orders", 2));
    }

    @Test
    void entriesOfOtherNamespacesStayWhereTheyAre() throws Exception {
        Path file = dir.resolve("dead-letter.jsonl");
        Files.write(file, List.of(line("shop.orders", 1), line("shop.customers", 7), line("shop.orders", 2), "not json"));

        Path archive = FileDeadLetters.archive(file, Set.of("shop.orders"), NOW).orElseThrow();

        assertThat(Files.readAllLines(archive)).containsExactly(line("shop.orders", 1), line("shop.orders", 2));
        assertThat(Files.readAllLines(file)).containsExactly(line("shop.customers", 7), "not json");
    }

    @Test
    void anEarlierArchiveIsNeverOverwritten() throws Exception {
        Path file = dir.resolve("dead-letter.jsonl");
        Files.write(dir.resolve("dead-letter.jsonl.20261121T113000123Z"), List.of("older"));
        Files.write(file, List.of(line("shop.orders", 1)));

        Path archive = FileDeadLetters.archive(file, Set.of("shop.orders"), NOW).orElseThrow();

        assertThat(archive).isEqualTo(dir.resolve("dead-letter.jsonl.20261121T113000123Z-1"));
        assertThat(Files.readAllLines(dir.resolve("dead-letter.jsonl.20261121T113000123Z"))).containsExactly("older");
    }

    @Test
    void nothingToDoWithoutAFileOrWithoutEntriesOfTheResetNamespaces() throws Exception {
        Path file = dir.resolve("dead-letter.jsonl");
        assertThat(FileDeadLetters.archive(file, Set.of("shop.orders"), NOW)).isEmpty();

        Files.write(file, List.of(line("shop.customers", 7)));
        assertThat(FileDeadLetters.archive(file, Set.of("shop.orders"), NOW)).isEmpty();
        assertThat(Files.readAllLines(file)).containsExactly(line("shop.customers", 7));
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }
}
