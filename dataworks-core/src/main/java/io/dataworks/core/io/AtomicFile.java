package io.dataworks.core.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a whole file so that a reader (or a crash) sees the old content or the new, never a mix: write to a
 * temporary file next to the target, fsync it, rename it over the target. Checkpoints are written this way.
 *
 * <p>The temporary file is named by this process (its id and a random tag drawn once: a container's process often has
 * the same id at every start, and a killed one leaves its temporary file behind) and a counter
 * ({@code NAME.PID-TAG-N.tmp}), created exclusively: unique among the writers of one directory without
 * {@link Files#createTempFile}'s {@code SecureRandom} name per file, which cost more CPU than the write itself when a
 * run checkpoints hundreds of small collections.
 */
public final class AtomicFile {

    private static final String PROCESS = ProcessHandle.current().pid() + "-"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    private static final AtomicLong COUNTER = new AtomicLong();

    private AtomicFile() {
    }

    public static void write(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = dir.resolve(file.getFileName() + "." + PROCESS + "-" + COUNTER.incrementAndGet() + ".tmp");
        try {
            try (FileChannel ch = create(tmp)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates {@code tmp}, and its directory when that is missing: the directory is made only then, not checked
     * before every write (a stat of each part of the path, for each of a run's hundreds of checkpoint writes).
     */
    private static FileChannel create(Path tmp) throws IOException {
        try {
            return FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
        } catch (NoSuchFileException e) {
            Files.createDirectories(tmp.getParent());
            return FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
        }
    }
}
