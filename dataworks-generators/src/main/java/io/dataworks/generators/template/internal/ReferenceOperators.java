package io.dataworks.generators.template.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import io.dataworks.generators.template.internal.TemplateCompiler.Scope;

/**
 * The operators that read earlier fields ({@code $ref}, {@code $dateAfter}/{@code $dateBefore}, {@code $case},
 * {@code $size}, {@code $sum} over an array) and the arithmetic over them; see {@link Refs} for the model.
 */
final class ReferenceOperators {

    private static final long DAY_MS = 86_400_000L;

    private ReferenceOperators() {
    }

    private static List<String> keys(String... names) {
        return List.of(names);
    }

    static Node ref(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        if (args == null || !args.isTextual()) {
            throw c.error(path, "$ref needs a field name: {\"$ref\": \"openedAt\"}");
        }
        return c.reference(args.asText(), path, scope);
    }

    /** A field-name option or an inline template (for {@code field} / {@code array} of the reference operators). */
    static Node refOrTemplate(TemplateCompiler c, Opts o, String key, Scope scope) {
        JsonNode json = o.raw(key);
        if (json == null) {
            throw o.error("needs option '" + key + "'");
        }
        if (json.isTextual() && !json.asText().startsWith("$") && !json.asText().contains("#{")) {
            return c.reference(json.asText(), o.path(), scope);
        }
        return c.template(json, o.pathOf(key), scope);
    }

    private static long duration(Opts o, String prefix, long defaultMillis) {
        String[] units = {"Millis", "Seconds", "Minutes", "Hours", "Days"};
        long[] factors = {1, 1000, 60_000, 3_600_000, DAY_MS};
        long total = 0;
        boolean any = false;
        for (int i = 0; i < units.length; i++) {
            String key = prefix + units[i];
            if (o.has(key)) {
                double v = o.doubleOpt(key, 0);
                if (v < 0) {
                    throw o.error(key + " must not be negative");
                }
                total += Math.round(v * factors[i]);
                any = true;
            }
        }
        return any ? total : defaultMillis;
    }

    static Node dateOffset(TemplateCompiler c, String op, JsonNode args, String path, Scope scope, int sign) {
        List<String> known = new ArrayList<>(List.of("field"));
        for (String p : List.of("min", "max")) {
            for (String u : List.of("Millis", "Seconds", "Minutes", "Hours", "Days")) {
                known.add(p + u);
            }
        }
        Opts o = Opts.of(c, op, path, args, known);
        Node base = refOrTemplate(c, o, "field", scope);
        long min = duration(o, "min", 0);
        long max = duration(o, "max", -1);
        if (max < 0) {
            throw o.error("needs a maximum offset: maxMinutes, maxHours, maxDays (or maxSeconds, maxMillis)");
        }
        if (min > max) {
            throw o.error("minimum offset " + min + " ms > maximum offset " + max + " ms");
        }
        return new Refs.DateOffset(base, min, max, sign);
    }

    private static Node[] expressions(TemplateCompiler c, String op, JsonNode args, String path, Scope scope, int minCount) {
        if (args == null || !args.isArray() || args.size() < minCount) {
            throw c.error(path, op + " needs an array of at least " + minCount + " expressions, e.g. {\"" + op
                    + "\": [{\"$ref\": \"quantity\"}, {\"$ref\": \"unitPrice\"}]}");
        }
        Node[] nodes = new Node[args.size()];
        for (int i = 0; i < nodes.length; i++) {
            nodes[i] = c.template(args.get(i), path + "[" + i + "]", scope);
        }
        return nodes;
    }

    static Node fold(TemplateCompiler c, String op, JsonNode args, String path, Scope scope, int arith) {
        return new Refs.Fold(arith, expressions(c, op, args, path, scope, 2), false);
    }

    static Node sum(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        if (args != null && args.isArray()) {
            return new Refs.Fold(Refs.Arith.ADD, expressions(c, op, args, path, scope, 1), true);
        }
        Opts o = Opts.of(c, op, path, args, keys("array", "field"));
        Node array = refOrTemplate(c, o, "array", scope);
        String field = o.stringOpt("field", null);
        return new Refs.SumOver(array, field == null ? null : field.split("\\."));
    }

    static Node round(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        if (args != null && args.isArray()) {
            if (args.size() != 2 || !args.get(1).isIntegralNumber()) {
                throw c.error(path, "$round takes [<expression>, <places>] or {\"value\": ..., \"places\": 2}");
            }
            int places = args.get(1).asInt();
            if (places < 0 || places > 34) {
                throw c.error(path, "$round places must be between 0 and 34");
            }
            return new Refs.Round(c.template(args.get(0), path + "[0]", scope), places);
        }
        Opts o = Opts.of(c, op, path, args, keys("value", "places"));
        int places = o.nonNegativeInt("places", 0);
        if (places > 34) {
            throw o.error("places must be at most 34");
        }
        return new Refs.Round(c.required(o, "value", scope), places);
    }

    static Node size(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        if (args == null) {
            throw c.error(path, "$size needs a value: {\"$size\": {\"$ref\": \"lines\"}} or {\"$size\": \"lines\"}");
        }
        if (args.isTextual() && !args.asText().startsWith("$")) {
            return new Refs.Size(c.reference(args.asText(), path, scope));
        }
        return new Refs.Size(c.template(args, path, scope));
    }

    /** {@code $index}: the position of the current element in the innermost {@code $array} (plus {@code start}). */
    static Node index(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("start"));
        if (!c.insideArray()) {
            throw o.error("is only allowed inside the 'of' template of an $array (use $inc for the document index)");
        }
        int start = o.intOpt("start", 0);
        return (r, ctx) -> ctx.elementIndex() + start;
    }

    /**
     * {@code $case}: picks a template by the value of an earlier field,
     * {@code {"$case": {"field": "status", "cases": {"OPEN": "$missing", ...}, "default": ...}}}. Values match
     * by their string form; no match gives {@code default} (null when absent).
     */
    static Node caseOf(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("field", "cases", "default"));
        Node field = refOrTemplate(c, o, "field", scope);
        JsonNode cases = o.raw("cases");
        if (cases == null || !cases.isObject() || cases.isEmpty()) {
            throw o.error("needs option 'cases': an object mapping values of the field to templates");
        }
        Map<String, Node> table = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : cases.properties()) {
            table.put(e.getKey(), c.template(e.getValue(), o.pathOf("cases") + "." + e.getKey(), scope));
        }
        Node otherwise = o.has("default") ? c.template(o.raw("default"), o.pathOf("default"), scope) : new Nodes.Constant(null);
        return (r, ctx) -> {
            Object v = field.generate(r, ctx);
            Node chosen = v == null ? null : table.get(v instanceof String s ? s : String.valueOf(v));
            return (chosen == null ? otherwise : chosen).generate(r, ctx);
        };
    }
}
