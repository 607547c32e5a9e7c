package io.dataworks.migrations.internal;

import org.bson.AbstractBsonReader;
import org.bson.BsonBinaryReader;
import org.bson.BsonReader;
import org.bson.BsonType;
import org.bson.BsonWriter;
import org.bson.RawBsonDocument;
import org.bson.codecs.Codec;
import org.bson.codecs.DecoderContext;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.RawBsonDocumentCodec;
import org.bson.codecs.configuration.CodecRegistries;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.io.BsonInput;
import org.bson.io.BsonInputMark;

import com.mongodb.MongoClientSettings;
import com.mongodb.reactivestreams.client.MongoCollection;

/**
 * Reads each document of a cursor batch into a byte array of its exact size, with one copy. The driver's
 * {@link RawBsonDocumentCodec} pipes it through a {@code BsonBinaryWriter} into a growing output buffer: a writer, a
 * scratch array of the document's size and a second array of its size again, per document. Encoding is the driver's.
 * Thread-safe (stateless).
 */
final class RawDocumentCodec implements Codec<RawBsonDocument> {

    private static final RawBsonDocumentCodec DRIVER = new RawBsonDocumentCodec();
    private static final CodecRegistry REGISTRY = CodecRegistries.fromRegistries(
            CodecRegistries.fromCodecs(new RawDocumentCodec()), MongoClientSettings.getDefaultCodecRegistry());

    /** {@code collection}, its raw documents read with this codec. */
    static MongoCollection<RawBsonDocument> reading(MongoCollection<RawBsonDocument> collection) {
        return collection.withCodecRegistry(REGISTRY);
    }

    @Override
    public RawBsonDocument decode(BsonReader reader, DecoderContext decoderContext) {
        // an embedded document of a binary reply (an element of firstBatch / nextBatch): copy its bytes, then step over it
        if (reader instanceof BsonBinaryReader binary && binary.getState() == AbstractBsonReader.State.VALUE
                && binary.getCurrentBsonType() == BsonType.DOCUMENT) {
            BsonInput input = binary.getBsonInput();
            BsonInputMark start = input.getMark(Integer.MAX_VALUE);
            int size = input.readInt32();
            start.reset();
            if (size < 5) {
                return DRIVER.decode(reader, decoderContext); // the driver's error for a malformed size
            }
            byte[] bytes = new byte[size];
            input.readBytes(bytes);
            start.reset();
            binary.skipValue();
            return new RawBsonDocument(bytes);
        }
        return DRIVER.decode(reader, decoderContext);
    }

    @Override
    public void encode(BsonWriter writer, RawBsonDocument value, EncoderContext encoderContext) {
        DRIVER.encode(writer, value, encoderContext);
    }

    @Override
    public Class<RawBsonDocument> getEncoderClass() {
        return RawBsonDocument.class;
    }
}
