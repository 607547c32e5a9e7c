package io.dataworks.generators.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import io.dataworks.core.config.ConfigException;

/**
 * Checks, before anything is generated, that every file the run will write ({@code --output},
 * {@code --report}, {@code --metrics-out}) can be written: a bad path found after 200,000 documents
 * would cost the run. Nothing is left behind: a probe file that did not exist is removed again, an
 * existing file is opened without truncating it, and no directory is created.
 */
final class OutputPaths {

    private final Map<Path, String> seen = new LinkedHashMap<>();

    /** Fails with a {@link ConfigException} naming {@code flag} when {@code path} cannot be written. */
    void check(String flag, Path path) {
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
