package io.dataworks.generators.sink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.bson.types.ObjectId;

/**
 * Encodes a {@link Document} to BSON bytes directly, producing the same bytes as
 * {@code new RawBsonDocument(document, ExtendedJson.documentCodec())} (standard UUIDs).
 *
 * <p>It exists for speed: on a 2-core machine the generator shares the CPU with the server it writes to,
 * and the codec path (a {@code BsonBinaryWriter} with its state machine and name validation) cost more
 * than rendering the document. Values of types it does not know are encoded by the driver's codec and
 * spliced in. Not thread-safe: one instance per thread.
 */
final class BsonEncoder {

    private static final java.lang.invoke.VarHandle INT_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle LONG_LE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
    private static final java.lang.invoke.VarHandle LONG_BE =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);
    private static final int CACHED_INDEX_KEYS = 1024;
    private static final byte[][] INDEX_KEYS = new byte[CACHED_INDEX_KEYS][];

    static {
        for (int i = 0; i < CACHED_INDEX_KEYS; i++) {
            INDEX_KEYS[i] = Integer.toString(i).getBytes(StandardCharsets.US_ASCII);
        }
    }

    private byte[] buffer = new byte[4096];
    private int length;

    RawBsonDocument encode(Document document) {
        length = 0;
        writeDocument(document);
        RawBsonDocument raw = new RawBsonDocument(Arrays.copyOf(buffer, length));
        if (buffer.length > 1 << 20) {
            buffer = new byte[4096]; // do not keep a huge buffer alive after an outsized document
        }
        return raw;
    }

    private void writeDocument(Map<?, ?> map) {
        int start = length;
        ensure(4);
        length += 4;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            Object key = entry.getKey();
            writeElement(key instanceof String name ? name : String.valueOf(key), null, entry.getValue());
        }
        writeByte(0);
        putInt(start, length - start);
    }

    private void writeArray(List<?> list) {
        int start = length;
        ensure(4);
        length += 4;
        for (int i = 0, n = list.size(); i < n; i++) {
            writeElement(null, i < CACHED_INDEX_KEYS ? INDEX_KEYS[i] : Integer.toString(i).getBytes(StandardCharsets.US_ASCII),
                    list.get(i));
        }
        writeByte(0);
        putInt(start, length - start);
    }

    /** One element: type byte, key (from {@code name}, or the ready bytes of an array index), value. */
    private void writeElement(String name, byte[] indexKey, Object value) {
        int typeAt = length;
        writeByte(0);
        if (indexKey != null) {
            ensure(indexKey.length + 1);
            System.arraycopy(indexKey, 0, buffer, length, indexKey.length);
            length += indexKey.length;
            buffer[length++] = 0;
        } else {
            writeCString(name);
        }
        byte type = writeValue(value); // may grow the buffer: index it afterwards
        buffer[typeAt] = type;
    }

    /** Writes the value and returns its BSON type byte. */
    private byte writeValue(Object value) {
        if (value == null) {
            return 0x0A;
        }
        // exact classes first: interface instanceof checks (Map, List) are slow when they fail, and
        // alternating them thrashes the JVM's per-class secondary-supers cache across threads (JDK-8180450)
        Class<?> type = value.getClass();
        if (type == Document.class) {
            writeDocument((Document) value);
            return 0x03;
        } else if (type == java.util.ArrayList.class) {
            writeArray((List<?>) value);
            return 0x04;
        } else if (value instanceof String s) {
            writeString(s);
            return 0x02;
        } else if (value instanceof Integer i) {
            writeInt(i);
            return 0x10;
        } else if (value instanceof Long l) {
            writeLong(l);
            return 0x12;
        } else if (value instanceof Double d) {
            writeLong(Double.doubleToRawLongBits(d));
            return 0x01;
        } else if (value instanceof Boolean b) {
            writeByte(b ? 1 : 0);
            return 0x08;
        } else if (value instanceof Map<?, ?> map) {
            writeDocument(map);
            return 0x03;
        } else if (value instanceof List<?> list) {
            writeArray(list);
            return 0x04;
        } else if (value instanceof Date date) {
            writeLong(date.getTime());
            return 0x09;
        } else if (value instanceof ObjectId id) {
            ensure(12);
            System.arraycopy(id.toByteArray(), 0, buffer, length, 12);
            length += 12;
            return 0x07;
        } else if (value instanceof Decimal128 decimal) {
            writeLong(decimal.getLow());
            writeLong(decimal.getHigh());
            return 0x13;
        } else if (value instanceof Binary binary && binary.getType() != 2) { // subtype 2 has an inner length: codec
            writeBinary(binary.getType(), binary.getData());
            return 0x05;
        } else if (value instanceof UUID uuid) {
            ensure(21);
            writeInt(16);
            buffer[length++] = 4;
            writeBigEndian(uuid.getMostSignificantBits());
            writeBigEndian(uuid.getLeastSignificantBits());
            return 0x05;
        } else if (value instanceof BsonTimestamp ts) {
            writeLong(ts.getValue());
            return 0x11;
        } else if (value instanceof BsonRegularExpression regex) {
            writeCString(regex.getPattern());
            writeCString(regex.getOptions());
            return 0x0B;
        } else if (value instanceof MinKey) {
            return (byte) 0xFF;
        } else if (value instanceof MaxKey) {
            return 0x7F;
        }
        return writeWithCodec(value);
    }

    /** A value of a type this encoder does not know: encoded by the driver's codec inside {"v": value}, spliced in. */
    private byte writeWithCodec(Object value) {
        org.bson.ByteBuf encoded = new RawBsonDocument(new Document("v", value), ExtendedJson.documentCodec()).getByteBuffer();
        byte[] wrapped = new byte[encoded.remaining()];
        encoded.get(wrapped);
        // int32 size | type | 'v' 0 | value ... | 0
        int valueLength = wrapped.length - 7 - 1;
        ensure(valueLength);
        System.arraycopy(wrapped, 7, buffer, length, valueLength);
        length += valueLength;
        return wrapped[4];
    }

    private void writeBinary(byte subType, byte[] data) {
        ensure(5 + data.length);
        writeInt(data.length);
        buffer[length++] = subType;
        System.arraycopy(data, 0, buffer, length, data.length);
        length += data.length;
    }

    /** int32 length (bytes + 1), UTF-8 bytes, 0. */
    private void writeString(String s) {
        int start = length;
        ensure(4);
        length += 4;
        writeUtf8(s);
        writeByte(0);
        putInt(start, length - start - 4);
    }

    private void writeCString(String s) {
        writeUtf8(s);
        writeByte(0);
    }

    /**
     * UTF-8 bytes of {@code s}. {@code String.getBytes} is the JDK's vectorised path for Latin-1 strings (most
     * generated text); for a lone surrogate it writes '?' where the driver writes the 3-byte form, so a string
     * whose bytes hold a '?' is checked for one and then goes through the char loop.
     */
    private void writeUtf8(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (hasQuestionMark(bytes) && hasLoneSurrogate(s)) {
            writeUtf8Chars(s);
            return;
        }
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    private static boolean hasQuestionMark(byte[] bytes) {
        for (byte b : bytes) {
            if (b == '?') {
                return true;
            }
        }
        return false;
    }

    private static boolean hasLoneSurrogate(String s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private void writeUtf8Chars(String s) {
        int n = s.length();
        ensure(n * 3);
        byte[] b = buffer;
        int p = length;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                b[p++] = (byte) c;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else { // includes a lone surrogate, written in its 3-byte form as the driver does
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        length = p;
    }

    private void writeInt(int v) {
        ensure(4);
        putInt(length, v);
        length += 4;
    }

    private void putInt(int at, int v) {
        INT_LE.set(buffer, at, v);
    }

    private void writeLong(long v) {
        ensure(8);
        LONG_LE.set(buffer, length, v);
        length += 8;
    }

    private void writeBigEndian(long v) {
        LONG_BE.set(buffer, length, v);
        length += 8;
    }

    private void writeByte(int b) {
        ensure(1);
        buffer[length++] = (byte) b;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
