package io.dataworks.core.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.dataworks.core.config.ConfigException;

/**
 * Checks, before a run reads or writes anything, that every file and directory it will write (a report, metrics, an
 * output file, checkpoints, dead letters) can be written: a bad path found after 200,000 documents would cost the
 * run. Both CLIs use it. Nothing is left behind: a probe file that did not exist is removed again, an existing file
 * is opened without truncating it, and no directory is created. One instance per run also refuses two flags naming
 * the same file. Not thread-safe.
 */
public final class OutputPaths {

    private final Map<Path, String> seen = new LinkedHashMap<>();

    /**
     * A file the run will create or replace. Fails with a {@link ConfigException} (exit code 2) naming {@code flag}
     * when it is a directory, lies under a file, is on a pseudo file system ({@code /proc}), is named by another flag
     * too, or cannot be opened for writing.
     */
    public void check(String flag, Path path) {
        Path absolute = path.toAbsolutePath().normalize();
        String other = seen.putIfAbsent(absolute, flag);
        if (other != null) {
            throw new ConfigException(flag, flag + " and " + other + " both name " + path + ": give each its own file");
        }
        if (Files.isDirectory(absolute)) {
            throw new ConfigException(flag, flag + " " + path + " is a directory: give a file path");
        }
        Path parent = absolute.getParent();
        Path existing = parent;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing != null && !Files.isDirectory(existing)) {
            throw new ConfigException(flag, flag + " " + path + " cannot be written: " + existing + " is a file, not a directory");
        }
        if (existing != null && !existing.equals(parent)) {
            if (!Files.isWritable(existing)) {
                throw new ConfigException(flag, flag + " " + path + " cannot be written: cannot create directories in " + existing);
            }
            return; // the directories are created when the file is written
        }
        boolean existed = Files.exists(absolute);
        String store = fileSystemType(existed ? absolute : existing);
        if (PSEUDO_FILE_SYSTEMS.contains(store)) {
            // /proc/version opens for writing and then fails every write with EIO
            throw new ConfigException(flag, flag + " " + path + " is on the " + store
                    + " pseudo file system, which holds no files to write to: give a file path");
        }
        try (FileChannel probe = FileChannel.open(absolute, StandardOpenOption.WRITE, StandardOpenOption.CREATE)) {
            probe.size();
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw new ConfigException(flag, flag + " " + path + " cannot be written (" + reason(e) + "): give a writable file path");
        } finally {
            if (!existed) {
                try {
                    Files.deleteIfExists(absolute);
                } catch (IOException ignored) {
                    // the probe stays empty; the run writes it anyway
                }
            }
        }
    }

    /** A directory the run will create (when missing) and write files in. */
    public void checkDirectory(String flag, Path dir) {
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

    private static final Set<String> PSEUDO_FILE_SYSTEMS = Set.of("proc", "sysfs", "cgroup", "cgroup2", "debugfs",
            "securityfs", "tracefs", "configfs", "bpf", "pstore", "efivarfs");

    private static String fileSystemType(Path path) {
        if (path == null) {
            return "";
        }
        try {
            return Files.getFileStore(path).type();
        } catch (IOException | SecurityException e) {
            return "";
        }
    }

    private static String reason(Exception e) {
        String name = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? name : name + ": " + e.getMessage();
    }
}
