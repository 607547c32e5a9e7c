package io.dataworks.generators.template;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import org.bson.Document;

/** Test helpers: compile inline templates and draw documents the way an engine would, from (seed, index). */
final class Templates {

    private Templates() {
    }

    /** The repository's templates/ directory (tests run with the module as working directory). */
    static Path dir() {
        Path p = Path.of("..", "templates");
        if (!Files.isDirectory(p)) {
            p = Path.of("templates");
        }
        return p;
    }

    static TemplateGenerator compile(String json) {
        return TemplateGenerator.compile(json.replace('\'', '"'), "test.json");
    }

    /** A random source that is a pure function of (seed, index), as the engine provides. */
    static RandomGenerator random(long seed, long index) {
        return new SplittableRandom(mix(seed * 0x9E3779B97F4A7C15L + index));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    static Document one(String json) {
        return compile(json).generate(0, random(1, 0));
    }

    static List<Document> many(String json, int n) {
        TemplateGenerator g = compile(json);
        List<Document> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(g.generate(i, random(7, i)));
        }
        return out;
    }

    static List<Object> values(String json, int n) {
        List<Object> out = new ArrayList<>(n);
        for (Document d : many(json, n)) {
            out.add(d.get("v"));
        }
        return out;
    }
}
