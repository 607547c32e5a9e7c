package io.dataworks.generators.template.internal;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.random.RandomGenerator;

import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.bson.types.ObjectId;

import com.fasterxml.jackson.databind.JsonNode;

import io.dataworks.generators.template.internal.Distributions.DoubleSampler;
import io.dataworks.generators.template.internal.Distributions.LongSampler;
import io.dataworks.generators.template.internal.TemplateCompiler.Operator;
import io.dataworks.generators.template.internal.TemplateCompiler.Scope;

/** The built-in operators (mgeneratejs's, plus distributions, references, arithmetic and sequences). */
final class Operators {

    private static final long MAX_SAFE = 9007199254740991L;
    static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
    static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static final String DIGITS = "0123456789";
    static final String SYMBOLS = "!@#$%^&*()[]";

    private Operators() {
    }

    private static List<String> keys(String... names) {
        return List.of(names);
    }

    private static List<String> withDistribution(String... names) {
        return Opts.keys(List.of(names), Distributions.KEYS);
    }

    static void register(Map<String, Operator> ops) {
        put(ops, Operators::integer, "$integer", "$number", "$int", "$numberInt");
        put(ops, Operators::longOp, "$long", "$numberLong");
        put(ops, Operators::decimal, "$decimal", "$numberDecimal");
        put(ops, Operators::floating, "$floating", "$double", "$float");
        put(ops, Operators::bool, "$boolean", "$bool");
        put(ops, Operators::inc, "$inc");
        put(ops, Operators::sequence, "$sequence");
        put(ops, Operators::string, "$string");
        put(ops, Operators::character, "$character", "$char");
        put(ops, Operators::choose, "$choose");
        put(ops, Operators::pick, "$pick");
        put(ops, Operators::pickset, "$pickset");
        put(ops, Operators::array, "$array");
        put(ops, Operators::join, "$join");
        put(ops, Operators::date, "$date", "$datetime");
        put(ops, Operators::now, "$now");
        put(ops, Operators::objectId, "$objectid", "$oid", "$objectId");
        put(ops, Operators::uuid, "$uuid");
        put(ops, Operators::binary, "$binary");
        put(ops, Operators::timestamp, "$timestamp");
        put(ops, Operators::regex, "$regex");
        put(ops, Operators::missing, "$missing");
        put(ops, Operators::literal, "$literal");
        put(ops, GeoOperators::coordinates, "$coordinates", "$coord", "$coordinate");
        put(ops, GeoOperators::point, "$point");
        put(ops, GeoOperators::lineString, "$linestring");
        put(ops, GeoOperators::polygon, "$polygon");
        put(ops, GeoOperators::geometries, "$geometries");
        put(ops, (c, op, a, p, s) -> constantOnly(c, op, a, p, new MaxKey()), "$maxkey");
        put(ops, (c, op, a, p, s) -> constantOnly(c, op, a, p, new MinKey()), "$minkey");
        put(ops, Operators::faker, "$faker");
        put(ops, Operators::field, "$field");
        put(ops, ReferenceOperators::ref, "$ref");
        put(ops, (c, op, a, p, s) -> ReferenceOperators.dateOffset(c, op, a, p, s, 1), "$dateAfter");
        put(ops, (c, op, a, p, s) -> ReferenceOperators.dateOffset(c, op, a, p, s, -1), "$dateBefore");
        put(ops, ReferenceOperators::sum, "$sum");
        put(ops, (c, op, a, p, s) -> ReferenceOperators.fold(c, op, a, p, s, Refs.Arith.ADD), "$add");
        put(ops, (c, op, a, p, s) -> ReferenceOperators.fold(c, op, a, p, s, Refs.Arith.SUB), "$subtract");
        put(ops, (c, op, a, p, s) -> ReferenceOperators.fold(c, op, a, p, s, Refs.Arith.MUL), "$multiply");
        put(ops, (c, op, a, p, s) -> ReferenceOperators.fold(c, op, a, p, s, Refs.Arith.DIV), "$divide");
        put(ops, ReferenceOperators::round, "$round");
        put(ops, ReferenceOperators::size, "$size");
        put(ops, ReferenceOperators::index, "$index");
        put(ops, ReferenceOperators::caseOf, "$case");
    }

    /** Alternative spellings: accepted, but never offered as a "did you mean". */
    static final java.util.Set<String> ALIASES = new java.util.HashSet<>();

    private static void put(Map<String, Operator> ops, Operator compiler, String... names) {
        for (int i = 0; i < names.length; i++) {
            ops.put(names[i], compiler);
            if (i > 0) {
                ALIASES.add(names[i]);
            }
        }
    }

    private static Node constantOnly(TemplateCompiler c, String op, JsonNode args, String path, Object value) {
        Opts.of(c, op, path, args, List.of());
        return new Nodes.Constant(value);
    }

    // ------------------------------------------------------------------------------------------ numbers

    private static Node integer(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, withDistribution("min", "max"));
        // mgeneratejs's defaults: -2^31 .. 2^31 (here 2^31 - 1, so that the bare operator is an Int32 as there)
        long min = o.longOpt("min", Integer.MIN_VALUE);
        long max = o.longOpt("max", Integer.MAX_VALUE);
        if (min > max) {
            throw o.error("min " + min + " > max " + max);
        }
        LongSampler sampler = Distributions.integral(o, min, max);
        if (min >= Integer.MIN_VALUE && max <= Integer.MAX_VALUE) {
            return (r, ctx) -> (int) sampler.sample(r);
        }
        return (r, ctx) -> sampler.sample(r);
    }

    private static Node longOp(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, withDistribution("min", "max"));
        long min = o.longOpt("min", -MAX_SAFE);
        long max = o.longOpt("max", MAX_SAFE);
        if (min > max) {
            throw o.error("min " + min + " > max " + max);
        }
        LongSampler sampler = Distributions.integral(o, min, max);
        return (r, ctx) -> sampler.sample(r);
    }

    private static Node floating(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, withDistribution("min", "max", "fixed"));
        int fixed = o.nonNegativeInt("fixed", 4);
        double limit = MAX_SAFE / Math.pow(10, Math.min(fixed, 15));
        double min = o.doubleOpt("min", -limit);
        double max = o.doubleOpt("max", limit);
        if (min > max) {
            throw o.error("min " + min + " > max " + max);
        }
        DoubleSampler sampler = Distributions.continuous(o, min, max, null);
        if (fixed >= 15) {
            return (r, ctx) -> sampler.sample(r);
        }
        double scale = Math.pow(10, fixed);
        return (r, ctx) -> Math.max(min, Math.min(max, Math.rint(sampler.sample(r) * scale) / scale));
    }

    private static Node decimal(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, withDistribution("min", "max", "fixed"));
        int fixed = o.nonNegativeInt("fixed", 2);
        if (fixed > 18) {
            throw o.error("fixed " + fixed + " is too large (at most 18)");
        }
        double min = o.doubleOpt("min", 0);
        double max = o.doubleOpt("max", 1000);
        if (min > max) {
            throw o.error("min " + min + " > max " + max);
        }
        double scale = Math.pow(10, fixed);
        if (Math.abs(min) * scale >= Long.MAX_VALUE / 2.0 || Math.abs(max) * scale >= Long.MAX_VALUE / 2.0) {
            throw o.error("min/max too large for fixed " + fixed);
        }
        if (Distributions.isUniform(o)) {
            long lo = (long) Math.ceil(min * scale - 1e-9);
            long hi = (long) Math.floor(max * scale + 1e-9);
            if (lo > hi) {
                throw o.error("no value with " + fixed + " decimals between min " + min + " and max " + max);
            }
            LongSampler unscaled = Distributions.integral(o, lo, hi);
            return (r, ctx) -> Decimals.of(unscaled.sample(r), fixed);
        }
        DoubleSampler sampler = Distributions.continuous(o, min, max, null);
        return (r, ctx) -> Decimals.of(Math.round(sampler.sample(r) * scale), fixed);
    }

    private static Node bool(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("likelihood"));
        double likelihood = o.doubleOpt("likelihood", 50);
        if (likelihood < 0 || likelihood > 100) {
            throw o.error("likelihood must be a percentage between 0 and 100, got " + likelihood);
        }
        double p = likelihood / 100;
        return (r, ctx) -> r.nextDouble() < p;
    }

    private static Node inc(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("start", "step"));
        JsonNode start = o.raw("start");
        JsonNode step = o.raw("step");
        if ((start != null && !start.isNumber()) || (step != null && !step.isNumber())) {
            throw o.error("start and step must be numbers");
        }
        if ((start != null && start.isFloatingPointNumber()) || (step != null && step.isFloatingPointNumber())) {
            double s = o.doubleOpt("start", 0);
            double d = o.doubleOpt("step", 1);
            return (r, ctx) -> s + d * ctx.index();
        }
        long s = o.longOpt("start", 0);
        long d = o.longOpt("step", 1);
        return (r, ctx) -> {
            long v = s + d * ctx.index();
            return v == (int) v ? (Object) (int) v : (Object) v;
        };
    }

    private static Node sequence(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("format", "start", "step"));
        long start = o.longOpt("start", 1);
        long step = o.longOpt("step", 1);
        if (step == 0) {
            throw o.error("step must not be 0 (the values would not be unique)");
        }
        String format = o.stringOpt("format", null);
        if (format == null) {
            return (r, ctx) -> start + step * ctx.index();
        }
        SequenceFormat f = SequenceFormat.parse(format, o);
        return (r, ctx) -> f.format(start + step * ctx.index());
    }

    /** {@code SO-%08d} precompiled to prefix, zero-padded width and suffix: no {@code String.format} per document. */
    record SequenceFormat(String prefix, int width, boolean zeroPad, String suffix) {
        static SequenceFormat parse(String format, Opts o) {
            StringBuilder prefix = new StringBuilder();
            StringBuilder suffix = new StringBuilder();
            int width = 0;
            boolean zero = false;
            boolean seen = false;
            for (int i = 0; i < format.length(); i++) {
                char ch = format.charAt(i);
                StringBuilder out = seen ? suffix : prefix;
                if (ch != '%') {
                    out.append(ch);
                    continue;
                }
                if (i + 1 < format.length() && format.charAt(i + 1) == '%') {
                    out.append('%');
                    i++;
                    continue;
                }
                if (seen) {
                    throw o.error("format '" + format + "' may hold only one %d");
                }
                int j = i + 1;
                if (j < format.length() && format.charAt(j) == '0') {
                    zero = true;
                    j++;
                }
                int w = 0;
                while (j < format.length() && Character.isDigit(format.charAt(j))) {
                    w = w * 10 + (format.charAt(j) - '0');
                    j++;
                    if (w > 40) {
                        throw o.error("format '" + format + "' width is too large");
                    }
                }
                if (j >= format.length() || format.charAt(j) != 'd') {
                    throw o.error("format '" + format + "' must use %d, %Nd or %0Nd (e.g. SO-%08d)");
                }
                width = w;
                seen = true;
                i = j;
            }
            if (!seen) {
                throw o.error("format '" + format + "' has no %d for the number");
            }
            return new SequenceFormat(prefix.toString(), width, zero, suffix.toString());
        }

        String format(long value) {
            String digits = Long.toString(Math.abs(value));
            int signLength = value < 0 ? 1 : 0;
            int pad = width - digits.length() - signLength;
            StringBuilder sb = new StringBuilder(prefix.length() + Math.max(width, digits.length() + 1) + suffix.length());
            sb.append(prefix);
            if (!zeroPad) {
                for (int i = 0; i < pad; i++) {
                    sb.append(' ');
                }
            }
            if (value < 0) {
                sb.append('-');
            }
            if (zeroPad) {
                for (int i = 0; i < pad; i++) {
                    sb.append('0');
                }
            }
            return sb.append(digits).append(suffix).toString();
        }
    }

    // ------------------------------------------------------------------------------------------ strings

    /** chance.js's character pool rules: pool, or alpha / numeric / symbols, with casing. */
    static char[] pool(Opts o) {
        String pool = o.stringOpt("pool", null);
        boolean alpha = o.boolOpt("alpha", false);
        boolean numeric = o.boolOpt("numeric", false);
        boolean symbols = o.boolOpt("symbols", false);
        String casing = o.enumOpt("casing", null, List.of("lower", "upper"));
        if (pool != null) {
            if (pool.isEmpty()) {
                throw o.error("pool must not be empty");
            }
            if (alpha || numeric || symbols || casing != null) {
                throw o.error("pool cannot be combined with alpha, numeric, symbols or casing");
            }
            return pool.toCharArray();
        }
        String letters = casing == null ? LOWER + UPPER : "lower".equals(casing) ? LOWER : UPPER;
        StringBuilder sb = new StringBuilder();
        if (alpha) {
            sb.append(letters);
        }
        if (numeric) {
            sb.append(DIGITS);
        }
        if (symbols) {
            sb.append(SYMBOLS);
        }
        if (sb.length() == 0) {
            sb.append(letters).append(DIGITS).append(SYMBOLS);
        }
        return sb.toString().toCharArray();
    }

    private static Node string(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("length", "minLength", "maxLength", "min", "max", "pool", "alpha", "numeric", "symbols", "casing"));
        char[] pool = pool(o);
        int minLength;
        int maxLength;
        // min / max are chance.js's names for the length range, minLength / maxLength ours
        String minKey = o.has("min") ? "min" : "minLength";
        String maxKey = o.has("max") ? "max" : "maxLength";
        if ((o.has("min") && o.has("minLength")) || (o.has("max") && o.has("maxLength"))) {
            throw o.error("give min/max (chance.js's names) or minLength/maxLength, not both");
        }
        if (o.has("length")) {
            if (o.has(minKey) || o.has(maxKey)) {
                throw o.error("give length or " + minKey + "/" + maxKey + ", not both");
            }
            minLength = maxLength = o.nonNegativeInt("length", 0);
        } else {
            minLength = o.nonNegativeInt(minKey, 5);
            maxLength = o.nonNegativeInt(maxKey, o.has(minKey) ? Math.max(20, minLength) : 20);
        }
        if (maxLength > MAX_BINARY_LENGTH) {
            throw o.error("length " + maxLength + " is larger than the " + MAX_BINARY_LENGTH + " bytes a BSON document can hold");
        }
        if (minLength > maxLength) {
            throw o.error("minLength " + minLength + " > maxLength " + maxLength);
        }
        int lo = minLength;
        int bound = maxLength + 1;
        return (r, ctx) -> {
            int n = lo + 1 == bound ? lo : r.nextInt(lo, bound);
            char[] chars = new char[n];
            for (int i = 0; i < n; i++) {
                chars[i] = pool[r.nextInt(pool.length)];
            }
            return new String(chars);
        };
    }

    private static Node character(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("pool", "alpha", "numeric", "symbols", "casing"));
        char[] pool = pool(o);
        String[] singles = new String[pool.length];
        for (int i = 0; i < pool.length; i++) {
            singles[i] = String.valueOf(pool[i]);
        }
        return (r, ctx) -> singles[r.nextInt(singles.length)];
    }

    // ------------------------------------------------------------------------------------------ choices

    private static Node choose(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("from", "weights", "distribution", "exponent"));
        JsonNode from = o.raw("from");
        if (from == null || !from.isArray() || from.isEmpty()) {
            throw o.error("needs option 'from': a non-empty array of values to choose from");
        }
        Node[] choices = new Node[from.size()];
        for (int i = 0; i < choices.length; i++) {
            choices[i] = c.template(from.get(i), o.pathOf("from") + "[" + i + "]", scope);
        }
        double[] weights = o.numbersOpt("weights");
        String distribution = o.enumOpt("distribution", "uniform", List.of("uniform", "zipf"));
        if ("zipf".equals(distribution)) {
            if (weights != null) {
                throw o.error("give weights or distribution zipf, not both");
            }
            double exponent = o.doubleOpt("exponent", 1.0);
            if (exponent <= 0) {
                throw o.error("exponent must be > 0");
            }
            weights = new double[choices.length];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = Math.pow(i + 1, -exponent);
            }
        } else if (o.has("exponent")) {
            throw o.error("exponent applies to distribution zipf only");
        }
        if (weights == null) {
            int n = choices.length;
            return n == 1 ? choices[0] : (r, ctx) -> choices[r.nextInt(n)].generate(r, ctx);
        }
        if (weights.length != choices.length) {
            throw o.error("weights has " + weights.length + " entries but from has " + choices.length);
        }
        double[] cumulative = new double[weights.length];
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            if (weights[i] < 0) {
                throw o.error("weights must not be negative, got " + weights[i] + " at [" + i + "]");
            }
            total += weights[i];
            cumulative[i] = total;
        }
        if (!(total > 0)) {
            throw o.error("weights must not all be 0");
        }
        double sum = total;
        return (r, ctx) -> choices[weightedIndex(cumulative, r.nextDouble() * sum)].generate(r, ctx);
    }

    static int weightedIndex(double[] cumulative, double u) {
        int n = cumulative.length;
        if (n <= 8) {
            for (int i = 0; i < n - 1; i++) {
                if (u < cumulative[i]) {
                    return i;
                }
            }
            return n - 1;
        }
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (u < cumulative[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The {@code array} option: a literal array compiles per element (so only picked ones are generated). */
    private static Node arrayOption(TemplateCompiler c, Opts o, Scope scope) {
        JsonNode json = o.raw("array");
        if (json == null) {
            throw o.error("needs option 'array'");
        }
        return c.template(json, o.pathOf("array"), scope);
    }

    private static Node pick(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("array", "element"));
        Node array = arrayOption(c, o, scope);
        int element = o.nonNegativeInt("element", 0);
        if (array instanceof Nodes.ListNode list) {
            return element < list.size() ? list.element(element) : new Nodes.Constant(Node.MISSING);
        }
        return (r, ctx) -> {
            Object v = array.generate(r, ctx);
            return v instanceof List<?> l && element < l.size() ? l.get(element) : Node.MISSING;
        };
    }

    private static Node pickset(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("array", "quantity"));
        Node array = arrayOption(c, o, scope);
        int quantity = o.nonNegativeInt("quantity", 1);
        if (array instanceof Nodes.ListNode list) {
            int n = list.size();
            if (quantity > n) {
                return new Nodes.Constant(Node.MISSING);
            }
            return (r, ctx) -> {
                int[] order = partialShuffle(n, quantity, r);
                List<Object> out = new ArrayList<>(quantity);
                for (int i = 0; i < quantity; i++) {
                    Object v = list.element(order[i]).generate(r, ctx);
                    if (v != Node.MISSING) {
                        out.add(v);
                    }
                }
                return out;
            };
        }
        return (r, ctx) -> {
            Object v = array.generate(r, ctx);
            if (!(v instanceof List<?> l) || quantity > l.size()) {
                return Node.MISSING;
            }
            int[] order = partialShuffle(l.size(), quantity, r);
            List<Object> out = new ArrayList<>(quantity);
            for (int i = 0; i < quantity; i++) {
                out.add(l.get(order[i]));
            }
            return out;
        };
    }

    private static int[] partialShuffle(int n, int k, RandomGenerator r) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = r.nextInt(i, n);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        return idx;
    }

    private static Node array(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, withDistribution("of", "number", "min", "max"));
        Node of = c.arrayElement(o, "of", scope);
        if (o.has("number")) {
            if (o.has("min") || o.has("max") || o.has("distribution")) {
                throw o.error("give number, or min/max (with an optional distribution), not both");
            }
            JsonNode number = o.raw("number");
            if (number.isNumber()) {
                int n = arrayLength(o, "number", o.nonNegativeInt("number", 0));
                return new Nodes.ArrayOf(of, r -> n, null, path);
            }
            return new Nodes.ArrayOf(of, null, c.template(number, o.pathOf("number"), scope), path);
        }
        if (!o.has("min") && !o.has("max")) {
            if (o.has("distribution")) {
                throw o.error("a length distribution needs min and max");
            }
            return new Nodes.ArrayOf(of, r -> 0, null, path);
        }
        int min = o.nonNegativeInt("min", 0);
        int max = arrayLength(o, "max", o.nonNegativeInt("max", min));
        if (min > max) {
            throw o.error("min " + min + " > max " + max);
        }
        return new Nodes.ArrayOf(of, Distributions.integral(o, min, max), null, path);
    }

    /**
     * The size guard of {@code $array}: a BSON document holds at most 16 MiB, so no array in one can have
     * more than {@value Nodes#MAX_ARRAY_LENGTH} elements (each takes at least its type byte, its index
     * as a key and a value). Asking for more fails here, not as an OutOfMemoryError minutes later.
     */
    private static int arrayLength(Opts o, String key, int n) {
        if (n > Nodes.MAX_ARRAY_LENGTH) {
            throw o.error(key + " " + n + " is larger than the limit of " + Nodes.MAX_ARRAY_LENGTH
                    + " elements per array (a BSON document is at most 16 MiB)");
        }
        return n;
    }

    private static Node join(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("array", "sep"));
        Node array = arrayOption(c, o, scope);
        String sep = o.stringOpt("sep", "");
        if (array instanceof Nodes.ListNode list) {
            int n = list.size();
            return (r, ctx) -> {
                StringBuilder sb = new StringBuilder();
                boolean first = true;
                for (int i = 0; i < n; i++) {
                    Object v = list.element(i).generate(r, ctx);
                    if (v == Node.MISSING) {
                        continue;
                    }
                    if (!first) {
                        sb.append(sep);
                    }
                    sb.append(v);
                    first = false;
                }
                return sb.toString();
            };
        }
        return (r, ctx) -> {
            Object v = array.generate(r, ctx);
            if (!(v instanceof List<?> l)) {
                return null;
            }
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(sep);
                }
                sb.append(l.get(i));
            }
            return sb.toString();
        };
    }

    // ------------------------------------------------------------------------------------------ time, ids

    private static final long DAY_MS = 86_400_000L;
    /** The largest BSON document: no single value may be bigger. */
    static final int MAX_BINARY_LENGTH = 16 * 1024 * 1024;

    private static Node date(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, Opts.keys(List.of("min", "max", "reverse"),
                List.of("distribution", "mean", "stddev", "mu", "sigma")));
        long min = o.has("min") ? c.dateMillis(o.raw("min"), o, "min") : 0L;
        long max = o.has("max") ? c.dateMillis(o.raw("max"), o, "max") : c.options().baseTime().toEpochMilli();
        if (min > max) {
            throw o.error("min " + new Date(min).toInstant() + " > max " + new Date(max).toInstant());
        }
        boolean reverse = o.boolOpt("reverse", false);
        if (Distributions.isUniform(o)) {
            if (reverse) {
                throw o.error("reverse applies to non-uniform distributions only");
            }
            long bound = max + 1;
            return (r, ctx) -> new Date(min == max ? min : r.nextLong(min, bound));
        }
        // Non-uniform: the distribution runs over days after min (or before max when reverse is true).
        double spanDays = (max - min) / (double) DAY_MS;
        long anchor = reverse ? max : min;
        DoubleSampler days = Distributions.continuous(o, 0, spanDays, json -> {
            if (json.isNumber()) {
                return json.asDouble();
            }
            long mean = c.dateMillis(json, o, "mean");
            return Math.abs(mean - anchor) / (double) DAY_MS;
        });
        int sign = reverse ? -1 : 1;
        return (r, ctx) -> new Date(anchor + sign * Math.round(days.sample(r) * DAY_MS));
    }

    private static Node now(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts.of(c, op, path, args, List.of());
        long base = c.options().baseTime().toEpochMilli();
        return (r, ctx) -> new Date(base);
    }

    /**
     * Deterministic ObjectIds: 4 bytes time = base time + index / 2^24 seconds, 3 bytes index mod 2^24,
     * then 5 random bytes (the driver puts its counter last; here the index goes first so that the ids
     * of one field are unique across the run whatever the worker count, and increase with the index,
     * which keeps inserts on the right-hand edge of the _id index).
     */
    private static Node objectId(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts.of(c, op, path, args, List.of());
        long baseSeconds = c.options().baseTime().getEpochSecond();
        return (r, ctx) -> {
            long index = ctx.index();
            int time = (int) (baseSeconds + (index >>> 24));
            int counter = (int) (index & 0xFFFFFF);
            long random = r.nextLong();
            byte[] b = new byte[12];
            b[0] = (byte) (time >>> 24);
            b[1] = (byte) (time >>> 16);
            b[2] = (byte) (time >>> 8);
            b[3] = (byte) time;
            b[4] = (byte) (counter >>> 16);
            b[5] = (byte) (counter >>> 8);
            b[6] = (byte) counter;
            b[7] = (byte) (random >>> 32);
            b[8] = (byte) (random >>> 24);
            b[9] = (byte) (random >>> 16);
            b[10] = (byte) (random >>> 8);
            b[11] = (byte) random;
            return new ObjectId(b);
        };
    }

    private static Node uuid(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts.of(c, op, path, args, List.of());
        return (r, ctx) -> Fakers.randomUuid(r);
    }

    private static Node binary(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("length", "subtype"));
        int length = o.nonNegativeInt("length", 10);
        if (length > MAX_BINARY_LENGTH) {
            throw o.error("length " + length + " is larger than the " + MAX_BINARY_LENGTH + " bytes a BSON document can hold");
        }
        int subtype;
        JsonNode st = o.raw("subtype");
        if (st != null && st.isTextual()) {
            // mgeneratejs's form: a hex string, "00", "04", "80"
            try {
                subtype = Integer.parseInt(st.asText(), 16);
            } catch (NumberFormatException e) {
                throw o.error("subtype '" + st.asText() + "' is not a number or a hex string such as \"04\"");
            }
        } else {
            subtype = o.intOpt("subtype", 0);
        }
        if (subtype < 0 || subtype > 255) {
            throw o.error("subtype must be between 0 and 255, got " + subtype);
        }
        byte type = (byte) subtype;
        return (r, ctx) -> {
            byte[] bytes = new byte[length];
            r.nextBytes(bytes);
            return new Binary(type, bytes);
        };
    }

    private static Node timestamp(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("t", "i"));
        long tMax = c.options().baseTime().getEpochSecond();
        boolean hasT = o.has("t");
        boolean hasI = o.has("i");
        int t = (int) o.longOpt("t", 0);
        int i = (int) o.longOpt("i", 0);
        if (hasT && hasI) {
            return new Nodes.Constant(new BsonTimestamp(t, i));
        }
        return (r, ctx) -> new BsonTimestamp(hasT ? t : (int) r.nextLong(0, tMax + 1), hasI ? i : r.nextInt(0, 1 << 16));
    }

    private static Node regex(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("string", "flags"));
        String flags = o.stringOpt("flags", "");
        for (char f : flags.toCharArray()) {
            if ("imxsu".indexOf(f) < 0) {
                throw o.error("flags '" + flags + "' may only contain i, m, x, s, u");
            }
        }
        return new Nodes.Constant(new BsonRegularExpression(o.stringOpt("string", ".*"), flags));
    }

    private static Node missing(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("percent", "ifnot"));
        double percent = o.doubleOpt("percent", 100);
        if (percent < 0 || percent > 100) {
            throw o.error("percent must be between 0 and 100, got " + percent);
        }
        Node ifnot = o.has("ifnot") ? c.template(o.raw("ifnot"), o.pathOf("ifnot"), scope) : null;
        return new Nodes.Missing(percent / 100, ifnot);
    }

    private static Node literal(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        if (args == null) {
            throw c.error(path, "$literal needs a value: {\"$literal\": <value>}");
        }
        Object value = plain(args);
        if (value instanceof Document || value instanceof List) {
            return (r, ctx) -> plain(args);
        }
        return new Nodes.Constant(value);
    }

    /** JSON to plain Java values, operators not interpreted. */
    static Object plain(JsonNode json) {
        switch (json.getNodeType()) {
            case OBJECT: {
                Document d = new Document();
                json.properties().forEach(e -> d.put(e.getKey(), plain(e.getValue())));
                return d;
            }
            case ARRAY: {
                List<Object> l = new ArrayList<>(json.size());
                json.forEach(e -> l.add(plain(e)));
                return l;
            }
            case STRING:
                return json.asText();
            case NUMBER:
                return TemplateCompiler.number(json);
            case BOOLEAN:
                return json.asBoolean();
            default:
                return null;
        }
    }

    // ------------------------------------------------------------------------------------------ faker, wrappers

    private static Node faker(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        if (args != null && args.isTextual()) {
            return c.fakers().expression(c, args.asText(), c.options().locale(), path);
        }
        Opts o = Opts.of(c, op, path, args, keys("expr", "locale"));
        String expr = o.stringOpt("expr", null);
        if (expr == null || expr.isBlank()) {
            throw o.error("needs option 'expr', e.g. {\"$faker\": {\"expr\": \"#{Name.fullName}\"}}");
        }
        String tag = o.stringOpt("locale", null);
        Locale locale = tag == null ? c.options().locale() : Locale.forLanguageTag(tag.replace('_', '-'));
        if (tag != null && locale.getLanguage().isEmpty()) {
            throw o.error("locale '" + tag + "' is not a language tag (e.g. de, fr-CA)");
        }
        return c.fakers().expression(c, expr, locale, path);
    }

    /** {@code {"$field": {"value": <template>, "nullRate": 0.1, "missingRate": 0.05}}}. */
    private static Node field(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Opts o = Opts.of(c, op, path, args, keys("value", "nullRate", "missingRate"));
        if (!o.has("value") && (args == null || !args.has("value"))) {
            throw o.error("needs option 'value'");
        }
        Node value = o.raw("value") == null ? new Nodes.Constant(null) : c.template(o.raw("value"), o.pathOf("value"), scope);
        double nullRate = o.rateOpt("nullRate");
        double missingRate = o.rateOpt("missingRate");
        if (nullRate + missingRate > 1) {
            throw o.error("nullRate + missingRate must not exceed 1");
        }
        return nullRate + missingRate > 0 ? new Nodes.Rates(value, nullRate, missingRate) : value;
    }


}
