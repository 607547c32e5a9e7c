package io.dataworks.migrations.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import org.bson.BsonBinary;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonNull;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

class BsonIdOrderTest {

    private static final BsonIdOrder ORDER = BsonIdOrder.INSTANCE;

    @Test
    void sortsByTypeBracketThenValueAsMongoDbDoes() {
        List<BsonValue> expected = List.of(
                new BsonMinKey(),
                BsonNull.VALUE,
                new BsonDouble(Double.NaN),
                new BsonDouble(Double.NEGATIVE_INFINITY),
                new BsonInt64(-5),
                new BsonInt32(1),
                new BsonDouble(1.5),
                new BsonDecimal128(Decimal128.parse("2.25")),
                new BsonInt64(3_000_000_000L),
                new BsonString("B"),
                new BsonString("a"),
                new BsonString("ab"),
                new BsonString("é"),
                BsonDocument.parse("{a: 1}"),
                BsonDocument.parse("{a: 1, b: 1}"),
                BsonDocument.parse("{a: 2}"),
                BsonDocument.parse("{b: 0}"),
                new BsonBinary(new byte[] {9}),
                new BsonBinary(new byte[] {1, 2}),
                new BsonObjectId(new ObjectId("000000000000000000000001")),
                new BsonObjectId(new ObjectId("ff0000000000000000000000")),
                BsonBoolean.FALSE,
                BsonBoolean.TRUE,
                new BsonDateTime(-1),
                new BsonDateTime(5),
                new BsonTimestamp(1, 2),
                new BsonTimestamp(0x80000000, 0),
                new BsonMaxKey());
        List<BsonValue> shuffled = new ArrayList<>(expected);
        Collections.shuffle(shuffled, new Random(3));
        shuffled.sort(ORDER);
        assertThat(shuffled).containsExactlyElementsOf(expected);
    }

    @Test
    void numbersCompareByValueWhateverTheirType() {
        assertThat(ORDER.compare(new BsonInt32(1), new BsonDouble(1.0))).isZero();
        assertThat(ORDER.compare(new BsonInt64(1), new BsonDecimal128(Decimal128.parse("1.000")))).isZero();
        assertThat(ORDER.compare(new BsonDouble(-0.0), new BsonInt32(0))).isZero();
        assertThat(ORDER.compare(new BsonInt64(Long.MAX_VALUE), new BsonDouble(9.3e18))).isNegative();
        assertThat(ORDER.compare(new BsonDouble(Double.POSITIVE_INFINITY), new BsonInt64(Long.MAX_VALUE))).isPositive();
    }
}
