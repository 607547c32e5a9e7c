package io.dataworks.migrations.verify;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentSkipListMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dataworks.core.io.AtomicFile;

/**
 * Which partitions of a namespace were verified and with what outcome ({@code verify-<ns>.json}),
 * rewritten atomically after each partition, so that {@code --verify-only} resumes where it stopped.
 * A checkpoint written for another source, target, method or partitioning is ignored (verifying again
 * is always safe).
 */
final class VerifyCheckpoint {

    private static final Logger LOG = LoggerFactory.getLogger(VerifyCheckpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    record Outcome(int index, boolean match, long sourceCount, long targetCount, long missing, long extra, long different) {
    }

    record Stored(String source, String target, String method, int partitions, List<Outcome> done) {
    }

    private final Path file;
    private final Stored header;
    private final Map<Integer, Outcome> done = new ConcurrentSkipListMap<>();

    private VerifyCheckpoint(Path file, Stored header) {
        this.file = file;
        this.header = header;
    }

    static Path fileFor(Path dir, String sourceNs) {
        return dir.resolve("verify-" + VerifyOptions.fileSafe(sourceNs) + ".json");
    }

    static VerifyCheckpoint open(Path file, String source, String target, String method, int partitions, boolean resume) {
        VerifyCheckpoint cp = new VerifyCheckpoint(file, new Stored(source, target, method, partitions, List.of()));
        if (resume && Files.exists(file)) {
            try {
                Stored stored = JSON.readValue(file.toFile(), Stored.class);
                if (Objects.equals(stored.source(), source) && Objects.equals(stored.target(), target)
                        && Objects.equals(stored.method(), method) && stored.partitions() == partitions) {
                    stored.done().forEach(o -> cp.done.put(o.index(), o));
                } else {
                    LOG.warn("{}: verification checkpoint {} is for another plan ({} -> {}, {}, {} partitions); verifying again",
                            source, file, stored.source(), stored.target(), stored.method(), stored.partitions());
                }
            } catch (IOException e) {
                LOG.warn("{}: cannot read verification checkpoint {} ({}); verifying again", source, file, e.getMessage());
            }
        }
        return cp;
    }

    Map<Integer, Outcome> done() {
        return done;
    }

    synchronized void record(Outcome outcome) {
        done.put(outcome.index(), outcome);
        Stored stored = new Stored(header.source(), header.target(), header.method(), header.partitions(), new ArrayList<>(done.values()));
        try {
            AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(stored));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write verification checkpoint " + file, e);
        }
    }
}
