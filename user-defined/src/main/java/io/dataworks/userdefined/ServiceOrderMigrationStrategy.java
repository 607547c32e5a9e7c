package io.dataworks.userdefined;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.bson.BsonArray;
import org.bson.BsonDateTime;
import org.bson.BsonDecimal128;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonValue;
import org.bson.types.Decimal128;

import io.dataworks.migrations.MigrationStrategy;
import io.dataworks.migrations.Namespace;

/**
 * Service orders exported from Cosmos DB, cleaned up on the way to Atlas:
 * <ul>
 * <li>dates stored as strings ({@code "2024-03-01T10:15:00Z"}, {@code "2024-03-01"}) become BSON dates;</li>
 * <li>line totals, {@code lineCount}, {@code subtotal}, {@code tax} (8.25%) and {@code total} are recomputed
 * from the lines as Decimal128 (exports carry them as doubles or strings, sometimes stale);</li>
 * <li>{@code migratedAt} records when the document was migrated.</li>
 * </ul>
 * Stateless and thread-safe; {@link #verify} checks a migrated pair.
 */
public final class ServiceOrderMigrationStrategy implements MigrationStrategy {

    public static final String NAME = "service-order";
    static final List<String> DATE_FIELDS = List.of("openedAt", "promisedAt", "closedAt");
    static final BigDecimal TAX_RATE = new BigDecimal("0.0825");

    private final Clock clock;

    public ServiceOrderMigrationStrategy() {
        this(Clock.systemUTC());
    }

    ServiceOrderMigrationStrategy(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "service orders from Cosmos DB: string dates to BSON dates, totals recomputed from lines, migratedAt added";
    }

    @Override
    public boolean transformsDocuments() {
        return true;
    }

    @Override
    public List<BsonDocument> transform(BsonDocument document, Namespace source) {
        for (String field : DATE_FIELDS) {
            BsonValue value = document.get(field);
            if (value != null && value.isString()) {
                document.put(field, new BsonDateTime(parseDate(value.asString().getValue()).toEpochMilli()));
            }
        }
        Totals totals = totals(document);
        if (totals != null) {
            document.put("lines", totals.lines());
            document.put("lineCount", new BsonInt32(totals.lines().size()));
            document.put("subtotal", decimal(totals.subtotal()));
            document.put("tax", decimal(totals.tax()));
            document.put("total", decimal(totals.total()));
        }
        document.put("migratedAt", new BsonDateTime(clock.millis()));
        return List.of(document);
    }

    @Override
    public String verify(BsonDocument source, BsonDocument target) {
        if (target == null) {
            return "missing on the target";
        }
        for (String field : DATE_FIELDS) {
            if (source.containsKey(field) && !(target.get(field) instanceof BsonDateTime)) {
                return field + " is not a date on the target";
            }
        }
        Totals expected = totals(source);
        if (expected != null) {
            BigDecimal total = number(target.get("total"));
            if (total == null || total.compareTo(expected.total()) != 0) {
                return "total " + total + " on the target, expected " + expected.total() + " from the lines";
            }
        }
        if (!(target.get("migratedAt") instanceof BsonDateTime)) {
            return "migratedAt missing on the target";
        }
        return null;
    }

    private record Totals(BsonArray lines, BigDecimal subtotal, BigDecimal tax, BigDecimal total) {
    }

    /** Totals recomputed from the lines, or null when the document has no lines array. */
    private static Totals totals(BsonDocument document) {
        BsonValue lines = document.get("lines");
        if (lines == null || !lines.isArray()) {
            return null;
        }
        BsonArray fixed = new BsonArray();
        BigDecimal subtotal = BigDecimal.ZERO;
        for (BsonValue value : lines.asArray()) {
            if (!value.isDocument()) {
                fixed.add(value);
                continue;
            }
            BsonDocument line = value.asDocument().clone();
            BigDecimal quantity = number(line.get("quantity"));
            BigDecimal unitPrice = number(line.get("unitPrice"));
            if (quantity != null && unitPrice != null) {
                BigDecimal lineTotal = quantity.multiply(unitPrice).setScale(2, RoundingMode.HALF_EVEN);
                line.put("unitPrice", decimal(unitPrice));
                line.put("lineTotal", decimal(lineTotal));
                subtotal = subtotal.add(lineTotal);
            }
            fixed.add(line);
        }
        subtotal = subtotal.setScale(2, RoundingMode.HALF_EVEN);
        BigDecimal tax = subtotal.multiply(TAX_RATE).setScale(2, RoundingMode.HALF_EVEN);
        return new Totals(fixed, subtotal, tax, subtotal.add(tax));
    }

    /** A number stored as any BSON numeric type or as a numeric string; null when absent or not a number. */
    static BigDecimal number(BsonValue value) {
        if (value == null) {
            return null;
        }
        try {
            return switch (value.getBsonType()) {
                case DECIMAL128 -> value.asDecimal128().getValue().bigDecimalValue();
                case DOUBLE -> BigDecimal.valueOf(value.asDouble().getValue());
                case INT32 -> BigDecimal.valueOf(value.asInt32().getValue());
                case INT64 -> BigDecimal.valueOf(value.asInt64().getValue());
                case STRING -> new BigDecimal(value.asString().getValue().trim());
                default -> null;
            };
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    private static BsonDecimal128 decimal(BigDecimal value) {
        return new BsonDecimal128(new Decimal128(value));
    }

    /** ISO-8601 instants with or without offset, and plain dates (midnight UTC). */
    static Instant parseDate(String text) {
        String s = text.trim();
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException notOffset) {
            try {
                return java.time.LocalDateTime.parse(s).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                try {
                    return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
                } catch (DateTimeParseException notDate) {
                    throw new IllegalArgumentException("not a date: '" + text + "'", notDate);
                }
            }
        }
    }

    static List<String> dateFields() {
        return new ArrayList<>(DATE_FIELDS);
    }
}
