package io.dataworks.generators.template.internal;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.bson.types.ObjectId;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.dataworks.generators.template.TemplateException;
import io.dataworks.generators.template.TemplateOptions;

/**
 * Parses a JSON template and compiles it, once, into a tree of {@link Node}s. Everything that can be
 * checked is checked here, with the JSON path of the offending value: unknown operators and options,
 * option types and ranges, Datafaker expressions (evaluated once), and references (which must name a
 * field generated earlier).
 */
public final class TemplateCompiler {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .build();

    private static final Pattern OPERATOR_NAME = Pattern.compile("\\$[A-Za-z][A-Za-z0-9_]*");
    private static final List<String> RATE_KEYS = List.of("nullRate", "missingRate");

    /**
     * The result of compiling: the root node, the deepest object nesting, the Datafaker locales in use,
     * and warnings about things that compile but may not do what the author meant (path: text).
     */
    public record Compiled(Node root, int maxDepth, List<Locale> locales, List<String> warnings) {
    }

    /** An operator's compiler: {@code args} is its options (null for the bare string form). */
    @FunctionalInterface
    interface Operator {
        Node compile(TemplateCompiler c, String op, JsonNode args, String path, Scope scope);
    }

    /** The fields of one object being compiled: all its names, and those already compiled (referable). */
    static final class Scope {
        final Scope parent;
        final int depth;
        final Set<String> all;
        final Set<String> defined = new HashSet<>();

        Scope(Scope parent, int depth, Set<String> all) {
            this.parent = parent;
            this.depth = depth;
            this.all = all;
        }
    }

    private static final Map<String, Operator> OPERATORS = new HashMap<>();

    static {
        Operators.register(OPERATORS);
        ChanceNames.register(OPERATORS);
        ChanceExtras.register(OPERATORS);
        SetOperators.register(OPERATORS);
    }

    private final String source;
    private final TemplateOptions options;
    private final List<Locale> locales = new ArrayList<>();
    private final Fakers fakers = new Fakers();
    private final List<TemplateException> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private int maxDepth;
    private int arrayNesting;

    private final Related related;

    TemplateCompiler(String source, TemplateOptions options, Related related) {
        this.source = source;
        this.options = options;
        this.related = related;
        this.locales.add(options.locale());
    }

    /** Parses and compiles {@code json}; {@code source} names it in error messages. */
    public static Compiled compile(String json, String source, TemplateOptions options) {
        return compile(json, source, options, null);
    }

    /** Parses and compiles {@code json}, one collection of a template set that sees the others through {@code related}. */
    public static Compiled compile(String json, String source, TemplateOptions options, Related related) {
        TemplateCompiler compiler = new TemplateCompiler(source, options, related);
        JsonNode tree = compiler.parse(json);
        if (!tree.isObject()) {
            throw compiler.error("$", "a template must be a JSON object, got " + Opts.describe(tree));
        }
        Node root = compiler.compileObject((ObjectNode) tree, "$", null);
        if (compiler.problems.size() == 1) {
            throw compiler.problems.get(0);
        }
        if (!compiler.problems.isEmpty()) {
            throw new TemplateException(source, compiler.problems);
        }
        return new Compiled(root, compiler.maxDepth, List.copyOf(compiler.locales), List.copyOf(compiler.warnings));
    }

    /** Every operator and chance name the language knows, with its leading {@code $}. */
    public static Set<String> operatorNames() {
        return new TreeSet<>(OPERATORS.keySet());
    }

    private JsonNode parse(String json) {
        try {
            JsonNode tree = MAPPER.readTree(json);
            if (tree == null || tree.isMissingNode()) {
                throw error("line 1, column 1", "the template is empty");
            }
            return tree;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "?" : "line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new TemplateException(source, where, "invalid JSON: " + e.getOriginalMessage(), e);
        }
    }

    TemplateException error(String path, String detail) {
        return new TemplateException(source, path, detail);
    }

    TemplateOptions options() {
        return options;
    }

    /** The other collections of the template set being compiled, or null for a single template. */
    Related related() {
        return related;
    }

    Fakers fakers() {
        return fakers;
    }

    /** The slot of {@code locale} in the per-thread Faker table, registering it on first use. */
    int localeSlot(Locale locale) {
        int i = locales.indexOf(locale);
        if (i < 0) {
            locales.add(locale);
            i = locales.size() - 1;
        }
        return i;
    }

    Locale locale(int slot) {
        return locales.get(slot);
    }

    static String child(String path, String key) {
        return path + "." + key;
    }

    // ---------------------------------------------------------------------------------------------
    // values

    Node compile(JsonNode json, String path, Scope scope) {
        switch (json.getNodeType()) {
            case OBJECT:
                return compileOperatorOrObject((ObjectNode) json, path, scope);
            case ARRAY: {
                List<Node> elements = new ArrayList<>(json.size());
                for (int i = 0; i < json.size(); i++) {
                    elements.add(compileOrRecord(json.get(i), path + "[" + i + "]", scope));
                }
                return new Nodes.ListNode(elements);
            }
            case STRING:
                return compileString(json.asText(), path, scope);
            case NUMBER:
                return new Nodes.Constant(number(json));
            case BOOLEAN:
                return new Nodes.Constant(json.asBoolean());
            case NULL:
                return new Nodes.Constant(null);
            default:
                throw error(path, "unsupported JSON value " + Opts.describe(json));
        }
    }

    static Object number(JsonNode json) {
        if (json.isIntegralNumber()) {
            if (json.canConvertToInt()) {
                return json.intValue();
            }
            if (json.canConvertToLong()) {
                return json.longValue();
            }
            return new Decimal128(new BigDecimal(json.bigIntegerValue()));
        }
        return json.doubleValue();
    }

    /**
     * Compiles one field or array element; a mistake in it is recorded (and compiling goes on with the
     * next one), so that one run reports every mistake of the template, each with its path.
     */
    private Node compileOrRecord(JsonNode json, String path, Scope scope) {
        try {
            return compile(json, path, scope);
        } catch (TemplateException e) {
            problems.addAll(e.problems());
            return new Nodes.Constant(null);
        }
    }

    private Node compileString(String text, String path, Scope scope) {
        if (text.startsWith("$") && OPERATOR_NAME.matcher(text).matches()) {
            return operator(text, null, path, scope);
        }
        if (text.contains("{{") && text.contains("}}")) {
            warnings.add(path + ": '" + (text.length() > 60 ? text.substring(0, 60) + "…" : text) + "' looks like an mgeneratejs"
                    + " handlebars string ({{chance.x()}}); it is written as it is, not evaluated: use an operator"
                    + " (\"$name\") or a Datafaker expression (\"#{Name.fullName}\") instead");
        }
        if (text.contains("#{")) {
            return fakers.expression(this, text, options.locale(), path);
        }
        return new Nodes.Constant(text);
    }

    private Node compileObject(ObjectNode json, String path, Scope parent) {
        int depth = parent == null ? 0 : parent.depth + 1;
        maxDepth = Math.max(maxDepth, depth);
        Set<String> names = new LinkedHashSet<>();
        json.fieldNames().forEachRemaining(names::add);
        Scope scope = new Scope(parent, depth, names);
        List<String> keys = new ArrayList<>(names.size());
        List<Node> values = new ArrayList<>(names.size());
        for (Map.Entry<String, JsonNode> field : json.properties()) {
            String key = field.getKey();
            String fieldPath = child(path, key);
            if (key.startsWith("$")) {
                problems.add(error(fieldPath, "field names starting with $ are operators, and an operator object has"
                        + " exactly one key; use {\"$literal\": ...} for a literal $-field"));
                continue;
            }
            values.add(compileOrRecord(field.getValue(), fieldPath, scope));
            keys.add(key);
            scope.defined.add(key);
        }
        return new Nodes.ObjectNode(depth, keys, values);
    }

    private Node compileOperatorOrObject(ObjectNode json, String path, Scope scope) {
        if (json.isEmpty()) {
            return compileObject(json, path, scope);
        }
        Iterator<String> names = json.fieldNames();
        String first = names.next();
        if (!first.startsWith("$")) {
            return compileObject(json, path, scope);
        }
        Object literal = ExtendedJson.literal(this, json, path);
        if (literal != null) {
            return new Nodes.Constant(literal == ExtendedJson.NULL ? null : literal);
        }
        if (json.size() != 1) {
            throw error(path, "an operator object has exactly one key, found " + json.size() + ": "
                    + String.join(", ", (Iterable<String>) json::fieldNames));
        }
        return operator(first, json.get(first), path, scope);
    }

    private Node operator(String op, JsonNode args, String path, Scope scope) {
        Operator compiler = OPERATORS.get(op);
        if (compiler == null) {
            Set<String> canonical = new HashSet<>(OPERATORS.keySet());
            canonical.removeAll(Operators.ALIASES);
            String hint = Suggest.closest(op, canonical).map(s -> " (did you mean " + s + "?)").orElse("");
            throw error(path, "unknown operator " + op + hint);
        }
        if (args != null && args.isObject() && !"$literal".equals(op) && !"$field".equals(op)
                && (args.has("nullRate") || args.has("missingRate"))) {
            ObjectNode stripped = ((ObjectNode) args).deepCopy();
            stripped.remove(RATE_KEYS);
            Opts rates = Opts.of(this, op, path, ((ObjectNode) args).deepCopy().retain(RATE_KEYS), RATE_KEYS);
            double nullRate = rates.rateOpt("nullRate");
            double missingRate = rates.rateOpt("missingRate");
            if (nullRate + missingRate > 1) {
                throw error(path, op + " nullRate + missingRate must not exceed 1");
            }
            Node inner = DynamicOptions.compile(this, compiler, op, stripped, path, scope);
            return nullRate + missingRate > 0 ? new Nodes.Rates(inner, nullRate, missingRate) : inner;
        }
        return DynamicOptions.compile(this, compiler, op, args, path, scope);
    }

    /** True when {@code json} is (or contains, in arrays and sub-objects) an operator this compiler knows. */
    boolean containsOperator(JsonNode json) {
        if (json.isTextual()) {
            String t = json.asText();
            return t.startsWith("$") && OPERATOR_NAME.matcher(t).matches() && OPERATORS.containsKey(t);
        }
        if (json.isArray()) {
            for (JsonNode e : json) {
                if (containsOperator(e)) {
                    return true;
                }
            }
            return false;
        }
        if (json.isObject() && !json.isEmpty()) {
            String first = json.fieldNames().next();
            if (first.startsWith("$")) {
                return OPERATORS.containsKey(first) && ExtendedJson.literal(this, (ObjectNode) json, "$") == null;
            }
            for (JsonNode v : json) {
                if (containsOperator(v)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Compiles the child template of an operator (its path is the operator's path plus the option name). */
    Node template(JsonNode json, String path, Scope scope) {
        return compile(json, path, scope);
    }

    /** Compiles the {@code of} template of an {@code $array} (inside it, {@code $index} is allowed). */
    Node arrayElement(Opts o, String key, Scope scope) {
        arrayNesting++;
        try {
            return required(o, key, scope);
        } finally {
            arrayNesting--;
        }
    }

    boolean insideArray() {
        return arrayNesting > 0;
    }

    /** Compiles an option that must be present. */
    Node required(Opts o, String key, Scope scope) {
        JsonNode json = o.raw(key);
        if (json == null) {
            throw o.error("needs option '" + key + "'");
        }
        return compile(json, o.pathOf(key), scope);
    }

    // ---------------------------------------------------------------------------------------------
    // references

    /** Resolves a reference path (dotted) against the fields generated so far. */
    Refs.Ref reference(String refPath, String path, Scope scope) {
        if (refPath == null || refPath.isBlank()) {
            throw error(path, "a reference needs a field name");
        }
        String[] segments = refPath.split("\\.", -1);
        for (String s : segments) {
            if (s.isEmpty()) {
                throw error(path, "reference '" + refPath + "' has an empty segment");
            }
        }
        String head = segments[0];
        for (Scope s = scope; s != null; s = s.parent) {
            if (s.defined.contains(head)) {
                return new Refs.Ref(s.depth, segments);
            }
            if (s.all.contains(head)) {
                throw error(path, "reference to '" + refPath + "': field '" + head + "' is generated after this one"
                        + " (references may only point to earlier fields of the document or of the current array element)");
            }
        }
        Set<String> visible = new TreeSet<>();
        for (Scope s = scope; s != null; s = s.parent) {
            visible.addAll(s.defined);
        }
        String hint = Suggest.closest(head, visible).map(s -> " (did you mean " + s + "?)").orElse("");
        throw error(path, "reference to unknown field '" + refPath + "'" + hint
                + (visible.isEmpty() ? "" : "; fields generated before this one: " + String.join(", ", visible)));
    }

    // ---------------------------------------------------------------------------------------------
    // dates

    /** Parses a date option: an ISO-8601 date or date-time (UTC unless an offset is given), or epoch millis. */
    long dateMillis(JsonNode json, Opts o, String key) {
        if (json.isNumber()) {
            return json.asLong();
        }
        if (json.isObject() && json.has("$date")) {
            Object d = ExtendedJson.literal(this, (ObjectNode) json, o.pathOf(key));
            if (d instanceof Date date) {
                return date.getTime();
            }
        }
        if (!json.isTextual()) {
            throw o.error(key + " must be an ISO-8601 date string, got " + Opts.describe(json));
        }
        Long millis = parseDate(json.asText());
        if (millis == null) {
            throw o.error(key + " '" + json.asText() + "' is not an ISO-8601 date (e.g. 2024-05-01 or 2024-05-01T10:00:00Z)");
        }
        return millis;
    }

    static Long parseDate(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant().toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // next format
        }
        try {
            return Instant.parse(text).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // next format
        }
        try {
            return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
        } catch (DateTimeParseException ignored) {
            // next format
        }
        try {
            return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (DateTimeParseException ignored) {
            return null;
        }
    }

    /** Extended JSON literals ({@code $oid}, {@code $date}, {@code $numberLong}, ...) inside templates. */
    static final class ExtendedJson {
        static final Object NULL = new Object();

        private ExtendedJson() {
        }

        /** The literal value {@code json} denotes, or null when it is not an Extended JSON literal. */
        static Object literal(TemplateCompiler c, ObjectNode json, String path) {
            String key = json.fieldNames().next();
            JsonNode v = json.get(key);
            try {
                if (json.size() == 1) {
                    switch (key) {
                        case "$oid":
                            if (v.isTextual()) {
                                if (!ObjectId.isValid(v.asText())) {
                                    throw c.error(path, "$oid '" + v.asText() + "' is not a 24-digit hex ObjectId");
                                }
                                return new ObjectId(v.asText());
                            }
                            return null;
                        case "$date":
                            if (v.isTextual()) {
                                Long ms = parseDate(v.asText());
                                if (ms == null) {
                                    throw c.error(path, "$date '" + v.asText() + "' is not an ISO-8601 date");
                                }
                                return new Date(ms);
                            }
                            if (v.isIntegralNumber()) {
                                return new Date(v.asLong());
                            }
                            if (v.isObject() && v.size() == 1 && v.has("$numberLong")) {
                                return new Date(Long.parseLong(v.get("$numberLong").asText()));
                            }
                            return null;
                        case "$numberLong":
                            return v.isTextual() ? (Object) Long.parseLong(v.asText()) : null;
                        case "$numberInt":
                            return v.isTextual() ? (Object) Integer.parseInt(v.asText()) : null;
                        case "$numberDouble":
                            return v.isTextual() ? (Object) Double.parseDouble(v.asText()) : null;
                        case "$numberDecimal":
                            return v.isTextual() ? Decimal128.parse(v.asText()) : null;
                        case "$binary":
                            if (v.isObject() && v.has("base64")) {
                                byte type = (byte) Integer.parseInt(v.path("subType").asText("00"), 16);
                                return new Binary(type, Base64.getDecoder().decode(v.get("base64").asText()));
                            }
                            return null;
                        case "$uuid":
                            if (v.isTextual()) {
                                java.util.UUID u = java.util.UUID.fromString(v.asText());
                                return Fakers.uuidBinary(u.getMostSignificantBits(), u.getLeastSignificantBits());
                            }
                            return null;
                        case "$regularExpression":
                            if (v.isObject() && v.has("pattern")) {
                                return new BsonRegularExpression(v.get("pattern").asText(), v.path("options").asText(""));
                            }
                            return null;
                        case "$regex":
                            return v.isTextual() ? new BsonRegularExpression(v.asText()) : null;
                        case "$timestamp":
                            if (v.isObject() && v.size() == 2 && v.path("t").isIntegralNumber() && v.path("i").isIntegralNumber()) {
                                return new BsonTimestamp((int) v.get("t").asLong(), (int) v.get("i").asLong());
                            }
                            return null;
                        case "$minKey":
                            return v.isNumber() ? new MinKey() : null;
                        case "$maxKey":
                            return v.isNumber() ? new MaxKey() : null;
                        default:
                            return null;
                    }
                }
                if (json.size() == 2 && "$regex".equals(key) && json.has("$options") && v.isTextual()) {
                    return new BsonRegularExpression(v.asText(), json.get("$options").asText());
                }
                if (json.size() == 2 && "$binary".equals(key) && json.has("$type") && v.isTextual()) {
                    byte type = (byte) Integer.parseInt(json.get("$type").asText(), 16);
                    return new Binary(type, Base64.getDecoder().decode(v.asText()));
                }
                return null;
            } catch (IllegalArgumentException e) {
                throw c.error(path, "bad Extended JSON " + key + " literal: " + e.getMessage());
            }
        }
    }
}
