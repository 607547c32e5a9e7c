package io.dataworks.generators.sink;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;

import org.bson.Document;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.generators.GenerationContext;
import io.dataworks.monitoring.MetricsCollector;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * JSON Lines in relaxed Extended JSON ({@link ExtendedJson#JSON_LINES}), loadable with {@code mongoimport}
 * unchanged. Documents are encoded to bytes on the generation workers; one writer thread copies the
 * batches, in index order, into a large buffered stream, so the same seed gives a byte-identical file
 * whatever the number of workers.
 */
public final class JsonLinesSink implements DocumentSink<byte[]> {

    private static final int BUFFER_BYTES = 4 << 20;

    private final String description;
    private final Callable<OutputStream> opener;
    private final boolean closeStream;
    private OutputStream out;
    private Scheduler writer;

    private JsonLinesSink(String description, Callable<OutputStream> opener, boolean closeStream) {
        this.description = description;
        this.opener = opener;
        this.closeStream = closeStream;
    }

    /** Writes to {@code path}, replacing an existing file; parent directories are created. */
    public static JsonLinesSink toFile(Path path) {
        Objects.requireNonNull(path, "path");
        return new JsonLinesSink("file " + path, () -> {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return Files.newOutputStream(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        }, true);
    }

    /** Writes to the process's standard output ({@code --output -}); flushed, not closed, at the end. */
    public static JsonLinesSink toStdout() {
        return new JsonLinesSink("stdout", () -> new FileOutputStream(FileDescriptor.out), false);
    }

    /** Writes to {@code stream}, which the caller owns (flushed, not closed). */
    public static JsonLinesSink toStream(OutputStream stream, String description) {
        Objects.requireNonNull(stream, "stream");
        return new JsonLinesSink(description, () -> stream, false);
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public boolean ordered() {
        return true;
    }

    @Override
    public byte[] encode(long index, Document document) {
        return ExtendedJson.toJsonLine(document);
    }

    @Override
    public long encodedSize(byte[] encoded) {
        return encoded.length;
    }

    @Override
    public Mono<Void> open(GenerationContext context) {
        return Mono.fromRunnable(() -> {
            try {
                out = new BufferedOutputStream(opener.call(), BUFFER_BYTES);
            } catch (Exception e) {
                throw new DataWorksException(ExitCode.FAILED, "cannot open " + description + " for writing: " + e, e);
            }
            writer = Schedulers.newSingle("dataworks-jsonl-writer", true);
        });
    }

    @Override
    public Mono<BatchResult> write(List<byte[]> batch, MetricsCollector metrics) {
        return Mono.fromCallable(() -> {
            long bytes = 0;
            for (byte[] line : batch) {
                out.write(line);
                bytes += line.length;
            }
            return new BatchResult(batch.size(), 0, bytes);
        }).onErrorMap(IOException.class, e -> new DataWorksException(ExitCode.FAILED,
                "cannot write to " + description + ": " + e.getMessage(), e))
                .subscribeOn(writer);
    }

    @Override
    public Mono<Void> close(boolean failed) {
        return Mono.<Void>fromRunnable(() -> {
            if (out == null) {
                return;
            }
            try {
                if (closeStream) {
                    out.close();
                } else {
                    out.flush();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot finish " + description, e);
            } finally {
                out = null;
            }
        }).subscribeOn(writer != null ? writer : Schedulers.immediate())
                .doFinally(signal -> {
                    if (writer != null) {
                        writer.dispose();
                        writer = null;
                    }
                });
    }
}
