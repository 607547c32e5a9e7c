package io.dataworks.migrations.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.bson.BsonArray;
import org.bson.BsonBinaryReader;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonType;
import org.bson.RawBsonDocument;
import org.bson.codecs.DecoderContext;
import org.junit.jupiter.api.Test;

class RawDocumentCodecTest {

    private static final RawDocumentCodec CODEC = new RawDocumentCodec();

    @Test
    void copiesEachDocumentOfABatchByteForByteAndLeavesTheReaderAfterIt() {
        List<BsonDocument> docs = List.of(
                BsonDocument.parse("{_id: 1, name: 'a', nested: {x: [1, 2, {y: 'z'}]}}"),
                BsonDocument.parse("{_id: {$oid: '5f1d7a3e9c1b2a0012345678'}, empty: {}}"),
                BsonDocument.parse("{_id: 'three', big: '" + "x".repeat(5000) + "'}"));
        RawBsonDocument reply = new RawBsonDocument(new BsonDocument("cursor", new BsonDocument("nextBatch", new BsonArray(docs))
                .append("id", new BsonInt32(0))).append("ok", new BsonInt32(1)), new org.bson.codecs.BsonDocumentCodec());

        List<RawBsonDocument> decoded = new ArrayList<>();
        try (BsonBinaryReader reader = new BsonBinaryReader(reply.getByteBuffer().asNIO())) {
            reader.readStartDocument();
            reader.readName("cursor");
            reader.readStartDocument();
            reader.readName("nextBatch");
            reader.readStartArray();
            while (reader.readBsonType() != BsonType.END_OF_DOCUMENT) {
                decoded.add(CODEC.decode(reader, DecoderContext.builder().build()));
            }
            reader.readEndArray();
            // the reader went on where the documents ended
            assertThat(reader.readInt32("id")).isZero();
            reader.readEndDocument();
            assertThat(reader.readInt32("ok")).isEqualTo(1);
        }
        assertThat(decoded).containsExactlyElementsOf(docs.stream().map(d -> new RawBsonDocument(d,
                new org.bson.codecs.BsonDocumentCodec())).toList());
        for (RawBsonDocument doc : decoded) {
            // an array of exactly the document's size, nothing around it
            ByteBuffer bytes = doc.getByteBuffer().asNIO();
            assertThat(bytes.arrayOffset()).isZero();
            assertThat(bytes.array()).hasSize(bytes.remaining());
        }
    }

    @Test
    void aTopLevelDocumentIsDecodedAsTheDriverDoes() {
        RawBsonDocument doc = RawBsonDocument.parse("{_id: 7, a: [1, 2]}");
        try (BsonBinaryReader reader = new BsonBinaryReader(doc.getByteBuffer().asNIO())) {
            assertThat(CODEC.decode(reader, DecoderContext.builder().build())).isEqualTo(doc);
        }
    }
}
