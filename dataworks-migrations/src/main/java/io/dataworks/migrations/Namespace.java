package io.dataworks.migrations;

import java.util.Objects;

/** A collection's full name, {@code database.collection}. */
public record Namespace(String database, String collection) {

    public Namespace {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(collection, "collection");
        if (database.isEmpty() || collection.isEmpty()) {
            throw new IllegalArgumentException("namespace parts must not be empty: '" + database + "." + collection + "'");
        }
    }

    /** Parses {@code db.collection}; the collection name may itself contain dots. */
    public static Namespace parse(String fullName) {
        Objects.requireNonNull(fullName, "fullName");
        int dot = fullName.indexOf('.');
        if (dot <= 0 || dot == fullName.length() - 1) {
            throw new IllegalArgumentException("not a namespace (expected db.collection): '" + fullName + "'");
        }
        return new Namespace(fullName.substring(0, dot), fullName.substring(dot + 1));
    }

    @Override
    public String toString() {
        return database + "." + collection;
    }
}
