package io.dataworks.generators.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Date;

import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

/** Extended JSON literals in templates become the BSON values they denote, not operators. */
class ExtendedJsonTest {

    @Test
    void literalsBecomeBsonValues() {
        Document d = Templates.one("{'id': {'$oid': '5a934e000102030405000000'}, 'at': {'$date': '2024-05-01T10:00:00Z'},"
                + " 'day': {'$date': '2024-05-01'}, 'ms': {'$date': {'$numberLong': '1000'}}, 'num': {'$date': 2000},"
                + " 'l': {'$numberLong': '9007199254740993'}, 'i': {'$numberInt': '7'}, 'dbl': {'$numberDouble': '1.5'},"
                + " 'dec': {'$numberDecimal': '12.340'}, 'bin': {'$binary': {'base64': 'AQID', 'subType': '05'}},"
                + " 'legacyBin': {'$binary': 'AQID', '$type': '00'}, 'uuid': {'$uuid': '123e4567-e89b-42d3-a456-426614174000'},"
                + " 're': {'$regularExpression': {'pattern': '^a', 'options': 'i'}}, 'legacyRe': {'$regex': '^b', '$options': 'm'},"
                + " 'ts': {'$timestamp': {'t': 5, 'i': 6}}, 'nested': {'deep': [{'$oid': '5a934e000102030405000001'}]}}");
        assertThat(d.get("id")).isEqualTo(new ObjectId("5a934e000102030405000000"));
        assertThat(d.get("at")).isEqualTo(Date.from(Instant.parse("2024-05-01T10:00:00Z")));
        assertThat(d.get("day")).isEqualTo(Date.from(Instant.parse("2024-05-01T00:00:00Z")));
        assertThat(d.get("ms")).isEqualTo(new Date(1000));
        assertThat(d.get("num")).isEqualTo(new Date(2000));
        assertThat(d.get("l")).isEqualTo(9007199254740993L);
        assertThat(d.get("i")).isEqualTo(7);
        assertThat(d.get("dbl")).isEqualTo(1.5);
        assertThat(d.get("dec")).isEqualTo(Decimal128.parse("12.340"));
        assertThat(d.get("bin")).isEqualTo(new Binary((byte) 5, new byte[] {1, 2, 3}));
        assertThat(d.get("legacyBin")).isEqualTo(new Binary((byte) 0, new byte[] {1, 2, 3}));
        assertThat(((Binary) d.get("uuid")).getType()).isEqualTo((byte) 4);
        assertThat(d.get("re")).isEqualTo(new BsonRegularExpression("^a", "i"));
        assertThat(d.get("legacyRe")).isEqualTo(new BsonRegularExpression("^b", "m"));
        assertThat(d.get("ts")).isEqualTo(new BsonTimestamp(5, 6));
        assertThat(d.get("nested", Document.class).getList("deep", Object.class)).containsExactly(new ObjectId("5a934e000102030405000001"));
    }

    @Test
    void sameNamesWithOperatorOptionsStayOperators() {
        Document d = Templates.one("{'date': {'$date': {'min': '2020-01-01', 'max': '2020-01-02'}}, 'nl': {'$numberLong': {'min': 1, 'max': 3}},"
                + " 'nd': {'$numberDecimal': {'min': 1, 'max': 3}}, 'bin': {'$binary': {'length': 3}}, 'oid': '$oid'}");
        assertThat(d.getDate("date")).isBetween(Date.from(Instant.parse("2020-01-01T00:00:00Z")), Date.from(Instant.parse("2020-01-02T00:00:00Z")), true, true);
        assertThat(d.get("nl")).isInstanceOf(Long.class);
        assertThat(d.get("nd")).isInstanceOf(Decimal128.class);
        assertThat(((Binary) d.get("bin")).getData()).hasSize(3);
        assertThat(d.get("oid")).isInstanceOf(ObjectId.class);
    }

    @Test
    void bigIntegersBecomeDecimal() {
        assertThat(Templates.one("{'n': 123456789012345678901234567890}").get("n")).isEqualTo(Decimal128.parse("123456789012345678901234567890"));
    }
}
