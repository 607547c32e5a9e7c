package io.dataworks.generators.template.internal;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.bson.Document;

import com.fasterxml.jackson.databind.JsonNode;

import io.dataworks.generators.template.internal.Distributions.LongSampler;
import io.dataworks.generators.template.internal.TemplateCompiler.Operator;
import io.dataworks.generators.template.internal.TemplateCompiler.Scope;

/**
 * The operators of template sets (related collections): {@code $pickFrom} takes a document of another
 * collection of the set (uniformly, or zipf-skewed: a few products in most order lines) and copies
 * fields of it; {@code $parent} copies a field of the document this one belongs to (an order's customer).
 */
final class SetOperators {

    private SetOperators() {
    }

    static void register(Map<String, Operator> ops) {
        ops.put("$pickFrom", SetOperators::pickFrom);
        ops.put("$parent", SetOperators::parent);
    }

    private static Related related(TemplateCompiler c, String op, String path) {
        Related related = c.related();
        if (related == null) {
            throw c.error(path, op + " refers to other collections: use it in a template set"
                    + " ({\"$collections\": {\"customers\": {...}, \"orders\": {...}}})");
        }
        return related;
    }

    /**
     * {@code {"$pickFrom": {"collection": "products", "field": "_id"}}}: that field of a random document of
     * {@code products}; with {@code "fields": {"productId": "_id", "unitPrice": "price"}} a sub-document of
     * several fields of the same document. {@code distribution}: uniform (default) or zipf ({@code exponent}).
     */
    private static Node pickFrom(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Related related = related(c, op, path);
        Opts o = Opts.of(c, op, path, args, List.of("collection", "field", "fields", "distribution", "exponent"));
        String name = o.stringOpt("collection", null);
        if (name == null) {
            throw o.error("needs option 'collection', the name of another collection of the set");
        }
        Related.Target target = related.target(name);
        if (target == null) {
            throw o.error("collection '" + name + "' is not an earlier collection of this set");
        }
        if (target.count() <= 0) {
            throw o.error("collection '" + name + "' has no documents to pick from");
        }
        String distribution = o.enumOpt("distribution", "uniform", List.of("uniform", "zipf"));
        LongSampler index;
        if ("zipf".equals(distribution)) {
            double exponent = o.doubleOpt("exponent", 1.0);
            if (exponent <= 0) {
                throw o.error("exponent must be > 0, got " + exponent);
            }
            Distributions.Zipf zipf = new Distributions.Zipf(target.count(), exponent);
            index = r -> zipf.sample(r) - 1;
        } else {
            if (o.has("exponent")) {
                throw o.error("exponent applies to distribution zipf only");
            }
            long n = target.count();
            index = r -> r.nextLong(n);
        }
        Map<String, String[]> fields = fields(o, target);
        boolean single = o.has("field");
        return (r, ctx) -> {
            Document picked = target.document().apply(index.sample(r));
            if (single) {
                return Refs.walk(picked, fields.values().iterator().next());
            }
            Document out = new Document();
            fields.forEach((as, from) -> out.put(as, Refs.walk(picked, from)));
            return out;
        };
    }

    private static Map<String, String[]> fields(Opts o, Related.Target target) {
        Map<String, String[]> fields = new LinkedHashMap<>();
        if (o.has("field") == o.has("fields")) {
            throw o.error("give field (one value) or fields (a sub-document: {\"productId\": \"_id\", ...}), one of them");
        }
        if (o.has("field")) {
            fields.put("", checkedPath(o, target, o.stringOpt("field", null)));
            return fields;
        }
        JsonNode map = o.raw("fields");
        if (!map.isObject() || map.isEmpty()) {
            throw o.error("fields must be an object mapping new field names to fields of " + target.name());
        }
        for (Map.Entry<String, JsonNode> e : map.properties()) {
            if (!e.getValue().isTextual()) {
                throw o.error("fields." + e.getKey() + " must name a field of " + target.name());
            }
            fields.put(e.getKey(), checkedPath(o, target, e.getValue().asText()));
        }
        return fields;
    }

    private static String[] checkedPath(Opts o, Related.Target target, String path) {
        String[] segments = path.split("\\.", -1);
        if (!target.fields().contains(segments[0])) {
            throw o.error("collection '" + target.name() + "' has no field '" + segments[0] + "' (its fields: "
                    + String.join(", ", target.fields()) + ")"
                    + ("_id".equals(segments[0]) ? "; give its template an _id, e.g. \"_id\": \"$objectid\"" : ""));
        }
        return segments;
    }

    /** {@code {"$parent": "_id"}}: a field of the parent document (the customer of this order). */
    private static Node parent(TemplateCompiler c, String op, JsonNode args, String path, Scope scope) {
        Related related = related(c, op, path);
        if (related.parentName() == null) {
            throw c.error(path, "$parent needs a collection with a parent: \"orders\": {\"parent\": \"customers\", ...}");
        }
        if (args == null || !args.isTextual() || args.asText().isBlank()) {
            throw c.error(path, "$parent takes the name of a field of " + related.parentName() + ", e.g. {\"$parent\": \"_id\"}");
        }
        Related.Target parent = related.target(related.parentName());
        String[] segments = args.asText().split("\\.", -1);
        if (!parent.fields().contains(segments[0])) {
            throw c.error(path, "$parent: collection '" + parent.name() + "' has no field '" + segments[0] + "' (its fields: "
                    + String.join(", ", parent.fields()) + ")");
        }
        return (r, ctx) -> Refs.walk(related.currentParent(), segments);
    }
}
