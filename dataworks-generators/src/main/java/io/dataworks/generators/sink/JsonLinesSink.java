package io.dataworks.generators.sink;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
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
 * batches, in index order, into a direct buffer written to a channel, so the same seed gives a
 * byte-identical file whatever the number of workers.
 *
 * <p>A direct buffer and a {@link FileChannel}, not a {@code BufferedOutputStream}: a
 * {@code FileOutputStream} copies every large write through a freshly allocated native buffer, which cost
 * the writer thread more CPU than the copying itself. One run at a time per instance.
 */
public final class JsonLinesSink implements DocumentSink<byte[]> {

    private static final int BUFFER_BYTES = 1 << 20;

    private final String description;
    private final Callable<WritableByteChannel> opener;
    private final boolean closeChannel;
    private WritableByteChannel channel;
    private ByteBuffer buffer;
    private Scheduler writer;

    private JsonLinesSink(String description, Callable<WritableByteChannel> opener, boolean closeChannel) {
        this.description = description;
        this.opener = opener;
        this.closeChannel = closeChannel;
    }

    /** Writes to {@code path}, replacing an existing file; parent directories are created. */
    public static JsonLinesSink toFile(Path path) {
        Objects.requireNonNull(path, "path");
        return new JsonLinesSink("file " + path, () -> {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                    StandardOpenOption.WRITE);
        }, true);
    }

    /** Writes to the process's standard output ({@code --output -}); flushed, not closed, at the end. */
    public static JsonLinesSink toStdout() {
        return new JsonLinesSink("stdout", () -> new FileOutputStream(FileDescriptor.out).getChannel(), false);
    }

    /** Writes to {@code stream}, which the caller owns (flushed, not closed). */
    public static JsonLinesSink toStream(OutputStream stream, String description) {
        Objects.requireNonNull(stream, "stream");
        return new JsonLinesSink(description, () -> Channels.newChannel(stream), false);
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
                channel = opener.call();
            } catch (Exception e) {
                throw new DataWorksException(ExitCode.FAILED, "cannot open " + description + " for writing: " + e, e);
            }
            buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
            writer = Schedulers.newSingle("dataworks-jsonl-writer", true);
        });
    }

    @Override
    public Mono<BatchResult> write(List<byte[]> batch, MetricsCollector metrics) {
        return Mono.fromCallable(() -> {
            long bytes = 0;
            for (byte[] line : batch) {
                if (line.length > buffer.remaining()) {
                    drain();
                    if (line.length > buffer.capacity()) {
                        writeFully(ByteBuffer.wrap(line));
                        bytes += line.length;
                        continue;
                    }
                }
                buffer.put(line);
                bytes += line.length;
            }
            return new BatchResult(batch.size(), 0, bytes);
        }).onErrorMap(IOException.class, e -> new DataWorksException(ExitCode.FAILED,
                "cannot write to " + description + ": " + e.getMessage(), e))
                .subscribeOn(writer);
    }

    private void drain() throws IOException {
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    private void writeFully(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    @Override
    public Mono<Void> close(boolean failed) {
        return Mono.<Void>fromRunnable(() -> {
            if (channel == null) {
                return;
            }
            try {
                drain(); // also when failed: the lines written so far are complete and in order
                if (closeChannel) {
                    channel.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot finish " + description, e);
            } finally {
                channel = null;
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
