package io.dataworks.migrations.plan.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.bson.BsonBoolean;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.migrations.Namespace;
import io.dataworks.migrations.plan.Partition;
import io.dataworks.migrations.plan.PartitionContext;
import io.dataworks.migrations.plan.SourceReads;

/** The pure parts of partitioning: brackets, ranges, quantiles and the partitioners' arithmetic. */
class PartitionersTest {

    private static PartitionContext context(List<String> brackets, int partitions) {
        // a client that never connects: only its collection handles are used, no operation runs
        var client = MongoClients.create("mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=1");
        var db = client.getDatabase("db");
        return new PartitionContext(new Namespace("db", "c"), db, db.getCollection("c", BsonDocument.class),
                brackets, 100_000, 10_000_000, partitions, 1000, SourceReads.withDefaults());
    }

    @Test
    void bracketsFollowBsonTypes() {
        assertThat(TypeBrackets.of(new BsonInt32(1))).isEqualTo("number");
        assertThat(TypeBrackets.of(new BsonDecimal128(Decimal128.parse("1.5")))).isEqualTo("number");
        assertThat(TypeBrackets.of(new BsonString("x"))).isEqualTo("string");
        assertThat(TypeBrackets.of(new BsonDocument())).isEqualTo("object");
        assertThat(TypeBrackets.of(BsonBoolean.TRUE)).isEqualTo("bool");
        assertThat(TypeBrackets.order("minKey")).isLessThan(TypeBrackets.order("number"));
        assertThat(TypeBrackets.order("number")).isLessThan(TypeBrackets.order("string"));
        assertThat(TypeBrackets.order("objectId")).isLessThan(TypeBrackets.order("date"));
        for (int i = 1; i < TypeBrackets.ALL.size(); i++) {
            assertThat(TypeBrackets.rank(TypeBrackets.ALL.get(i))).as("ALL is in server sort order")
                    .isGreaterThanOrEqualTo(TypeBrackets.rank(TypeBrackets.ALL.get(i - 1)));
        }
        assertThat(TypeBrackets.rank("symbol")).isEqualTo(TypeBrackets.rank("string"));
    }

    @Test
    void numbersOfDifferentTypesAreOneKey() {
        assertThat(TypeBrackets.sameKey(new BsonInt32(5), new BsonInt64(5))).isTrue();
        assertThat(TypeBrackets.sameKey(new BsonInt32(5), new BsonDouble(5.0))).isTrue();
        assertThat(TypeBrackets.sameKey(new BsonDecimal128(Decimal128.parse("5.00")), new BsonDouble(5.0))).isTrue();
        assertThat(TypeBrackets.sameKey(new BsonDecimal128(Decimal128.NEGATIVE_ZERO), new BsonInt32(0))).isTrue();
        assertThat(TypeBrackets.sameKey(new BsonDouble(Double.NaN), new BsonDouble(Double.NaN))).isTrue();
        assertThat(TypeBrackets.sameKey(new BsonInt32(5), new BsonString("5"))).isFalse();
        assertThat(TypeBrackets.sameKey(new BsonDouble(5.5), new BsonInt32(5))).isFalse();
    }

    @Test
    void rangesCoverEachBracketFromUnboundedToUnbounded() {
        List<Partition> parts = Ranges.build(List.of("string", "number", "bool"),
                Map.of("number", List.of(new BsonInt32(10), new BsonInt64(10), new BsonDouble(20.5))));
        assertThat(parts).containsExactly(
                new Partition(0, "number", null, new BsonInt32(10)),
                new Partition(1, "number", new BsonInt32(10), new BsonDouble(20.5)),
                new Partition(2, "number", new BsonDouble(20.5), null),
                new Partition(3, "string", null, null),
                new Partition(4, "bool", null, null));
    }

    @Test
    void nanIsNeverABound() {
        List<Partition> parts = Ranges.build(List.of("number"),
                Map.of("number", List.of(new BsonDouble(Double.NaN), new BsonInt32(10))));
        assertThat(parts).containsExactly(
                new Partition(0, "number", null, new BsonInt32(10)),
                new Partition(1, "number", new BsonInt32(10), null));
    }

    @Test
    void oneBracketWithoutCutsIsTheFullRange() {
        assertThat(Ranges.build(List.of("objectId"), Map.of())).containsExactly(Partition.fullRange(0));
        assertThat(Ranges.build(List.of(), Map.of())).containsExactly(Partition.fullRange(0));
        assertThat(Ranges.build(List.of("number", "string"), Map.of()))
                .extracting(Partition::typeBracket).containsExactly("number", "string");
    }

    @Test
    void quantilesAreEvenAndDistinct() {
        List<BsonValue> values = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            values.add(new BsonInt32(i));
        }
        assertThat(Ranges.quantiles(values, 4)).containsExactly(new BsonInt32(25), new BsonInt32(50), new BsonInt32(75));
        assertThat(Ranges.quantiles(values.subList(0, 2), 8)).containsExactly(new BsonInt32(1));
        assertThat(Ranges.quantiles(values, 1)).isEmpty();
    }

    @Test
    void sampleSplitsBracketsByTheirShareOfTheSample() {
        List<BsonValue> sorted = new ArrayList<>();
        for (int i = 0; i < 75; i++) {
            sorted.add(new BsonInt32(i));
        }
        for (int i = 0; i < 25; i++) {
            sorted.add(new BsonString("s" + (char) ('a' + i)));
        }
        sorted.add(BsonBoolean.TRUE);
        List<Partition> parts = SamplePartitioner.split(sorted, context(List.of("number", "string", "bool"), 8)).orElseThrow();
        assertThat(parts.stream().filter(p -> p.typeBracket().equals("number"))).hasSize(6);
        assertThat(parts.stream().filter(p -> p.typeBracket().equals("string"))).hasSize(2);
        assertThat(parts.stream().filter(p -> p.typeBracket().equals("bool"))).hasSize(1);
        assertThat(parts).extracting(Partition::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void sampleWithNothingToCutGivesUp() {
        assertThat(SamplePartitioner.split(List.of(BsonBoolean.FALSE, BsonBoolean.TRUE), context(List.of("bool"), 8))).isEmpty();
        assertThat(SamplePartitioner.split(List.of(new BsonInt32(1), new BsonInt32(1)), context(List.of("number"), 8))).isEmpty();
    }

    @Test
    void objectIdTimeCutsTheTimestampRangeEvenly() {
        ObjectId min = new ObjectId("600000000000000000000000");
        ObjectId max = new ObjectId("600004000000000000000000"); // 1024 seconds later
        List<Partition> parts = ObjectIdTimePartitioner.split(min, max, context(List.of("objectId", "string"), 4)).orElseThrow();
        // strings sort before ObjectIds in BSON order
        assertThat(parts).containsExactly(
                new Partition(0, "string", null, null),
                new Partition(1, "objectId", null, new BsonObjectId(new ObjectId("600001000000000000000000"))),
                new Partition(2, "objectId", new BsonObjectId(new ObjectId("600001000000000000000000")),
                        new BsonObjectId(new ObjectId("600002000000000000000000"))),
                new Partition(3, "objectId", new BsonObjectId(new ObjectId("600002000000000000000000")),
                        new BsonObjectId(new ObjectId("600003000000000000000000"))),
                new Partition(4, "objectId", new BsonObjectId(new ObjectId("600003000000000000000000")), null));
        assertThat(ObjectIdTimePartitioner.split(min, min, context(List.of("objectId"), 4))).isEmpty();
    }

    @Test
    void objectIdsMadeWithinOneSecondAreSplitByTheirOtherBytes() {
        // a bulk load: every id has the same timestamp, only the counter bytes differ
        ObjectId min = new ObjectId("6000000000000000000f4240");
        ObjectId max = new ObjectId("6000000000000000001e8480");
        List<Partition> parts = ObjectIdTimePartitioner.split(min, max, context(List.of("objectId"), 4)).orElseThrow();
        assertThat(parts).hasSize(4);
        assertThat(parts).extracting(Partition::max).containsExactly(
                new BsonObjectId(new ObjectId("6000000000000000001312d0")),
                new BsonObjectId(new ObjectId("60000000000000000016e360")),
                new BsonObjectId(new ObjectId("6000000000000000001ab3f0")),
                null);
        assertThat(ObjectIdTimePartitioner.split(min, new ObjectId("6000000000000000000f4241"),
                context(List.of("objectId"), 4))).as("adjacent ids leave nothing to cut").isEmpty();
    }

    @Test
    void splitVectorKeysBecomeRangesPerBracket() {
        BsonDocument reply = BsonDocument.parse("{splitKeys: [{_id: 100}, {_id: NumberLong(200)}, {_id: 'm'}], ok: 1}");
        List<Partition> parts = SplitVectorPartitioner.split(reply, context(List.of("number", "string"), 4)).orElseThrow();
        assertThat(parts).extracting(Partition::typeBracket).containsExactly("number", "number", "number", "string", "string");
        assertThat(parts.get(1)).isEqualTo(new Partition(1, "number", new BsonInt32(100), new BsonInt64(200)));
        assertThat(parts.get(3)).isEqualTo(new Partition(3, "string", null, new BsonString("m")));
        assertThat(SplitVectorPartitioner.split(BsonDocument.parse("{splitKeys: [], ok: 1}"), context(List.of("number"), 4))).isEmpty();
    }

    @Test
    void onlyPlainCollectionsAreCopied() {
        List<SourceInspector.CollectionInfo> all = List.of(
                new SourceInspector.CollectionInfo("orders", "collection"),
                new SourceInspector.CollectionInfo("old", null),
                new SourceInspector.CollectionInfo("system.views", "collection"),
                new SourceInspector.CollectionInfo("system.profile", "collection"),
                new SourceInspector.CollectionInfo("active_orders", "view"),
                new SourceInspector.CollectionInfo("weather", "timeseries"));
        assertThat(SourceInspector.copyableNames(all)).containsExactly("orders", "old");
    }
}
