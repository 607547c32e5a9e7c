package io.dataworks.generators.rehearsal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.random.RandomGenerator;

import org.bson.BsonDbPointer;
import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.BsonUndefined;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Code;
import org.bson.types.CodeWithScope;
import org.bson.types.Decimal128;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.bson.types.ObjectId;
import org.bson.types.Symbol;

import io.dataworks.generators.DocumentGenerator;

/**
 * Rehearsal ("torture") data: documents made to break migrations, for trying one before it meets
 * production ({@code flexible-generator --torture} or {@code --generator rehearsal}, and
 * {@code new RehearsalGenerator()} in tests).
 *
 * <ul>
 * <li>{@code _id}s of ten BSON types, by {@code index % 10}: ObjectId, Int32, Int64, String, Double,
 *     Decimal128, Date, UUID (Binary 4), a sub-document and Binary 0; all unique, also across the numeric
 *     types (which compare equal in MongoDB: 5 and 5L are the same {@code _id}).</li>
 * <li>Field names with a {@code $} prefix and with dots ({@code meta.$price}, {@code meta["a.b"]},
 *     top-level {@code "dotted.name"}), empty and Unicode names.</li>
 * <li>Every BSON type in {@code types}, deprecated ones included (Undefined, DBPointer, Symbol,
 *     JavaScript with scope), and edge values: NaN, infinities, -0.0, extreme integers, dates before 1970
 *     and after 9999, empty strings, documents and arrays.</li>
 * <li>Deep nesting: every {@value #DEEP_EVERY}th document nests {@value #DEEP_LEVELS} levels (MongoDB allows 100).</li>
 * <li>Big documents, a small bounded share: every {@value #HUGE_EVERY}th document is just under 16 MiB
 *     (MongoDB's limit), every {@value #LARGE_EVERY}th just under 2 MiB (Azure Cosmos DB's).</li>
 * <li>Unique-index collisions: {@value #UNIQUE_FIELD} is unique but for one document in
 *     {@value #DUPLICATE_EVERY}, which repeats one of {@value #DUPLICATE_VALUES} values: a unique index on it
 *     fails.</li>
 * <li>{@code _id} not the first field in one document in {@value #ID_LAST_EVERY}.</li>
 * </ul>
 * Document {@code i} depends only on {@code (seed, i)}. {@link Profile#EMBEDDED} leaves out what the
 * embedded server (mongo-java-server) cannot store: DBPointer, Symbol, JavaScript with scope and Binary
 * subtypes 1, 2 and 5; tests that write to it use {@code new RehearsalGenerator(Profile.EMBEDDED)}.
 */
public final class RehearsalGenerator implements DocumentGenerator {

    /** The generator's name for {@code --generator}. */
    public static final String NAME = "rehearsal";
    public static final int HUGE_EVERY = 1000;
    public static final int HUGE_BYTES = 16 * 1024 * 1024 - 40 * 1024;
    public static final int LARGE_EVERY = 250;
    public static final int LARGE_BYTES = 2 * 1024 * 1024 - 8 * 1024;
    public static final int DEEP_EVERY = 50;
    public static final int DEEP_LEVELS = 90;
    public static final String UNIQUE_FIELD = "email";
    public static final int DUPLICATE_EVERY = 100;
    public static final int DUPLICATE_VALUES = 7;
    public static final int ID_LAST_EVERY = 37;
    private static final long BASE_MILLIS = 1_735_689_600_000L; // 2025-01-01T00:00:00Z

    /** Which BSON types go in. */
    public enum Profile {
        /** Every BSON type, deprecated ones included: for MongoDB and Atlas. */
        FULL,
        /** Without the types the embedded test server (mongo-java-server) rejects. */
        EMBEDDED
    }

    private final Profile profile;

    /** Every BSON type ({@link Profile#FULL}); the built-in generator {@value #NAME}. */
    public RehearsalGenerator() {
        this(Profile.FULL);
    }

    public RehearsalGenerator(Profile profile) {
        this.profile = java.util.Objects.requireNonNull(profile, "profile");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "rehearsal data that breaks migrations: mixed _id types, $ and dotted names, every BSON type, deep nesting,"
                + " documents near 16 MiB and 2 MiB, unique-index collisions";
    }

    @Override
    public Document generate(long index, RandomGenerator random) {
        Object id = id(index, random);
        Document d = new Document();
        boolean idLast = index % ID_LAST_EVERY == ID_LAST_EVERY - 1;
        if (!idLast) {
            d.append("_id", id);
        }
        d.append("i", index);
        d.append(UNIQUE_FIELD, index % DUPLICATE_EVERY == DUPLICATE_EVERY - 1
                ? "dup" + (index / DUPLICATE_EVERY) % DUPLICATE_VALUES + "@example.com"
                : "user" + index + "@example.com");
        d.append("dotted.name", random.nextInt(100));
        d.append("meta", new Document("$price", random.nextInt(1000)).append("a.b", "dotted").append("", "empty name")
                .append("ünïcødé 名前 🚀", "unicode name").append("$type", "not an operator"));
        d.append("types", types(index, random, profile));
        d.append("edges", edges(random));
        d.append("mixed", mixed(index, random));
        if (index % DEEP_EVERY == DEEP_EVERY - 1) {
            d.append("deep", deep(DEEP_LEVELS, random));
        }
        if (index % HUGE_EVERY == HUGE_EVERY - 1) {
            byte[] blob = new byte[HUGE_BYTES];
            random.nextBytes(blob);
            d.append("huge", new Binary(blob));
        } else if (index % LARGE_EVERY == LARGE_EVERY - 1) {
            char[] text = new char[LARGE_BYTES];
            for (int k = 0; k < text.length; k++) {
                text[k] = (char) ('a' + random.nextInt(26));
            }
            d.append("large", new String(text));
        }
        if (idLast) {
            d.append("_id", id);
        }
        return d;
    }

    /** Unique across the run: each is built from the index, and the numeric ones never meet (i, 2^40 + i, i + 0.5, i + 0.25). */
    static Object id(long index, RandomGenerator random) {
        return switch ((int) (index % 10)) {
            case 0 -> new ObjectId((int) (BASE_MILLIS / 1000 + (index >>> 24)), (int) (index & 0xFFFFFF));
            case 1 -> (int) index;
            case 2 -> (1L << 40) + index;
            case 3 -> "id-" + index;
            case 4 -> index + 0.5;
            case 5 -> new Decimal128(BigDecimal.valueOf(index).add(new BigDecimal("0.25")));
            case 6 -> new Date(BASE_MILLIS + index);
            case 7 -> new Binary((byte) 4, uuidBytes(0x5EED_0000_0000_4000L | (index & 0xFFFF_FFFFL) << 16, 0x8000_0000_0000_0000L | index));
            case 8 -> new Document("k", index).append("t", "compound");
            default -> new Binary(longBytes(index));
        };
    }

    private static Document types(long index, RandomGenerator random, Profile profile) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        byte[] oid = new byte[12];
        random.nextBytes(oid);
        Document types = new Document("double", random.nextDouble())
                .append("string", "text " + index)
                .append("document", new Document("x", 1))
                .append("array", List.of(1, "two", 3.0))
                .append("binary", new Binary(bytes))
                .append("uuid", new Binary((byte) 4, bytes))
                .append("userBinary", new Binary((byte) 0x80, bytes))
                .append("undefined", new BsonUndefined())
                .append("objectId", new ObjectId(oid))
                .append("bool", random.nextBoolean())
                .append("date", new Date(BASE_MILLIS - random.nextLong(1_000_000_000_000L)))
                .append("null", null)
                .append("regex", new BsonRegularExpression("^a.*z$", "im"))
                .append("javascript", new Code("function() { return 1; }"))
                .append("int32", random.nextInt())
                .append("timestamp", new BsonTimestamp((int) (BASE_MILLIS / 1000), (int) (index & 0xFFFF) + 1))
                .append("int64", random.nextLong())
                .append("decimal128", Decimal128.parse("1234567890.123456789"))
                .append("minKey", new MinKey())
                .append("maxKey", new MaxKey());
        if (profile == Profile.FULL) {
            types.append("function", new Binary((byte) 1, bytes))
                    .append("binaryOld", new Binary((byte) 2, bytes))
                    .append("md5", new Binary((byte) 5, bytes))
                    .append("dbPointer", new BsonDbPointer("db.coll", new ObjectId(oid)))
                    .append("symbol", new Symbol("sym"))
                    .append("javascriptWithScope", new CodeWithScope("function() { return x; }", new Document("x", 1)));
        }
        return types;
    }

    private static Document edges(RandomGenerator random) {
        return new Document("nan", Double.NaN)
                .append("infinity", Double.POSITIVE_INFINITY)
                .append("negativeInfinity", Double.NEGATIVE_INFINITY)
                .append("negativeZero", -0.0)
                .append("intMin", Integer.MIN_VALUE)
                .append("longMax", Long.MAX_VALUE)
                .append("decimalNaN", Decimal128.NaN)
                .append("decimalNegativeZero", Decimal128.NEGATIVE_ZERO)
                .append("beforeEpoch", new Date(-62_135_596_800_000L)) // year 1
                .append("afterYear9999", new Date(253_402_300_800_000L + random.nextInt(1000)))
                .append("emptyString", "")
                .append("emptyDocument", new Document())
                .append("emptyArray", List.of())
                .append("nestedArrays", List.of(List.of(List.of(1, 2), List.of()), List.of("x")))
                .append("unicode", "ünïcødé ✓ 名前 🚀 \u202Eright-to-left\u202C \u0000nul inside")
                .append("longString", "x".repeat(1000));
    }

    /** The same field with a different BSON type from one document to the next. */
    private static Object mixed(long index, RandomGenerator random) {
        return switch ((int) (index % 6)) {
            case 0 -> random.nextInt(100);
            case 1 -> "text";
            case 2 -> List.of(1, 2);
            case 3 -> new Document("nested", true);
            case 4 -> null;
            default -> random.nextDouble();
        };
    }

    private static Document deep(int levels, RandomGenerator random) {
        Document leaf = new Document("leaf", random.nextInt());
        for (int k = 1; k < levels; k++) {
            leaf = new Document("level" + (levels - k), leaf);
        }
        return leaf;
    }

    private static byte[] uuidBytes(long msb, long lsb) {
        byte[] b = new byte[16];
        System.arraycopy(longBytes(msb), 0, b, 0, 8);
        System.arraycopy(longBytes(lsb), 0, b, 8, 8);
        return b;
    }

    private static byte[] longBytes(long v) {
        byte[] b = new byte[8];
        for (int k = 7; k >= 0; k--) {
            b[k] = (byte) v;
            v >>>= 8;
        }
        return b;
    }

    /** For tests: the documents {@code from .. to-1} that must fail a unique index on {@link #UNIQUE_FIELD}. */
    public static List<Long> duplicates(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i < to; i++) {
            if (i % DUPLICATE_EVERY == DUPLICATE_EVERY - 1) {
                out.add(i);
            }
        }
        return out;
    }
}
