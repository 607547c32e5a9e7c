package io.dataworks.migrations.plan;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

import org.bson.BsonDocument;

import com.mongodb.reactivestreams.client.MongoDatabase;

import io.dataworks.migrations.Namespace;

/**
 * What to plan: a source database, the collections (empty = every collection except {@code system.*}
 * and views), where they go, and the strategy's source filter (kept in the plan and its fingerprint).
 */
public record PlanRequest(
        MongoDatabase source,
        List<String> collections,
        Renaming renaming,
        Function<Namespace, BsonDocument> sourceFilter) {

    public PlanRequest {
        Objects.requireNonNull(source, "source");
        collections = List.copyOf(collections);
        Objects.requireNonNull(renaming, "renaming");
        Objects.requireNonNull(sourceFilter, "sourceFilter");
    }

    /** Every collection of {@code source}, same names, no filter. */
    public static PlanRequest of(MongoDatabase source) {
        return new PlanRequest(source, List.of(), Renaming.none(), ns -> new BsonDocument());
    }

    public PlanRequest withCollections(List<String> names) {
        return new PlanRequest(source, names, renaming, sourceFilter);
    }

    /**
     * Collections given as {@code name} or {@code source:target} (as on the command line); the renames
     * are added to the current renaming.
     */
    public PlanRequest withCollectionSpecs(List<String> specs) {
        Renaming merged = renaming;
        for (var e : Renaming.parse(null, specs).collections().entrySet()) {
            merged = merged.withCollection(e.getKey(), e.getValue());
        }
        return new PlanRequest(source, Renaming.sourceNames(specs), merged, sourceFilter);
    }

    public PlanRequest withRenaming(Renaming r) {
        return new PlanRequest(source, collections, r, sourceFilter);
    }

    public PlanRequest withSourceFilter(Function<Namespace, BsonDocument> filter) {
        return new PlanRequest(source, collections, renaming, filter);
    }
}
