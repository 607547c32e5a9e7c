package io.dataworks.generators.infer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.bson.Document;
import org.bson.types.Decimal128;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;

import io.dataworks.core.cli.Cli;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.generators.cli.FlexibleGenerator;
import reactor.core.publisher.Flux;

/**
 * Infer a template from a collection on a real (embedded) server, generate a copy from it, and compare
 * the field statistics of the two collections: presence, nulls, types, ranges, categories, formats.
 */
class InferenceIT {

    static final String ORIGINAL = """
            {"_id": "$objectid", "email": "$email", "ref": "$guid", "phone": "$phone",
             "status": {"$choose": {"from": ["OPEN", "PAID", "SHIPPED", "CANCELLED"], "weights": [4, 3, 2, 1]}},
             "age": {"$integer": {"min": 18, "max": 90}}, "score": {"$floating": {"min": 0, "max": 100, "fixed": 2}},
             "amount": {"$decimal": {"min": 1, "max": 500}}, "createdAt": {"$date": {"min": "2023-01-01", "max": "2024-06-30"}},
             "active": {"$boolean": {"likelihood": 30}}, "tags": {"$array": {"of": "$word", "min": 0, "max": 5}},
             "address": {"city": "$city", "zip": "$zip"},
             "nickname": {"$field": {"value": "$first", "missingRate": 0.3}},
             "note": {"$field": {"value": "$sentence", "nullRate": 0.2}},
             "mixed": {"$choose": {"from": [{"$integer": {"min": 1, "max": 9}}, "$word"], "weights": [1, 1]}},
             "items": {"$array": {"min": 1, "max": 3, "of": {"sku": {"$string": {"length": 8, "alpha": true}}, "qty": {"$integer": {"min": 1, "max": 5}}}}}}
            """;

    @TempDir
    Path dir;

    @Test
    void aCopyGeneratedFromTheInferredTemplateHasTheOriginalsFieldStatistics() throws Exception {
        try (EmbeddedMongo server = EmbeddedMongo.start();
             MongoClient client = MongoClients.create(server.connectionString())) {
            Path original = Files.writeString(dir.resolve("original.json"), ORIGINAL);
            Path inferred = dir.resolve("inferred.json");
            String uri = server.connectionString();
            assertThat(cli("--template", original.toString(), "--total", "3000", "--seed", "1",
                    "--target-uri", uri, "--target-db", "d", "--target-collection", "original")).isZero();
            assertThat(cli("--infer-from", uri, "--source-db", "d", "--source-collection", "original",
                    "--sample", "2000", "--output", inferred.toString())).isZero();
            assertThat(cli("--template", inferred.toString(), "--total", "3000", "--seed", "2",
                    "--target-uri", uri, "--target-db", "d", "--target-collection", "copy")).isZero();

            List<Document> a = Flux.from(client.getDatabase("d").getCollection("original").find()).collectList().block();
            List<Document> b = Flux.from(client.getDatabase("d").getCollection("copy").find()).collectList().block();
            Map<String, Stats> sa = stats(a);
            Map<String, Stats> sb = stats(b);
            assertThat(sb.keySet()).isEqualTo(sa.keySet());
            for (String path : sa.keySet()) {
                Stats x = sa.get(path);
                Stats y = sb.get(path);
                assertThat(y.types).as(path + " types").isEqualTo(x.types);
                assertThat(y.present / (double) y.parents).as(path + " presence").isCloseTo(x.present / (double) x.parents, within(0.05));
                assertThat(y.nulls / (double) y.parents).as(path + " nulls").isCloseTo(x.nulls / (double) x.parents, within(0.05));
                if (x.min != null && !path.equals("_id")) {
                    assertThat(y.min).as(path + " min").isGreaterThanOrEqualTo(x.min - 1e-9);
                    assertThat(y.max).as(path + " max").isLessThanOrEqualTo(x.max + 1e-9);
                    assertThat(y.max - y.min).as(path + " range").isGreaterThanOrEqualTo(0.8 * (x.max - x.min));
                }
            }
            // a category keeps its values and their shares
            Map<Object, Double> statusA = shares(a, "status");
            Map<Object, Double> statusB = shares(b, "status");
            assertThat(statusB.keySet()).isEqualTo(statusA.keySet());
            statusA.forEach((k, v) -> assertThat(statusB.get(k)).as("share of " + k).isCloseTo(v, within(0.05)));
            assertThat(shares(b, "active").get(true)).isCloseTo(shares(a, "active").get(true), within(0.05));
            // formats map to the right operators
            assertThat(b).allMatch(d -> d.getString("email").matches("[^@]+@[^@]+\\.[a-z]+"));
            assertThat(b).allMatch(d -> d.getString("ref").matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"));
            // no value of the sample is in the template, except the category's
            String template = Files.readString(inferred);
            for (Document d : a.subList(0, 200)) {
                for (String field : List.of("email", "ref", "phone")) {
                    assertThat(template).doesNotContain(d.getString(field));
                }
                assertThat(template).doesNotContain(d.get("address", Document.class).getString("city"));
            }
            assertThat(template).contains("\"OPEN\"");
        }
    }

    private static int cli(String... args) {
        return Cli.run(new FlexibleGenerator(), args);
    }

    static final class Stats {
        long parents;
        long present;
        long nulls;
        Set<String> types = new TreeSet<>();
        Double min;
        Double max;
    }

    private static Map<Object, Double> shares(List<Document> docs, String field) {
        Map<Object, Double> out = new HashMap<>();
        docs.forEach(d -> out.merge(d.get(field), 1.0 / docs.size(), Double::sum));
        return out;
    }

    /** Per dotted path: presence and null counts among the objects that could hold it, types, numeric range. */
    static Map<String, Stats> stats(List<Document> docs) {
        Map<String, Stats> out = new TreeMap<>();
        collect(new ArrayList<>(docs), "", out);
        return out;
    }

    private static void collect(List<Document> docs, String prefix, Map<String, Stats> out) {
        Set<String> keys = new TreeSet<>();
        docs.forEach(d -> keys.addAll(d.keySet()));
        for (String key : keys) {
            String path = prefix + key;
            Stats s = out.computeIfAbsent(path, k -> new Stats());
            List<Document> nested = new ArrayList<>();
            for (Document d : docs) {
                s.parents++;
                if (!d.containsKey(key)) {
                    continue;
                }
                s.present++;
                Object v = d.get(key);
                if (v == null) {
                    s.nulls++;
                    continue;
                }
                s.types.add(v.getClass().getSimpleName());
                Double n = null;
                if (v instanceof Decimal128 dec) {
                    n = dec.bigDecimalValue().doubleValue();
                } else if (v instanceof Number num) {
                    n = num.doubleValue();
                } else if (v instanceof Date date) {
                    n = (double) date.getTime();
                } else if (v instanceof List<?> list) {
                    n = (double) list.size();
                }
                if (n != null) {
                    s.min = s.min == null ? n : Math.min(s.min, n);
                    s.max = s.max == null ? n : Math.max(s.max, n);
                }
                if (v instanceof Document sub) {
                    nested.add(sub);
                }
                if (v instanceof List<?> list) {
                    for (Object e : list) {
                        if (e instanceof Document sub) {
                            nested.add(sub);
                        }
                    }
                }
            }
            if (!nested.isEmpty()) {
                collect(nested, path + ".", out);
            }
        }
    }
}
