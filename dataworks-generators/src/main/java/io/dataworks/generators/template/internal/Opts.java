package io.dataworks.generators.template.internal;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.dataworks.generators.template.TemplateException;

/**
 * The options object of one operator, read at compile time. Every accessor checks the value's type and
 * fails with the field's JSON path and the option's name; options an operator does not know are
 * rejected up front (with a did-you-mean), so a typo never silently falls back to a default.
 */
final class Opts {

    private final TemplateCompiler compiler;
    private final String op;
    private final String path;
    private final ObjectNode json;

    private Opts(TemplateCompiler compiler, String op, String path, ObjectNode json) {
        this.compiler = compiler;
        this.op = op;
        this.path = path;
        this.json = json;
    }

    /**
     * Options of {@code op} at {@code path}; {@code json} is the options object or null for the bare
     * string form. {@code known} lists the option names the operator accepts.
     */
    static Opts of(TemplateCompiler compiler, String op, String path, JsonNode json, List<String> known) {
        if (json != null && !json.isNull() && !json.isObject()) {
            throw compiler.error(path, op + " expects an options object, got " + describe(json));
        }
        ObjectNode object = json == null || json.isNull() ? null : (ObjectNode) json;
        if (object != null) {
            Iterator<String> names = object.fieldNames();
            while (names.hasNext()) {
                String name = names.next();
                if (!known.contains(name)) {
                    String hint = Suggest.closest(name, known).map(s -> " (did you mean " + s + "?)").orElse("");
                    throw compiler.error(path, "unknown option '" + name + "' for " + op + hint
                            + "; known options: " + String.join(", ", known));
                }
            }
        }
        return new Opts(compiler, op, path, object);
    }

    static String describe(JsonNode node) {
        if (node == null || node.isMissingNode()) {
            return "nothing";
        }
        String text = node.toString();
        return node.getNodeType().name().toLowerCase() + " " + (text.length() > 40 ? text.substring(0, 40) + "…" : text);
    }

    String op() {
        return op;
    }

    String path() {
        return path;
    }

    String pathOf(String key) {
        return path + "." + key;
    }

    TemplateCompiler compiler() {
        return compiler;
    }

    boolean has(String key) {
        return json != null && json.has(key) && !json.get(key).isNull();
    }

    JsonNode raw(String key) {
        return has(key) ? json.get(key) : null;
    }

    TemplateException error(String detail) {
        return compiler.error(path, op + " " + detail);
    }

    private JsonNode number(String key) {
        JsonNode v = json.get(key);
        if (!v.isNumber()) {
            throw error(key + " must be a number, got " + describe(v));
        }
        return v;
    }

    long longOpt(String key, long defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode v = number(key);
        if (!v.canConvertToLong() || (v.isFloatingPointNumber() && v.asDouble() != Math.rint(v.asDouble()))) {
            throw error(key + " must be a whole number, got " + v);
        }
        return v.asLong();
    }

    int intOpt(String key, int defaultValue) {
        long v = longOpt(key, defaultValue);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw error(key + " " + v + " is out of range");
        }
        return (int) v;
    }

    int nonNegativeInt(String key, int defaultValue) {
        int v = intOpt(key, defaultValue);
        if (v < 0) {
            throw error(key + " must not be negative, got " + v);
        }
        return v;
    }

    double doubleOpt(String key, double defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        double d = number(key).asDouble();
        if (!Double.isFinite(d)) {
            throw error(key + " must be finite");
        }
        return d;
    }

    double rateOpt(String key) {
        double rate = doubleOpt(key, 0);
        if (rate < 0 || rate > 1) {
            throw error(key + " must be between 0 and 1, got " + rate);
        }
        return rate;
    }

    String stringOpt(String key, String defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode v = json.get(key);
        if (!v.isTextual()) {
            throw error(key + " must be a string, got " + describe(v));
        }
        return v.asText();
    }

    boolean boolOpt(String key, boolean defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        JsonNode v = json.get(key);
        if (!v.isBoolean()) {
            throw error(key + " must be true or false, got " + describe(v));
        }
        return v.asBoolean();
    }

    /** A two-number array option such as {@code long_lim: [-180, 180]}. */
    double[] rangeOpt(String key, double lo, double hi) {
        if (!has(key)) {
            return new double[] {lo, hi};
        }
        JsonNode v = json.get(key);
        if (!v.isArray() || v.size() != 2 || !v.get(0).isNumber() || !v.get(1).isNumber()) {
            throw error(key + " must be an array of two numbers, got " + describe(v));
        }
        double a = v.get(0).asDouble();
        double b = v.get(1).asDouble();
        if (a > b) {
            throw error(key + " lower bound " + a + " > upper bound " + b);
        }
        return new double[] {a, b};
    }

    /** A string option that must be one of {@code allowed}. */
    String enumOpt(String key, String defaultValue, List<String> allowed) {
        String v = stringOpt(key, defaultValue);
        if (v != null && !allowed.contains(v)) {
            String hint = Suggest.closest(v, allowed).map(s -> " (did you mean " + s + "?)").orElse("");
            throw error(key + " '" + v + "' is not one of " + String.join(", ", allowed) + hint);
        }
        return v;
    }

    /** An array-of-numbers option. */
    double[] numbersOpt(String key) {
        if (!has(key)) {
            return null;
        }
        JsonNode v = json.get(key);
        if (!v.isArray()) {
            throw error(key + " must be an array of numbers, got " + describe(v));
        }
        double[] out = new double[v.size()];
        for (int i = 0; i < out.length; i++) {
            if (!v.get(i).isNumber()) {
                throw error(key + "[" + i + "] must be a number, got " + describe(v.get(i)));
            }
            out[i] = v.get(i).asDouble();
        }
        return out;
    }

    static List<String> keys(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return List.copyOf(all);
    }

    static Map.Entry<String, JsonNode> single(ObjectNode object) {
        return object.properties().iterator().next();
    }
}
