package io.dataworks.migrations.strategy;

import java.util.List;

import org.bson.BsonDocument;

import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;

/** The default strategy: documents are copied byte for byte, never decoded. */
public final class CopyStrategy implements MigrationStrategy {

    public static final String NAME = "copy";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "copies every document as is (raw BSON, byte for byte)";
    }

    @Override
    public boolean transformsDocuments() {
        return false;
    }

    @Override
    public List<BsonDocument> transform(BsonDocument document, Namespace source) {
        return List.of(document);
    }
}
