package io.dataworks.generators.template;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

import org.bson.Document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.generators.DocumentGenerator;
import io.dataworks.generators.internal.DocumentRandom;
import io.dataworks.generators.template.internal.PerParent;
import io.dataworks.generators.template.internal.Related;

/**
 * Several related collections from one file, generated in one run: customers, products, and orders
 * whose customer is a customer and whose lines name products.
 *
 * <pre>{@code
 * {"$collections": {
 *   "customers": {"count": 1000, "template": {"_id": {"$inc": {"start": 1}}, "name": "$name"}},
 *   "products":  {"count": 200,  "template": {"_id": "$objectid", "price": {"$decimal": {"min": 1, "max": 99}}}},
 *   "orders": {"parent": "customers", "perParent": {"min": 0, "max": 20, "distribution": "zipf"},
 *              "template": {"_id": "$objectid", "customerId": {"$parent": "_id"},
 *                           "lines": {"$array": {"min": 1, "max": 5, "of": {"$pickFrom": {"collection": "products",
 *                                    "fields": {"productId": "_id", "unitPrice": "price"}}}}}}}}}
 * }</pre>
 *
 * <p>A collection with a {@code count} has that many documents. A collection with a {@code parent} has,
 * for each parent document, a number of documents drawn from {@code perParent} ({@code min}, {@code max},
 * and any integer distribution: {@code zipf} makes most customers have few orders and a few many), and
 * {@code {"$parent": "field"}} reads its parent's fields. {@code $pickFrom} takes a random document
 * (uniform or zipf) of another collection. {@link #members()} lists the collections in dependency order
 * (every collection after those it refers to), which is the order to write them in.
 *
 * <p>Everything is a function of the seed: collection {@code c}'s document {@code i} is rendered from
 * {@code (seedFor(seed, c), i)}, and a referenced document is regenerated from its index when needed
 * (never held), so memory does not grow with the collections.
 */
public final class TemplateSet {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String ROOT = "$collections";

    /** One collection of the set: write {@code total} documents of {@code generator} with {@code seed}. */
    public record Member(String name, DocumentGenerator generator, long total, long seed) {
    }

    private final List<Member> members;

    private TemplateSet(List<Member> members) {
        this.members = List.copyOf(members);
    }

    /** The collections in dependency order. */
    public List<Member> members() {
        return members;
    }

    /** The seed collection {@code name} is rendered with in a run seeded with {@code seed}. */
    public static long seedFor(long seed, String name) {
        return DocumentRandom.mix64(seed ^ DocumentRandom.mix64(name.hashCode() * 0x9E3779B97F4A7C15L + name.length()));
    }

    /** True when {@code file} holds a template set (a JSON object whose one key is {@code $collections}). */
    public static boolean isSet(Path file) {
        try {
            JsonNode root = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
            return root != null && root.isObject() && root.size() == 1 && root.has(ROOT);
        } catch (IOException e) {
            return false; // reported by whoever reads it as a template
        }
    }

    public static TemplateSet compile(Path file, long seed, TemplateOptions options) {
        Objects.requireNonNull(file, "file");
        String json;
        try {
            json = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new DataWorksException(ExitCode.USAGE, "template set " + file + ": no such file", e);
        } catch (IOException e) {
            throw new DataWorksException(ExitCode.USAGE, "cannot read template set " + file + ": " + e, e);
        }
        Path name = file.getFileName();
        return compile(json, name == null ? file.toString() : name.toString(), seed, options);
    }

    public static TemplateSet compile(String json, String source, long seed, TemplateOptions options) {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(options, "options");
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (IOException e) {
            throw new TemplateException(source, "$", "invalid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || root.size() != 1 || !root.path(ROOT).isObject() || root.path(ROOT).isEmpty()) {
            throw new TemplateException(source, "$", "a template set is {\"$collections\": {\"name\": {\"count\": N, \"template\": {...}}, ...}}");
        }
        Map<String, JsonNode> specs = new LinkedHashMap<>();
        root.get(ROOT).properties().forEach(e -> specs.put(e.getKey(), e.getValue()));
        List<String> order = order(source, specs);

        Map<String, Related.Target> done = new HashMap<>();
        List<Member> members = new ArrayList<>();
        for (String name : order) {
            String path = "$." + ROOT + "." + name;
            JsonNode spec = specs.get(name);
            String parentName = spec.path("parent").asText(null);
            Related.Target parentTarget = parentName == null ? null : done.get(parentName);
            ThreadLocal<Document> currentParent = new ThreadLocal<>();
            Related related = new Related() {
                @Override
                public Related.Target target(String n) {
                    return done.get(n);
                }

                @Override
                public String parentName() {
                    return parentName;
                }

                @Override
                public Document currentParent() {
                    return currentParent.get();
                }
            };
            long memberSeed = seedFor(seed, name);
            TemplateGenerator template = TemplateGenerator.compile(spec.get("template").toString(), source + " " + name, options, related);
            DocumentGenerator generator;
            long total;
            if (parentTarget == null) {
                total = spec.get("count").asLong();
                generator = named(name, template);
            } else {
                PerParent perParent = PerParent.compile(source, path + ".perParent", spec.get("perParent"), parentTarget.count(),
                        seedFor(seed, name + "#perParent"));
                total = perParent.total();
                generator = new Child(name, template, perParent, parentTarget, currentParent);
            }
            members.add(new Member(name, generator, total, memberSeed));
            done.put(name, new Related.Target(name, total, topFields(spec.get("template")), cached(generator, memberSeed)));
        }
        return new TemplateSet(members);
    }

    /** Checks each collection's spec and sorts them so that each comes after the collections it refers to. */
    private static List<String> order(String source, Map<String, JsonNode> specs) {
        Map<String, Set<String>> dependsOn = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : specs.entrySet()) {
            String name = e.getKey();
            String path = "$." + ROOT + "." + name;
            JsonNode spec = e.getValue();
            if (!spec.isObject()) {
                throw new TemplateException(source, path, "a collection is {\"count\": N, \"template\": {...}} or"
                        + " {\"parent\": \"name\", \"perParent\": {\"min\": 0, \"max\": 9}, \"template\": {...}}");
            }
            for (String key : (Iterable<String>) spec::fieldNames) {
                if (!List.of("count", "parent", "perParent", "template").contains(key)) {
                    throw new TemplateException(source, path, "unknown key '" + key + "'; known: count, parent, perParent, template");
                }
            }
            if (!spec.path("template").isObject()) {
                throw new TemplateException(source, path, "needs a \"template\" object");
            }
            Set<String> deps = new LinkedHashSet<>();
            if (spec.has("parent")) {
                String parent = spec.get("parent").asText("");
                if (!specs.containsKey(parent) || parent.equals(name)) {
                    throw new TemplateException(source, path + ".parent", "'" + parent + "' is not another collection of this set");
                }
                if (spec.has("count")) {
                    throw new TemplateException(source, path, "give count or parent + perParent, not both");
                }
                if (!spec.path("perParent").isObject()) {
                    throw new TemplateException(source, path, "a collection with a parent needs \"perParent\": {\"min\": 0, \"max\": 9}");
                }
                deps.add(parent);
            } else {
                JsonNode count = spec.path("count");
                if (!count.canConvertToLong() || !count.isIntegralNumber() || count.asLong() < 0) {
                    throw new TemplateException(source, path, "needs \"count\": a whole number >= 0 (or a parent)");
                }
                if (spec.has("perParent")) {
                    throw new TemplateException(source, path, "perParent needs a parent");
                }
            }
            collectPicks(spec.get("template"), deps);
            for (String d : deps) {
                if (!specs.containsKey(d)) {
                    throw new TemplateException(source, path, "$pickFrom names '" + d + "', which is not a collection of this set"
                            + " (its collections: " + String.join(", ", specs.keySet()) + ")");
                }
            }
            deps.remove(name);
            dependsOn.put(name, deps);
        }
        List<String> order = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>(dependsOn.keySet());
        int stuck = 0;
        while (!pending.isEmpty()) {
            String next = pending.poll();
            if (placed.containsAll(dependsOn.get(next))) {
                placed.add(next);
                order.add(next);
                stuck = 0;
            } else {
                pending.add(next);
                if (++stuck > pending.size()) {
                    throw new TemplateException(source, "$." + ROOT, "the collections " + pending
                            + " refer to each other in a cycle ($pickFrom / parent): one of them must not refer back");
                }
            }
        }
        return order;
    }

    private static void collectPicks(JsonNode json, Set<String> into) {
        if (json.isObject()) {
            JsonNode pick = json.get("$pickFrom");
            if (pick != null && pick.path("collection").isTextual()) {
                into.add(pick.get("collection").asText());
            }
            json.forEach(v -> collectPicks(v, into));
        } else if (json.isArray()) {
            json.forEach(v -> collectPicks(v, into));
        }
    }

    private static Set<String> topFields(JsonNode template) {
        Set<String> fields = new LinkedHashSet<>();
        ((ObjectNode) template).fieldNames().forEachRemaining(fields::add);
        return fields;
    }

    /**
     * Document {@code i} of a collection as the run writes it, regenerated on demand; each thread keeps
     * the last few thousand it made (zipf picks come back to the same documents).
     */
    private static java.util.function.LongFunction<Document> cached(DocumentGenerator generator, long seed) {
        ThreadLocal<Map<Long, Document>> cache = ThreadLocal.withInitial(HashMap::new);
        return i -> {
            Map<Long, Document> c = cache.get();
            Document d = c.get(i);
            if (d == null) {
                d = generator.generate(i, DocumentRandom.forDocument(seed, i));
                if (c.size() >= 4096) {
                    c.clear();
                }
                c.put(i, d);
            }
            return d;
        };
    }

    private static DocumentGenerator named(String name, TemplateGenerator template) {
        return new DocumentGenerator() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String description() {
                return "collection " + name + " of a template set";
            }

            @Override
            public Document generate(long index, RandomGenerator random) {
                return template.generate(index, random);
            }
        };
    }

    /** A collection whose documents belong to a parent document: document i is child k of parent p. */
    private static final class Child implements DocumentGenerator {
        private final String name;
        private final TemplateGenerator template;
        private final PerParent perParent;
        private final Related.Target parent;
        private final ThreadLocal<Document> currentParent;

        Child(String name, TemplateGenerator template, PerParent perParent, Related.Target parent, ThreadLocal<Document> currentParent) {
            this.name = name;
            this.template = template;
            this.perParent = perParent;
            this.parent = parent;
            this.currentParent = currentParent;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String description() {
            return "collection " + name + " of a template set, " + perParent.describe() + " per " + parent.name();
        }

        @Override
        public Document generate(long index, RandomGenerator random) {
            long p = perParent.parentOf(index);
            currentParent.set(parent.document().apply(p));
            try {
                return template.generate(index, random);
            } finally {
                currentParent.remove();
            }
        }
    }
}
