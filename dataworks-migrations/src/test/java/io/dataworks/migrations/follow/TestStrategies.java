package io.dataworks.migrations.follow;

import java.util.List;

import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonString;
import org.bson.BsonValue;

import io.dataworks.migrations.IdMapping;
import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;

/** Small transforming strategies for follow and reconcile tests (the migrations module cannot use user-defined/). */
final class TestStrategies {

    private TestStrategies() {
    }

    /**
     * Like the service-order strategy: renames {@code status} to {@code state}, adds {@code amountCents} and a
     * {@code migrated} flag, and gives each order a string {@code _id} {@code "order-N"} (a one-to-one mapping).
     */
    static MigrationStrategy orders() {
        return orders(java.util.concurrent.ConcurrentHashMap.newKeySet());
    }

    /** {@link #orders()}, recording the name of every thread its transform runs on. */
    static MigrationStrategy orders(java.util.Set<String> threads) {
        return new MigrationStrategy() {
            @Override
            public String name() {
                return "test-orders";
            }

            @Override
            public List<BsonDocument> transform(BsonDocument document, Namespace source) {
                threads.add(Thread.currentThread().getName());
                BsonDocument out = new BsonDocument("_id", toTarget(document.get("_id")));
                document.forEach((k, v) -> {
                    if (!k.equals("_id")) {
                        out.append(k.equals("status") ? "state" : k, v);
                    }
                });
                if (document.isNumber("amount")) {
                    out.append("amountCents", new BsonInt64(document.getNumber("amount").longValue() * 100));
                }
                return List.of(out.append("migrated", BsonBoolean.TRUE));
            }

            @Override
            public IdMapping idMapping() {
                return IdMapping.of(TestStrategies::toTarget, id -> new BsonInt32(Integer.parseInt(id.asString().getValue().substring(6))));
            }
        };
    }

    private static BsonValue toTarget(BsonValue id) {
        return new BsonString("order-" + id.asNumber().intValue());
    }

    /** Only orders of 500 or more (a source filter), marked {@code big: true}; same {@code _id}. */
    static MigrationStrategy bigOrders() {
        return new MigrationStrategy() {
            @Override
            public String name() {
                return "test-big-orders";
            }

            @Override
            public BsonDocument sourceFilter(Namespace source) {
                return BsonDocument.parse("{amount: {$gte: 500}}");
            }

            @Override
            public List<BsonDocument> transform(BsonDocument document, Namespace source) {
                return List.of(document.clone().append("big", BsonBoolean.TRUE));
            }
        };
    }

    /** Derives target {@code _id}s from content: it cannot say which target documents a source {@code _id} made. */
    static MigrationStrategy contentIds() {
        return new MigrationStrategy() {
            @Override
            public String name() {
                return "test-content-ids";
            }

            @Override
            public List<BsonDocument> transform(BsonDocument document, Namespace source) {
                return List.of(new BsonDocument("_id", new BsonString("doc-" + document.toJson().hashCode())).append("of", document));
            }

            @Override
            public IdMapping idMapping() {
                return IdMapping.unknown("target _ids are hashes of the content");
            }
        };
    }
}
