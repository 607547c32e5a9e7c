package io.dataworks.generators.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import org.bson.BsonDocument;
import org.bson.BsonRegularExpression;
import org.bson.Document;
import org.bson.types.Code;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.junit.jupiter.api.Test;

import io.dataworks.generators.AllTypesGenerator;

/** The fast JSON Lines encoder reads back to exactly what the driver's own JSON writer gives. */
class JsonLineEncoderTest {

    @Test
    void agreesWithTheDriverOnEveryType() {
        AllTypesGenerator generator = new AllTypesGenerator();
        for (int i = 0; i < 2_000; i++) {
            assertSameAsDriver(generator.generate(i, new SplittableRandom(i)));
        }
    }

    @Test
    void agreesWithTheDriverOnTheEdges() {
        assertSameAsDriver(new Document("nan", Double.NaN).append("inf", Double.POSITIVE_INFINITY)
                .append("ninf", Double.NEGATIVE_INFINITY).append("negZero", -0.0).append("big", 1.0e300).append("tiny", 4.9e-324)
                .append("beforeEpoch", new Date(-1)).append("epoch", new Date(0)).append("y9999", new Date(253_402_300_799_999L))
                .append("after9999", new Date(253_402_300_800_000L)).append("leap", new Date(951_782_400_123L))
                .append("control", "a\u0000b\u001fc\"d\\e\nf\rg\th\bi\fj\u007f").append("unicode", "é€𝄞 日本")
                .append("loneSurrogate", "x\uD800y").append("regex", new BsonRegularExpression("^a.*b$", "im"))
                .append("min", new MinKey()).append("max", new MaxKey()).append("uuid", UUID.randomUUID())
                .append("longs", List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L)).append("ints", List.of(Integer.MIN_VALUE, -1))
                .append("code", new Code("function() { return 1; }")) // not known to the fast path: through the driver
                .append("empty", new Document()).append("emptyList", List.of()).append("na\"me", "key escaping"));
    }

    @Test
    void agreesWithTheDriverOnDecimals() {
        for (String value : List.of("0", "-0", "0.00", "-0.00", "1", "-1", "689.25", "0.005", "-0.005", "0.000001", "0.0000001",
                "1E+3", "1.000E+3", "123456789012345678", "9223372036854775807", "9223372036854775808",
                "1234567890123456789012345678901234", "-1234567890123456789.012345678901234", "1E-6176", "9.99E+6144",
                "NaN", "Infinity", "-Infinity", "12.3400", "100", "1.0E-7", "0.1")) {
            org.bson.types.Decimal128 decimal = org.bson.types.Decimal128.parse(value);
            String line = new String(ExtendedJson.toJsonLine(new Document("d", decimal)), StandardCharsets.UTF_8);
            assertThat(line).as(value).isEqualTo("{\"d\":{\"$numberDecimal\":\"" + decimal + "\"}}\n");
        }
    }

    @Test
    void isOneCompactLine() {
        String line = new String(ExtendedJson.toJsonLine(new Document("a", 1).append("b", List.of("x", 2L))), StandardCharsets.UTF_8);
        assertThat(line).isEqualTo("{\"a\":1,\"b\":[\"x\",{\"$numberLong\":\"2\"}]}\n");
    }

    private static void assertSameAsDriver(Document document) {
        String fast = new String(ExtendedJson.toJsonLine(document), StandardCharsets.UTF_8);
        String driver = new String(ExtendedJson.toJsonLineWithDriver(document), StandardCharsets.UTF_8);
        assertThat(fast).endsWith("\n").doesNotContain("\n\n");
        assertThat(fast.indexOf('\n')).isEqualTo(fast.length() - 1);
        assertThat(BsonDocument.parse(fast)).as(fast).isEqualTo(BsonDocument.parse(driver));
    }
}
