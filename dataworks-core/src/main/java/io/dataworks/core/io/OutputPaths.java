package io.dataworks.core.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

import io.dataworks.core.config.ConfigException;

/**
 * Checks, before a run reads or writes anything, that the files and directories it will write at the end can be
 * written: a report path that turns out to be a directory must not cost a whole copy. Nothing is created here:
 * a path that does not exist yet is checked through its nearest existing ancestor.
 */
public final class OutputPaths {

    private OutputPaths() {
    }

    /**
     * A file the run will create or replace. Fails with {@link ConfigException} (exit code 2) naming {@code flag} when
     * it is a directory, exists but cannot be written, or cannot be created (its nearest existing ancestor is not a
     * writable directory).
     */
    public static void checkFile(String flag, Path file) {
        Objects.requireNonNull(flag, "flag");
        if (file == null) {
            return;
        }
        Path absolute = file.toAbsolutePath().normalize();
        if (Files.isDirectory(absolute)) {
            throw new ConfigException(flag, flag + " " + file + " is a directory: give a file name");
        }
        if (Files.exists(absolute)) {
            if (!Files.isRegularFile(absolute) || !Files.isWritable(absolute)) {
                throw new ConfigException(flag, flag + " " + file + " cannot be written (check its permissions, or give another path)");
            }
            return;
        }
        checkCreatable(flag, file, absolute.getParent());
    }

    /** A directory the run will create (when missing) and write files in. */
    public static void checkDirectory(String flag, Path dir) {
        Objects.requireNonNull(flag, "flag");
        if (dir == null) {
            return;
        }
        Path absolute = dir.toAbsolutePath().normalize();
        if (Files.exists(absolute)) {
            if (!Files.isDirectory(absolute)) {
                throw new ConfigException(flag, flag + " " + dir + " is a file, not a directory: give a directory");
            }
            if (!Files.isWritable(absolute)) {
                throw new ConfigException(flag, flag + " " + dir + " cannot be written (check its permissions, or give another directory)");
            }
            return;
        }
        checkCreatable(flag, dir, absolute.getParent());
    }

    private static void checkCreatable(String flag, Path given, Path parent) {
        Path ancestor = parent;
        while (ancestor != null && !Files.exists(ancestor)) {
            ancestor = ancestor.getParent();
        }
        if (ancestor == null || !Files.isDirectory(ancestor) || !Files.isWritable(ancestor)) {
            throw new ConfigException(flag, flag + " " + given + " cannot be created: "
                    + (ancestor == null ? "no existing parent directory" : ancestor + (Files.isDirectory(ancestor)
                    ? " is not writable" : " is a file, not a directory")) + "; give another path");
        }
    }
}
