package io.dataworks.generators.sink;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.bson.types.ObjectId;

/**
 * Writes a {@link Document} as one line of compact relaxed Extended JSON v2, straight to UTF-8 bytes.
 *
 * <p>It exists for speed: the driver's {@code JsonWriter} goes through a {@code Writer} one character at
 * a time and then through a {@code String}, and took two thirds of the CPU of a file run. The output is
 * what {@link ExtendedJson#JSON_LINES} describes, without spaces: {@code Int64} canonical
 * ({@code {"$numberLong":"5"}}), dates between 1970 and 9999 as ISO-8601 with milliseconds, other dates
 * and non-finite doubles canonical. Values of types it does not know are encoded by the driver's codec,
 * so every type the codec registry handles still works. Not thread-safe: one instance per thread.
 */
final class JsonLineEncoder {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final long MAX_ISO_DATE_MILLIS = 253_402_300_799_999L; // 9999-12-31T23:59:59.999Z
    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private byte[] buffer = new byte[4096];
    private int length;

    /** The line for {@code document}, ending with {@code '\n'}. */
    byte[] encode(Document document) {
        length = 0;
        writeMap(document);
        writeByte('\n');
        byte[] line = Arrays.copyOf(buffer, length);
        if (buffer.length > 1 << 20) {
            buffer = new byte[4096]; // do not keep a huge buffer alive after an outsized document
        }
        return line;
    }

    private void writeMap(Map<?, ?> map) {
        writeByte('{');
        boolean first = true;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (!first) {
                writeByte(',');
            }
            first = false;
            Object key = entry.getKey();
            writeString(key instanceof String name ? name : String.valueOf(key));
            writeByte(':');
            writeValue(entry.getValue());
        }
        writeByte('}');
    }

    private void writeValue(Object value) {
        // exact classes first: interface instanceof checks (Map, List) are slow when they fail, and
        // alternating them thrashes the JVM's per-class secondary-supers cache across threads (JDK-8180450)
        Class<?> type = value == null ? null : value.getClass();
        if (value == null) {
            writeAscii("null");
        } else if (type == Document.class) {
            writeMap((Document) value);
        } else if (type == java.util.ArrayList.class) {
            writeList((List<?>) value);
        } else if (value instanceof String s) {
            writeString(s);
        } else if (value instanceof Integer i) {
            writeAscii(Integer.toString(i));
        } else if (value instanceof Long l) {
            writeAscii("{\"$numberLong\":\"");
            writeAscii(Long.toString(l));
            writeAscii("\"}");
        } else if (value instanceof Double d) {
            writeDouble(d);
        } else if (value instanceof Boolean b) {
            writeAscii(b ? "true" : "false");
        } else if (value instanceof Map<?, ?> map) {
            writeMap(map);
        } else if (value instanceof List<?> list) {
            writeList(list);
        } else if (value instanceof Date date) {
            writeDate(date.getTime());
        } else if (value instanceof ObjectId id) {
            writeAscii("{\"$oid\":\"");
            writeAscii(id.toHexString());
            writeAscii("\"}");
        } else if (value instanceof Decimal128 decimal) {
            writeAscii("{\"$numberDecimal\":\"");
            writeDecimal(decimal);
            writeAscii("\"}");
        } else if (value instanceof Binary binary) {
            writeBinary(binary.getData(), binary.getType());
        } else if (value instanceof UUID uuid) {
            writeBinary(standardUuidBytes(uuid), (byte) 4);
        } else if (value instanceof BsonTimestamp ts) {
            writeAscii("{\"$timestamp\":{\"t\":");
            writeAscii(Integer.toUnsignedString(ts.getTime()));
            writeAscii(",\"i\":");
            writeAscii(Integer.toUnsignedString(ts.getInc()));
            writeAscii("}}");
        } else if (value instanceof BsonRegularExpression regex) {
            writeAscii("{\"$regularExpression\":{\"pattern\":");
            writeString(regex.getPattern());
            writeAscii(",\"options\":");
            writeString(regex.getOptions());
            writeAscii("}}");
        } else if (value instanceof MinKey) {
            writeAscii("{\"$minKey\":1}");
        } else if (value instanceof MaxKey) {
            writeAscii("{\"$maxKey\":1}");
        } else {
            writeWithDriver(value);
        }
    }

    /**
     * A Decimal128's string (IEEE 754-2008 / the BSON decimal128 spec's to-string) without BigDecimal for the
     * common case: a finite value whose coefficient fits in 63 bits, with an exponent <= 0 and an adjusted
     * exponent >= -6, written in plain notation ("689.25", "0.005"); everything else through
     * {@link Decimal128#toString()}.
     */
    private void writeDecimal(Decimal128 decimal) {
        long high = decimal.getHigh();
        long low = decimal.getLow();
        boolean negative = high < 0;
        boolean plainForm = ((high >>> 61) & 3) != 3; // "11" combination: NaN, infinities, large coefficients
        long coefficientHigh = high & 0x1FFFFFFFFFFFFL;
        if (plainForm && coefficientHigh == 0 && low >= 0 && !(negative && low == 0)) {
            int exponent = (int) ((high >>> 49) & 0x3FFF) - 6176;
            String digits = Long.toString(low);
            int adjusted = exponent + digits.length() - 1;
            if (exponent <= 0 && adjusted >= -6) {
                if (negative) {
                    writeByte('-');
                }
                if (exponent == 0) {
                    writeAscii(digits);
                } else {
                    int point = digits.length() + exponent; // digits before the decimal point
                    if (point > 0) {
                        writeAscii(digits.substring(0, point));
                        writeByte('.');
                        writeAscii(digits.substring(point));
                    } else {
                        writeAscii("0.");
                        for (int i = point; i < 0; i++) {
                            writeByte('0');
                        }
                        writeAscii(digits);
                    }
                }
                return;
            }
        }
        writeAscii(decimal.toString());
    }

    /** Subtype 4 (standard) UUID bytes: the 16 bytes big-endian, most significant half first. */
    private static byte[] standardUuidBytes(UUID uuid) {
        byte[] bytes = new byte[16];
        long msb = uuid.getMostSignificantBits();
        long lsb = uuid.getLeastSignificantBits();
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (msb >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (lsb >>> (56 - 8 * i));
        }
        return bytes;
    }

    private void writeList(List<?> list) {
        writeByte('[');
        for (int i = 0, n = list.size(); i < n; i++) {
            if (i > 0) {
                writeByte(',');
            }
            writeValue(list.get(i));
        }
        writeByte(']');
    }

    private void writeDouble(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            writeAscii("{\"$numberDouble\":\"");
            writeAscii(Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
            writeAscii("\"}");
        } else {
            writeAscii(Double.toString(d)); // always has a '.' or an exponent: read back as a double
        }
    }

    private void writeBinary(byte[] data, byte subType) {
        writeAscii("{\"$binary\":{\"base64\":\"");
        byte[] encoded = BASE64.encode(data);
        ensure(encoded.length);
        System.arraycopy(encoded, 0, buffer, length, encoded.length);
        length += encoded.length;
        writeAscii("\",\"subType\":\"");
        writeByte(HEX[(subType >> 4) & 0xF]);
        writeByte(HEX[subType & 0xF]);
        writeAscii("\"}}");
    }

    /** ISO-8601 UTC with milliseconds for 1970..9999 (relaxed mode), {@code $numberLong} otherwise. */
    private void writeDate(long millis) {
        if (millis < 0 || millis > MAX_ISO_DATE_MILLIS) {
            writeAscii("{\"$date\":{\"$numberLong\":\"");
            writeAscii(Long.toString(millis));
            writeAscii("\"}}");
            return;
        }
        long days = Math.floorDiv(millis, 86_400_000L);
        int msOfDay = (int) Math.floorMod(millis, 86_400_000L);
        // civil-from-days (H. Hinnant): proleptic Gregorian date of a day count since 1970-01-01
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int day = (int) (doy - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
        writeAscii("{\"$date\":\"");
        ensure(24);
        digits(year, 4);
        writeByte('-');
        digits(month, 2);
        writeByte('-');
        digits(day, 2);
        writeByte('T');
        digits(msOfDay / 3_600_000, 2);
        writeByte(':');
        digits(msOfDay / 60_000 % 60, 2);
        writeByte(':');
        digits(msOfDay / 1000 % 60, 2);
        writeByte('.');
        digits(msOfDay % 1000, 3);
        writeAscii("Z\"}");
    }

    private void digits(int value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            buffer[length + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        length += width;
    }

    /** A value of a type this encoder does not know: the driver's relaxed JSON for it, spliced in. */
    private void writeWithDriver(Object value) {
        String wrapped = new Document("v", value).toJson(ExtendedJson.JSON_LINES, ExtendedJson.documentCodec());
        int start = wrapped.indexOf(':') + 1;
        int end = wrapped.lastIndexOf('}');
        byte[] bytes = wrapped.substring(start, end).strip().getBytes(StandardCharsets.UTF_8);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, length, bytes.length);
        length += bytes.length;
    }

    /** A JSON string: quotes, escapes for {@code "}, {@code \} and control characters, UTF-8 for the rest. */
    private void writeString(String s) {
        int n = s.length();
        ensure(n * 3 + 2);
        byte[] b = buffer;
        int p = length;
        b[p++] = '"';
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                if (c >= 0x20 && c != '"' && c != '\\') {
                    b[p++] = (byte) c;
                    continue;
                }
                length = p;
                escape(c);
                b = buffer;
                p = length;
            } else if (c < 0x800) {
                b[p++] = (byte) (0xC0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                int cp = Character.toCodePoint(c, s.charAt(++i));
                b[p++] = (byte) (0xF0 | (cp >> 18));
                b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                length = p; // a lone surrogate has no UTF-8 form: escaped, as the driver's writer does
                escape(c);
                b = buffer;
                p = length;
            } else {
                b[p++] = (byte) (0xE0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[p++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        b[p++] = '"';
        length = p;
    }

    private void escape(char c) {
        ensure(6);
        buffer[length++] = '\\';
        switch (c) {
            case '"' -> buffer[length++] = '"';
            case '\\' -> buffer[length++] = '\\';
            case '\n' -> buffer[length++] = 'n';
            case '\r' -> buffer[length++] = 'r';
            case '\t' -> buffer[length++] = 't';
            case '\b' -> buffer[length++] = 'b';
            case '\f' -> buffer[length++] = 'f';
            default -> {
                buffer[length++] = 'u';
                buffer[length++] = HEX[(c >> 12) & 0xF];
                buffer[length++] = HEX[(c >> 8) & 0xF];
                buffer[length++] = HEX[(c >> 4) & 0xF];
                buffer[length++] = HEX[c & 0xF];
            }
        }
    }

    @SuppressWarnings("deprecation")
    private void writeAscii(String s) {
        int n = s.length();
        ensure(n);
        s.getBytes(0, n, buffer, length); // ASCII only: the deprecated method is exactly right and fast
        length += n;
    }

    private void writeByte(int c) {
        ensure(1);
        buffer[length++] = (byte) c;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }
}
