package io.dataworks.generators.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;

import org.bson.BsonRegularExpression;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.types.Binary;
import org.bson.types.Code;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.junit.jupiter.api.Test;

import io.dataworks.generators.AllTypesGenerator;

/** The fast BSON encoder writes exactly the bytes of the driver's codec. */
class BsonEncoderTest {

    final BsonEncoder encoder = new BsonEncoder();

    @Test
    void writesTheDriversBytesForEveryType() {
        AllTypesGenerator generator = new AllTypesGenerator();
        for (int i = 0; i < 2_000; i++) {
            assertSameBytes(generator.generate(i, new SplittableRandom(i)));
        }
    }

    @Test
    void writesTheDriversBytesOnTheEdges() {
        List<Object> longList = new java.util.ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            longList.add(i);
        }
        assertSameBytes(new Document("nan", Double.NaN).append("negZero", -0.0).append("date", new Date(-5))
                .append("unicode", "é€𝄞 日本\u0000nul").append("loneSurrogate", "x\uD800y")
                .append("regex", new BsonRegularExpression("^a.*b$", "mi")).append("min", new MinKey()).append("max", new MaxKey())
                .append("uuid", UUID.randomUUID()).append("oldBinary", new Binary((byte) 2, new byte[] {1, 2, 3}))
                .append("userBinary", new Binary((byte) 0x80, new byte[] {9}))
                .append("code", new Code("function() { return 1; }")).append("empty", new Document()).append("emptyList", List.of())
                .append("longList", longList).append("nested", List.of(List.of(new Document("a", List.of())))));
    }

    private void assertSameBytes(Document document) {
        RawBsonDocument driver = new RawBsonDocument(document, ExtendedJson.documentCodec());
        RawBsonDocument fast = encoder.encode(document);
        assertThat(bytes(fast)).isEqualTo(bytes(driver));
    }

    private static byte[] bytes(RawBsonDocument document) {
        org.bson.ByteBuf buffer = document.getByteBuffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }
}
