package io.dataworks.migrations;

import java.util.Objects;

/** One collection to copy and where it goes (the target may rename database and collection). */
public record NamespaceMapping(Namespace source, Namespace target) {

    public NamespaceMapping {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
    }

    @Override
    public String toString() {
        return source.equals(target) ? source.toString() : source + " -> " + target;
    }
}
