package io.dataworks.core.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {

    @TempDir
    Path dir;

    @Test
    void replacesTheContentAndLeavesNoTemporaryFileBehind() throws Exception {
        Path file = dir.resolve("sub").resolve("a.checkpoint.json");
        AtomicFile.write(file, "first".getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(file, "second, longer".getBytes(StandardCharsets.UTF_8));
        AtomicFile.write(file, "third".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readString(file)).isEqualTo("third");
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("a.checkpoint.json");
        }
    }

    @Test
    void aDirectoryThatIsMissingOrWasRemovedIsMade() throws Exception {
        Path file = dir.resolve("a").resolve("b").resolve("x.checkpoint.json");
        AtomicFile.write(file, "one".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(file)).isEqualTo("one");

        Files.delete(file);
        Files.delete(file.getParent()); // removed between two writes (a user cleaning up while a run goes on)
        AtomicFile.write(file, "two".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(file)).isEqualTo("two");
    }

    @Test
    void writersOfOneFileAtOnceEachLandWholeAndTheLastWins() throws Exception {
        Path file = dir.resolve("b.checkpoint.json");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String content = ("writer " + i + " ").repeat(50);
                writes.add(pool.submit(() -> {
                    AtomicFile.write(file, content.getBytes(StandardCharsets.UTF_8));
                    // every reader sees one writer's whole content, never a mix or a truncated file
                    String seen = Files.readString(file);
                    String writer = seen.split(" ")[1];
                    assertThat(seen).isEqualTo(("writer " + writer + " ").repeat(50));
                    return null;
                }));
            }
            for (Future<?> write : writes) {
                write.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("b.checkpoint.json");
        }
    }

    @Test
    void aTemporaryFileLeftByAKilledWriterIsNeitherReadNorInTheWay() throws Exception {
        Path file = dir.resolve("c.checkpoint.json");
        AtomicFile.write(file, "kept".getBytes(StandardCharsets.UTF_8));
        // what a process killed between writing and renaming leaves: its temporary file, named as this one names them
        Path stale = dir.resolve("c.checkpoint.json." + ProcessHandle.current().pid() + "-0-1.tmp");
        Files.writeString(stale, "half a checkp");

        AtomicFile.write(file, "next".getBytes(StandardCharsets.UTF_8));

        assertThat(Files.readString(file)).isEqualTo("next");
        assertThat(stale).exists(); // not ours to delete: it may belong to another writer
    }
}
