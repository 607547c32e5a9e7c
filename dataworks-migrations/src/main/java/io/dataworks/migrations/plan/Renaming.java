package io.dataworks.migrations.plan;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import io.dataworks.migrations.Namespace;

/**
 * Where each source collection goes: an optional target database (default: the source database's
 * name) and per-collection new names (default: the same name).
 */
public record Renaming(Optional<String> targetDatabase, Map<String, String> collections) {

    public Renaming {
        Objects.requireNonNull(targetDatabase, "targetDatabase");
        targetDatabase = targetDatabase.filter(s -> !s.isBlank());
        collections = Map.copyOf(collections);
    }

    /** Same database name, same collection names. */
    public static Renaming none() {
        return new Renaming(Optional.empty(), Map.of());
    }

    public static Renaming toDatabase(String targetDatabase) {
        return new Renaming(Optional.ofNullable(targetDatabase), Map.of());
    }

    /**
     * Parses {@code src:dst} collection specs (a spec without {@code :} keeps its name).
     *
     * @throws IllegalArgumentException naming the spec when a side is empty
     */
    public static Renaming parse(String targetDatabase, List<String> specs) {
        Map<String, String> mapping = new LinkedHashMap<>();
        for (String spec : specs) {
            int colon = spec.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String src = spec.substring(0, colon).trim();
            String dst = spec.substring(colon + 1).trim();
            if (src.isEmpty() || dst.isEmpty()) {
                throw new IllegalArgumentException("collection rename must be 'source:target', was '" + spec + "'");
            }
            mapping.put(src, dst);
        }
        return new Renaming(Optional.ofNullable(targetDatabase), mapping);
    }

    /** The source collection names of {@code src:dst} specs, in order. */
    public static List<String> sourceNames(List<String> specs) {
        return specs.stream().map(s -> s.contains(":") ? s.substring(0, s.indexOf(':')).trim() : s.trim()).toList();
    }

    public Renaming withCollection(String source, String target) {
        Map<String, String> mapping = new LinkedHashMap<>(collections);
        mapping.put(source, target);
        return new Renaming(targetDatabase, mapping);
    }

    /** The target namespace of a source namespace. */
    public Namespace apply(Namespace source) {
        return new Namespace(targetDatabase.orElse(source.database()),
                collections.getOrDefault(source.collection(), source.collection()));
    }
}
