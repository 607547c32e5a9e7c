package io.dataworks.generators.sink;

import java.io.Writer;
import java.nio.charset.StandardCharsets;

import org.bson.Document;
import org.bson.UuidRepresentation;
import org.bson.codecs.Codec;
import org.bson.codecs.EncoderContext;
import org.bson.codecs.configuration.CodecRegistries;
import org.bson.codecs.configuration.CodecRegistry;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriter;
import org.bson.json.JsonWriterSettings;

import com.mongodb.MongoClientSettings;

/**
 * Encoding of generated documents, shared by the sinks.
 *
 * <p>JSON Lines use compact relaxed Extended JSON v2 (what {@code mongoimport} reads) with one exception: 64-bit
 * integers are written canonically ({@code {"$numberLong": "5"}}), because relaxed mode writes them as
 * bare numbers and a small {@code Long} would come back as an {@code Int32}. Every other BSON type keeps
 * its type through relaxed mode ({@code $oid}, {@code $date}, {@code $numberDecimal}, {@code $binary},
 * {@code $timestamp}; doubles keep their decimal point). {@code java.util.UUID} values are encoded as
 * standard (subtype 4) binary. {@link #JSON_LINES} gives the same through the driver's {@code JsonWriter}.
 */
public final class ExtendedJson {

    /** The codec registry the sinks encode {@link Document}s with (driver defaults, standard UUIDs). */
    public static final CodecRegistry CODEC_REGISTRY = CodecRegistries.withUuidRepresentation(
            MongoClientSettings.getDefaultCodecRegistry(), UuidRepresentation.STANDARD);

    /** Relaxed mode with canonical Int64: the driver-side definition of the JSON Lines format. */
    public static final JsonWriterSettings JSON_LINES = JsonWriterSettings.builder()
            .outputMode(JsonMode.RELAXED)
            .int64Converter((value, writer) -> {
                writer.writeStartObject();
                writer.writeString("$numberLong", Long.toString(value));
                writer.writeEndObject();
            })
            .build();

    private static final Codec<Document> DOCUMENT_CODEC = CODEC_REGISTRY.get(Document.class);
    private static final EncoderContext ENCODER_CONTEXT = EncoderContext.builder().build();
    private static final ThreadLocal<LineBuffer> BUFFERS = ThreadLocal.withInitial(LineBuffer::new);
    private static final ThreadLocal<JsonLineEncoder> ENCODERS = ThreadLocal.withInitial(JsonLineEncoder::new);

    private ExtendedJson() {
    }

    /** The driver's codec for {@link Document} from {@link #CODEC_REGISTRY}. */
    public static Codec<Document> documentCodec() {
        return DOCUMENT_CODEC;
    }

    /** One compact JSON line, UTF-8, ending with {@code '\n'}. Thread-safe. */
    public static byte[] toJsonLine(Document document) {
        return ENCODERS.get().encode(document);
    }

    /** The same line through the driver's {@code JsonWriter} (with spaces): the reference the fast encoder is tested against. */
    public static byte[] toJsonLineWithDriver(Document document) {
        LineBuffer buffer = BUFFERS.get();
        buffer.builder.setLength(0);
        DOCUMENT_CODEC.encode(new JsonWriter(buffer, JSON_LINES), document, ENCODER_CONTEXT);
        buffer.builder.append('\n');
        if (buffer.builder.capacity() > 1 << 20) {
            BUFFERS.remove(); // do not keep a huge buffer alive after an outsized document
        }
        return buffer.builder.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** An unsynchronised {@link Writer} over a reusable {@link StringBuilder}, one per thread. */
    private static final class LineBuffer extends Writer {
        private final StringBuilder builder = new StringBuilder(2048);

        @Override
        public void write(char[] chars, int offset, int length) {
            builder.append(chars, offset, length);
        }

        @Override
        public void write(String text) {
            builder.append(text);
        }

        @Override
        public void write(String text, int offset, int length) {
            builder.append(text, offset, offset + length);
        }

        @Override
        public void write(int c) {
            builder.append((char) c);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
