package io.dataworks.generators.infer;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import org.bson.BsonArray;
import org.bson.BsonBinary;
import org.bson.BsonBinarySubType;
import org.bson.BsonDocument;
import org.bson.BsonType;
import org.bson.BsonValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Infers a template from a sample of documents: the shape of production data without its content.
 *
 * <p>Per field (nested documents and array elements included): how often it is present
 * ({@code missingRate}) and null ({@code nullRate}); its mix of BSON types (a {@code $choose} with the
 * observed weights); for numbers and dates their range; for arrays their length range (and a normal
 * distribution of lengths fitted to the sample); for strings either a weighted {@code $choose} of the
 * values seen, when there are few distinct ones (a category: status, country code), or an operator for
 * the format recognised (emails, UUIDs, ObjectId hex strings, phone numbers, URLs, IP addresses) or text
 * of the observed length. No other value of the sample is copied into the template.
 *
 * <p>Memory is bounded by the number of distinct fields, not documents: each string field keeps at most
 * {@value #CATEGORY_LIMIT} distinct values, and forgets them once it has seen more. Not thread-safe.
 */
public final class TemplateInference {

    /** More distinct strings than this and a field is text, not a category. */
    static final int CATEGORY_LIMIT = 30;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[A-Za-z]{2,}");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern OBJECT_ID = Pattern.compile("[0-9a-f]{24}");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9 ()\\-.]{7,20}");
    private static final Pattern URL = Pattern.compile("https?://\\S+");
    private static final Pattern IP = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private final Fields root = new Fields();
    private long documents;

    /** Adds one document of the sample. */
    public void add(BsonDocument document) {
        documents++;
        root.add(document);
    }

    /** How many documents were added. */
    public long documents() {
        return documents;
    }

    /** The template for the documents added so far (an object; its field order is the order first seen). */
    public ObjectNode template() {
        return root.template(documents);
    }

    // ---------------------------------------------------------------------------------------------- statistics

    /** The fields of one kind of object (the top level, a sub-document, the documents inside an array). */
    private static final class Fields {
        private final Map<String, Field> fields = new LinkedHashMap<>();

        void add(BsonDocument doc) {
            for (Map.Entry<String, BsonValue> e : doc.entrySet()) {
                fields.computeIfAbsent(e.getKey(), k -> new Field()).add(e.getValue());
            }
        }

        ObjectNode template(long objects) {
            ObjectNode out = JSON.objectNode();
            fields.forEach((name, field) -> out.set(name, field.template(objects)));
            return out;
        }
    }

    /** One field (or the elements of an array): presence, nulls and a statistic per BSON type seen. */
    private static final class Field {
        long present;
        long nulls;
        final Map<BsonType, Values> types = new LinkedHashMap<>();

        void add(BsonValue v) {
            present++;
            if (v.isNull()) {
                nulls++;
                return;
            }
            types.computeIfAbsent(v.getBsonType(), t -> new Values()).add(v);
        }

        /** The template of this field among {@code parents} objects that could have had it. */
        JsonNode template(long parents) {
            JsonNode value = value();
            double missing = parents == 0 ? 0 : round(1.0 - (double) present / parents);
            double nullRate = parents == 0 ? 0 : round((double) nulls / parents);
            if (missing <= 0 && nullRate <= 0) {
                return value;
            }
            ObjectNode field = JSON.objectNode();
            field.set("value", value);
            if (nullRate > 0) {
                field.put("nullRate", nullRate);
            }
            if (missing > 0) {
                field.put("missingRate", missing);
            }
            return JSON.objectNode().set("$field", field);
        }

        /** The value's template, without the null and missing rates. */
        JsonNode value() {
            if (types.isEmpty()) {
                return JSON.nullNode();
            }
            if (types.size() == 1) {
                Map.Entry<BsonType, Values> only = types.entrySet().iterator().next();
                return only.getValue().template(only.getKey());
            }
            ArrayNode from = JSON.arrayNode();
            ArrayNode weights = JSON.arrayNode();
            types.forEach((type, values) -> {
                from.add(values.template(type));
                weights.add(values.count);
            });
            ObjectNode choose = JSON.objectNode();
            choose.set("from", from);
            choose.set("weights", weights);
            return JSON.objectNode().set("$choose", choose);
        }
    }

    /** Values of one BSON type in one field. */
    private static final class Values {
        long count;
        // numbers and dates
        BigDecimal min;
        BigDecimal max;
        int decimals;
        // strings
        Map<String, Long> distinct = new LinkedHashMap<>();
        int minLength = Integer.MAX_VALUE;
        int maxLength;
        long words;
        long email;
        long uuid;
        long objectId;
        long phone;
        long url;
        long ip;
        // booleans
        long trues;
        // binary
        int subtype = -1;
        long bytes;
        // arrays
        Field elements;
        Fields elementDocuments;
        long arrays;
        long minItems = Long.MAX_VALUE;
        long maxItems;
        double sumItems;
        double sumSquaredItems;
        // documents
        Fields fields;

        void add(BsonValue v) {
            count++;
            switch (v.getBsonType()) {
                case INT32 -> number(BigDecimal.valueOf(v.asInt32().getValue()));
                case INT64 -> number(BigDecimal.valueOf(v.asInt64().getValue()));
                case DOUBLE -> {
                    double d = v.asDouble().getValue();
                    if (Double.isFinite(d)) {
                        BigDecimal b = BigDecimal.valueOf(d);
                        number(b);
                        decimals = Math.max(decimals, Math.min(6, Math.max(0, b.stripTrailingZeros().scale())));
                    }
                }
                case DECIMAL128 -> {
                    if (!v.asDecimal128().getValue().isNaN() && !v.asDecimal128().getValue().isInfinite()) {
                        BigDecimal b = v.asDecimal128().getValue().bigDecimalValue();
                        number(b);
                        decimals = Math.max(decimals, Math.min(18, Math.max(0, b.scale())));
                    }
                }
                case DATE_TIME -> number(BigDecimal.valueOf(v.asDateTime().getValue()));
                case STRING -> string(v.asString().getValue());
                case BOOLEAN -> trues += v.asBoolean().getValue() ? 1 : 0;
                case BINARY -> {
                    BsonBinary b = v.asBinary();
                    subtype = b.getType();
                    bytes += b.getData().length;
                }
                case ARRAY -> array(v.asArray());
                case DOCUMENT -> {
                    if (fields == null) {
                        fields = new Fields();
                    }
                    fields.add(v.asDocument());
                }
                default -> {
                    // ObjectId, Timestamp, regex, MinKey, MaxKey...: the type is all there is to know
                }
            }
        }

        private void number(BigDecimal b) {
            min = min == null || b.compareTo(min) < 0 ? b : min;
            max = max == null || b.compareTo(max) > 0 ? b : max;
        }

        private void string(String s) {
            minLength = Math.min(minLength, s.length());
            maxLength = Math.max(maxLength, s.length());
            words += s.isBlank() ? 0 : s.trim().split("\\s+").length;
            if (distinct != null) {
                distinct.merge(s, 1L, Long::sum);
                if (distinct.size() > CATEGORY_LIMIT) {
                    distinct = null; // text, not a category: forget the values
                }
            }
            email += EMAIL.matcher(s).matches() ? 1 : 0;
            uuid += UUID.matcher(s).matches() ? 1 : 0;
            objectId += OBJECT_ID.matcher(s).matches() ? 1 : 0;
            url += URL.matcher(s).matches() ? 1 : 0;
            ip += IP.matcher(s).matches() ? 1 : 0;
            phone += PHONE.matcher(s).matches() && s.chars().filter(Character::isDigit).count() >= 7 ? 1 : 0;
        }

        private void array(BsonArray a) {
            arrays++;
            minItems = Math.min(minItems, a.size());
            maxItems = Math.max(maxItems, a.size());
            sumItems += a.size();
            sumSquaredItems += (double) a.size() * a.size();
            if (elements == null) {
                elements = new Field();
            }
            for (BsonValue e : a) {
                elements.add(e);
            }
        }

        JsonNode template(BsonType type) {
            switch (type) {
                case INT32:
                    return op("$integer", range(JSON.objectNode()));
                case INT64:
                    return op("$long", range(JSON.objectNode()));
                case DOUBLE: {
                    ObjectNode o = range(JSON.objectNode());
                    o.put("fixed", decimals);
                    return op("$floating", o);
                }
                case DECIMAL128: {
                    ObjectNode o = range(JSON.objectNode());
                    o.put("fixed", decimals);
                    return op("$decimal", o);
                }
                case DATE_TIME: {
                    ObjectNode o = JSON.objectNode();
                    o.put("min", Instant.ofEpochMilli(min.longValue()).toString());
                    o.put("max", Instant.ofEpochMilli(max.longValue()).toString());
                    return op("$date", o);
                }
                case BOOLEAN: {
                    ObjectNode o = JSON.objectNode();
                    o.put("likelihood", Math.round(1000.0 * trues / count) / 10.0);
                    return op("$boolean", o);
                }
                case STRING:
                    return stringTemplate();
                case OBJECT_ID:
                    return JSON.textNode("$objectid");
                case BINARY:
                    if (subtype == BsonBinarySubType.UUID_STANDARD.getValue()) {
                        return JSON.textNode("$uuid");
                    }
                    ObjectNode b = JSON.objectNode();
                    b.put("length", Math.round((double) bytes / count));
                    b.put("subtype", subtype);
                    return op("$binary", b);
                case TIMESTAMP:
                    return JSON.textNode("$timestamp");
                case REGULAR_EXPRESSION:
                    return JSON.textNode("$regex");
                case MIN_KEY:
                    return JSON.textNode("$minkey");
                case MAX_KEY:
                    return JSON.textNode("$maxkey");
                case DOCUMENT:
                    return fields.template(count);
                case ARRAY:
                    return arrayTemplate();
                default:
                    return JSON.nullNode();
            }
        }

        private ObjectNode range(ObjectNode o) {
            if (min != null) {
                o.put("min", min);
                o.put("max", max);
            }
            return o;
        }

        private JsonNode stringTemplate() {
            double share = 0.9 * count;
            if (email >= share) {
                return JSON.textNode("$email");
            }
            if (uuid >= share) {
                return JSON.textNode("$guid");
            }
            if (objectId >= share) {
                ObjectNode o = JSON.objectNode();
                o.put("length", 24);
                o.put("pool", "0123456789abcdef");
                return op("$string", o);
            }
            if (url >= share) {
                return JSON.textNode("$url");
            }
            if (ip >= share) {
                return JSON.textNode("$ip");
            }
            // a category: few distinct values, each seen more than once on average
            if (distinct != null && count >= 2L * distinct.size()) {
                ArrayNode from = JSON.arrayNode();
                ArrayNode weights = JSON.arrayNode();
                distinct.forEach((value, n) -> {
                    // a value that would read as an operator or a Datafaker expression stays text
                    boolean special = value.startsWith("$") || value.contains("#{") || value.contains("{{");
                    from.add(special ? JSON.objectNode().put("$literal", value) : JSON.textNode(value));
                    weights.add(n);
                });
                ObjectNode o = JSON.objectNode();
                o.set("from", from);
                o.set("weights", weights);
                return op("$choose", o);
            }
            if (phone >= share) {
                return JSON.textNode("$phone");
            }
            double averageWords = (double) words / count;
            if (averageWords >= 2.5) {
                ObjectNode o = JSON.objectNode();
                o.put("words", Math.max(1, Math.round(averageWords)));
                return op("$sentence", o);
            }
            ObjectNode o = JSON.objectNode();
            o.put("minLength", minLength == Integer.MAX_VALUE ? 0 : minLength);
            o.put("maxLength", maxLength);
            o.put("alpha", true);
            return op("$string", o);
        }

        private JsonNode arrayTemplate() {
            ObjectNode o = JSON.objectNode();
            JsonNode of = elements == null || elements.present == 0 ? JSON.nullNode() : elements.value();
            o.set("of", of);
            o.put("min", minItems);
            o.put("max", maxItems);
            double mean = sumItems / arrays;
            double variance = sumSquaredItems / arrays - mean * mean;
            if (arrays >= 10 && maxItems > minItems && variance > 0.25) {
                o.put("distribution", "normal");
                o.put("mean", Math.round(mean * 100) / 100.0);
                o.put("stddev", Math.round(Math.sqrt(variance) * 100) / 100.0);
            }
            return op("$array", o);
        }
    }

    private static ObjectNode op(String name, JsonNode options) {
        return JSON.objectNode().set(name, options);
    }

    private static double round(double rate) {
        return Math.round(rate * 10_000) / 10_000.0;
    }
}
