package io.dataworks.generators.template.internal;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.random.RandomGenerator;

import org.bson.Document;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.dataworks.generators.template.TemplateException;
import io.dataworks.generators.template.internal.TemplateCompiler.Operator;
import io.dataworks.generators.template.internal.TemplateCompiler.Scope;

/**
 * Operators used as option values, mgeneratejs's "Combining Operators":
 * {@code {"$integer": {"min": {"$integer": {"min": 0, "max": 10}}, "max": 100}}},
 * {@code {"$regex": {"string": "$word"}}}, {@code {"$coordinates": {"long_lim": [{"$integer": ...}, 10]}}}.
 *
 * <p>mgeneratejs evaluates an operator's options object for every value it makes. Here the options that
 * hold operators are compiled as templates; per document they are evaluated, in option order, into a
 * plain options object, and the operator is compiled for that object (and kept: the same options,
 * which is the usual case, compile once; at most {@value #CACHE_LIMIT} distinct ones are kept). Options
 * that the operator itself treats as templates ({@code of}, {@code from}, {@code array}, ...) are left
 * to it, and so are the reference and arithmetic operators, whose options are templates already.
 */
final class DynamicOptions implements Node {

    /** Options an operator compiles as templates itself: never evaluated before it sees them. */
    private static final Set<String> TEMPLATE_OPTIONS = Set.of("of", "from", "array", "ifnot", "value", "cases", "default");

    /** Operators whose options are templates or references already. */
    private static final Set<String> SELF_EVALUATING = Set.of("$literal", "$field", "$ref", "$dateAfter", "$dateBefore",
            "$sum", "$add", "$subtract", "$multiply", "$divide", "$round", "$size", "$index", "$case", "$faker", "$missing");

    private static final int CACHE_LIMIT = 4096;
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final TemplateCompiler compiler;
    private final Operator operator;
    private final String op;
    private final ObjectNode base;
    private final String[] keys;
    private final Node[] values;
    private final String path;
    private final Scope scope;
    private final Map<JsonNode, Node> compiled = new ConcurrentHashMap<>();

    private DynamicOptions(TemplateCompiler compiler, Operator operator, String op, ObjectNode base, List<String> keys,
                           List<Node> values, String path, Scope scope) {
        this.compiler = compiler;
        this.operator = operator;
        this.op = op;
        this.base = base;
        this.keys = keys.toArray(String[]::new);
        this.values = values.toArray(Node[]::new);
        this.path = path;
        this.scope = scope;
    }

    /** Compiles {@code op} with {@code args}, evaluating per document the options that hold operators. */
    static Node compile(TemplateCompiler c, Operator operator, String op, JsonNode args, String path, Scope scope) {
        if (args == null || !args.isObject() || SELF_EVALUATING.contains(op)) {
            return operator.compile(c, op, args, path, scope);
        }
        List<String> keys = new ArrayList<>();
        List<Node> values = new ArrayList<>();
        ObjectNode base = ((ObjectNode) args).deepCopy();
        for (Map.Entry<String, JsonNode> option : args.properties()) {
            String key = option.getKey();
            if (!TEMPLATE_OPTIONS.contains(key) && c.containsOperator(option.getValue())) {
                keys.add(key);
                values.add(c.template(option.getValue(), TemplateCompiler.child(path, key), scope));
            }
        }
        if (keys.isEmpty()) {
            return operator.compile(c, op, args, path, scope);
        }
        DynamicOptions node = new DynamicOptions(c, operator, op, base, keys, values, path, scope);
        node.probe();
        return node;
    }

    /**
     * Evaluates the options once at compile time, so that an option operator of the wrong kind
     * ({@code "min": "$name"}) is reported before anything is generated. Options that read other
     * fields cannot be evaluated yet; those are checked when the documents are made.
     */
    private void probe() {
        try {
            generate(new SplittableRandom(0x5EED), new GenContext(64, List.of(compiler.options().locale())));
        } catch (TemplateException e) {
            throw e;
        } catch (RuntimeException e) {
            // references to fields of the document: nothing to read at compile time
        }
    }

    @Override
    public Object generate(RandomGenerator random, GenContext ctx) {
        ObjectNode options = base.deepCopy();
        for (int i = 0; i < keys.length; i++) {
            Object v = values[i].generate(random, ctx);
            if (v == MISSING) {
                options.remove(keys[i]);
            } else {
                options.set(keys[i], json(v));
            }
        }
        Node node = compiled.get(options);
        if (node == null) {
            synchronized (compiler) {
                node = operator.compile(compiler, op, options, path, scope);
            }
            if (compiled.size() >= CACHE_LIMIT) {
                compiled.clear();
            }
            compiled.put(options, node);
        }
        return node.generate(random, ctx);
    }

    /** A generated value as the JSON an options object would hold (dates as {@code {"$date": millis}}). */
    static JsonNode json(Object v) {
        if (v == null) {
            return JSON.nullNode();
        }
        if (v instanceof Integer i) {
            return JSON.numberNode(i);
        }
        if (v instanceof Long l) {
            return JSON.numberNode(l);
        }
        if (v instanceof Double d) {
            return JSON.numberNode(d);
        }
        if (v instanceof Decimal128 d) {
            BigDecimal b = d.isNaN() || d.isInfinite() ? BigDecimal.ZERO : d.bigDecimalValue();
            return JSON.numberNode(b);
        }
        if (v instanceof Boolean b) {
            return JSON.booleanNode(b);
        }
        if (v instanceof String s) {
            return JSON.textNode(s);
        }
        if (v instanceof Date d) {
            return JSON.objectNode().put("$date", d.getTime());
        }
        if (v instanceof ObjectId id) {
            return JSON.objectNode().put("$oid", id.toHexString());
        }
        if (v instanceof List<?> list) {
            ArrayNode a = JSON.arrayNode(list.size());
            for (Object e : list) {
                a.add(json(e));
            }
            return a;
        }
        if (v instanceof Document doc) {
            ObjectNode o = JSON.objectNode();
            doc.forEach((k, e) -> o.set(k, json(e)));
            return o;
        }
        return JSON.textNode(String.valueOf(v));
    }
}
