package io.dataworks.migrations.checkpoint;

import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonValue;

/**
 * The stored form of a {@link PartitionProgress}: {@code lastId} may be any BSON value, or null when nothing was
 * acknowledged; {@code documents} counts source documents acknowledged, {@code targetDocuments} the documents the
 * target acknowledged holding for them (refused documents excluded; a strategy may write several or none per source
 * document).
 */
public record PartitionState(int index, BsonValue lastId, long documents, long targetDocuments, boolean done) {

    public BsonDocument toBson() {
        BsonDocument doc = new BsonDocument("index", new BsonInt32(index));
        if (lastId != null) {
            doc.put("lastId", lastId);
        }
        doc.put("documents", new BsonInt64(documents));
        doc.put("targetDocuments", new BsonInt64(targetDocuments));
        doc.put("done", BsonBoolean.valueOf(done));
        return doc;
    }

    public static PartitionState fromBson(BsonDocument doc) {
        return new PartitionState(doc.getInt32("index").getValue(), doc.get("lastId"),
                doc.getNumber("documents", new BsonInt64(0)).longValue(),
                doc.getNumber("targetDocuments", new BsonInt64(0)).longValue(), doc.getBoolean("done", BsonBoolean.FALSE).getValue());
    }
}
