package io.dataworks.userdefined;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.ServiceLoader;

import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;

import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;

class ServiceOrderMigrationStrategyTest {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private final ServiceOrderMigrationStrategy strategy = new ServiceOrderMigrationStrategy(Clock.fixed(NOW, ZoneOffset.UTC));
    private static final Namespace NS = new Namespace("dealer", "service_orders");

    private static BsonDocument cosmosExport() {
        return BsonDocument.parse("""
                {"_id": 1, "openedAt": "2024-03-01T10:15:00Z", "promisedAt": "2024-03-02", "status": "CLOSED",
                 "lines": [{"quantity": 2, "unitPrice": "19.99", "lineTotal": 1.0},
                           {"quantity": {"$numberLong": "1"}, "unitPrice": 100.5}],
                 "subtotal": 0, "tax": 0, "total": "stale"}""");
    }

    @Test
    void convertsStringDatesRecomputesTotalsAndStampsMigratedAt() {
        BsonDocument out = strategy.transform(cosmosExport(), NS).get(0);

        assertThat(out.get("openedAt")).isEqualTo(new BsonDateTime(Instant.parse("2024-03-01T10:15:00Z").toEpochMilli()));
        assertThat(out.get("promisedAt")).isEqualTo(new BsonDateTime(Instant.parse("2024-03-02T00:00:00Z").toEpochMilli()));
        assertThat(out.getArray("lines").get(0).asDocument().getDecimal128("lineTotal").getValue()).isEqualTo(Decimal128.parse("39.98"));
        assertThat(out.getDecimal128("subtotal").getValue()).isEqualTo(Decimal128.parse("140.48"));
        assertThat(out.getDecimal128("tax").getValue()).isEqualTo(Decimal128.parse("11.59"));
        assertThat(out.getDecimal128("total").getValue()).isEqualTo(Decimal128.parse("152.07"));
        assertThat(out.getInt32("lineCount").getValue()).isEqualTo(2);
        assertThat(out.getDateTime("migratedAt").getValue()).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void verifyAcceptsItsOwnOutputAndNamesWhatIsWrong() {
        BsonDocument migrated = strategy.transform(cosmosExport(), NS).get(0);
        assertThat(strategy.verify(cosmosExport(), migrated)).isNull();
        assertThat(strategy.verify(cosmosExport(), null)).isEqualTo("missing on the target");

        BsonDocument wrongTotal = migrated.clone();
        wrongTotal.put("total", new org.bson.BsonDecimal128(Decimal128.parse("1.00")));
        assertThat(strategy.verify(cosmosExport(), wrongTotal)).contains("total 1.00").contains("152.07");

        BsonDocument stringDate = migrated.clone();
        stringDate.put("openedAt", new org.bson.BsonString("2024-03-01"));
        assertThat(strategy.verify(cosmosExport(), stringDate)).contains("openedAt");
    }

    @Test
    void leavesDocumentsWithoutLinesOrDatesAloneApartFromMigratedAt() {
        BsonDocument out = strategy.transform(BsonDocument.parse("{\"_id\": \"x\", \"note\": \"hi\"}"), NS).get(0);
        assertThat(out.keySet()).containsExactly("_id", "note", "migratedAt");
    }

    @Test
    void isFoundByServiceLoader() {
        List<String> names = ServiceLoader.load(MigrationStrategy.class).stream().map(p -> p.get().name()).toList();
        assertThat(names).contains("service-order", "copy");
    }
}
