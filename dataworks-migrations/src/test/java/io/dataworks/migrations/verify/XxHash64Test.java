package io.dataworks.migrations.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

class XxHash64Test {

    @Test
    void matchesTheReferenceVectors() {
        assertThat(XxHash64.hash(new byte[0], 0)).isEqualTo(0xEF46DB3751D8E999L);
        assertThat(XxHash64.hash("a".getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo(0xD24EC4F1A98C6E5BL);
        assertThat(XxHash64.hash("abc".getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo(0x44BC2CF5AD770999L);
        assertThat(XxHash64.hash("Nobody inspects the spammish repetition".getBytes(StandardCharsets.US_ASCII), 0))
                .isEqualTo(0xFBCEA83C8A378BF1L);
    }

    @Test
    void hashesOnlyTheBufferWindowWithoutMovingIt() {
        byte[] bytes = "xxabcxx".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer window = ByteBuffer.wrap(bytes, 2, 3);
        assertThat(XxHash64.hash(window, 0)).isEqualTo(0x44BC2CF5AD770999L);
        assertThat(window.position()).isEqualTo(2);
    }

    @Test
    void theDigestIgnoresOrderButNotContent() {
        RawBsonDocument a = RawBsonDocument.parse("{_id: 1, x: 'a'}");
        RawBsonDocument b = RawBsonDocument.parse("{_id: 2, x: 'b'}");
        RawBsonDocument b2 = RawBsonDocument.parse("{_id: 2, x: 'B'}");
        RawBsonDocument reordered = RawBsonDocument.parse("{x: 'b', _id: 2}");

        assertThat(new ContentDigest().add(a).add(b).sameAs(new ContentDigest().add(b).add(a))).isTrue();
        assertThat(new ContentDigest().add(a).add(b).sameAs(new ContentDigest().add(a).add(b2))).isFalse();
        assertThat(new ContentDigest().add(b).sameAs(new ContentDigest().add(reordered))).as("field order is content").isFalse();
        assertThat(new ContentDigest().add(a).sameAs(new ContentDigest().add(a).add(a))).isFalse();
    }
}
