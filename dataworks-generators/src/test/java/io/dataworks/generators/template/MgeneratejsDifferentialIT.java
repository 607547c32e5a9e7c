package io.dataworks.generators.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.MaxKey;
import org.bson.types.MinKey;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Runs mgeneratejs itself (installed from the npm registry into {@code target/mgeneratejs}, once per
 * build) and this generator over the same corpus of one-field templates, and compares the BSON types
 * and shapes (not the values) of what they make: every built-in operator and option of mgeneratejs's
 * README and {@code lib/operators}, operators as option values, and the chance.js names mgeneratejs
 * passes through. Skipped (with the reason) where Node.js or npm is missing or the install fails.
 *
 * <p>Agreement: every document we make has the shape of some document mgeneratejs makes, and most of
 * mgeneratejs's documents have the shape of one of ours. Numbers: mgeneratejs writes plain JavaScript
 * numbers, which mongoimport loads as Int32 when whole and small, Int64 when whole and large, else
 * Double; our Double matches a whole number (JavaScript prints 3.0 as 3). Templates mgeneratejs itself
 * fails on define nothing and are left out of the rate (we must still compile and run them).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MgeneratejsDifferentialIT {

    private static final int DOCS = 20;
    private static final Path DIR = Path.of("target", "mgeneratejs");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Where we do differently on purpose (the README says why): mgeneratejs writes a Timestamp as an
     * empty object and a Node.js Buffer as {"type": "Buffer", "data": [...]}; we write a real BSON
     * Timestamp and Binary.
     */
    private static final Map<String, String> KNOWN_DIFFERENCES = Map.of(
            "\"$timestamp\"", "mgeneratejs writes {\"$timestamp\": {}} (no t, no i)",
            "{\"$timestamp\":{\"t\":{\"$integer\":{\"min\":1,\"max\":9}},\"i\":1}}", "mgeneratejs writes {\"$timestamp\": {}} for random t too",
            "{\"$timestamp\":{\"t\":10,\"i\":20}}", "mgeneratejs writes {\"$timestamp\": {}} even for given t and i",
            "\"$buffer\"", "mgeneratejs writes a Node.js Buffer as {type, data}; we write BSON Binary");

    @Test
    void agreesWithMgeneratejsOnTypesAndShapes() throws Exception {
        Path corpusFile = corpus();
        List<JsonNode> corpus = new ArrayList<>();
        JSON.readTree(corpusFile.toFile()).forEach(corpus::add);
        Map<Integer, JsonNode> theirs = runMgeneratejs(corpusFile);

        int compared = 0;
        int agreed = 0;
        List<String> disagreements = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        List<String> theyFail = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            String template = corpus.get(i).get("v").toString();
            List<Document> ours;
            try {
                ours = ours(corpus.get(i).toString());
            } catch (RuntimeException e) {
                unexpected.add(template + ": we fail: " + e.getMessage());
                continue;
            }
            JsonNode result = theirs.get(i);
            assertThat(result).as("mgeneratejs output for %s", template).isNotNull();
            if (result.has("error")) {
                theyFail.add(template + " (" + result.get("error").asText() + ")");
                continue;
            }
            compared++;
            List<JsonNode> their = new ArrayList<>();
            result.get("docs").forEach(their::add);
            String why = compare(ours, their);
            if (why == null) {
                agreed++;
            } else if (KNOWN_DIFFERENCES.containsKey(template)) {
                disagreements.add(template + ": " + KNOWN_DIFFERENCES.get(template));
            } else {
                unexpected.add(template + ": " + why);
            }
        }
        double rate = 100.0 * agreed / compared;
        System.out.printf("MGENERATEJS-DIFF %d templates, %d compared, %d agree (%.1f %%); known differences %d; "
                + "mgeneratejs fails on %d: %s%n", corpus.size(), compared, agreed, rate, disagreements.size(), theyFail.size(), theyFail);
        unexpected.forEach(u -> System.out.println("MGENERATEJS-DIFF unexpected: " + u));
        assertThat(unexpected).as("templates whose types or shapes differ from mgeneratejs's").isEmpty();
        assertThat(rate).as("share of the corpus that agrees with mgeneratejs").isGreaterThanOrEqualTo(97.0);
        assertThat(compared).isGreaterThan(250);
    }

    private static Path corpus() throws IOException {
        Files.createDirectories(DIR);
        Path file = DIR.resolve("corpus.json");
        try (InputStream in = Objects.requireNonNull(MgeneratejsDifferentialIT.class.getResourceAsStream("/mgeneratejs/corpus.json"))) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    private static List<Document> ours(String template) {
        TemplateGenerator g = TemplateGenerator.compile(template, "corpus.json");
        List<Document> out = new ArrayList<>(DOCS);
        for (int i = 0; i < DOCS; i++) {
            out.add(g.generate(i, Templates.random(11, i)));
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------- mgeneratejs

    private static Map<Integer, JsonNode> runMgeneratejs(Path corpusFile) throws Exception {
        assumeTrue(runs("node", "--version"), "Node.js (node) is not on the PATH: the mgeneratejs comparison is skipped");
        Path installed = DIR.resolve("node_modules").resolve("mgeneratejs").resolve("package.json");
        if (!Files.exists(installed)) {
            assumeTrue(runs("npm", "--version"), "npm is not on the PATH: the mgeneratejs comparison is skipped");
            Process npm = new ProcessBuilder("npm", "install", "--prefix", DIR.toString(), "--no-audit", "--no-fund",
                    "--loglevel=error", "mgeneratejs@latest")
                    .redirectErrorStream(true).redirectOutput(DIR.resolve("npm-install.log").toFile()).start();
            boolean done = npm.waitFor(3, TimeUnit.MINUTES);
            if (!done) {
                npm.destroyForcibly();
            }
            assumeTrue(done && npm.exitValue() == 0 && Files.exists(installed),
                    "npm install mgeneratejs failed (offline?); see " + DIR.resolve("npm-install.log") + ": the comparison is skipped");
        }
        Path script = DIR.resolve("run-corpus.js");
        try (InputStream in = Objects.requireNonNull(MgeneratejsDifferentialIT.class.getResourceAsStream("/mgeneratejs/run-corpus.js"))) {
            Files.write(script, in.readAllBytes());
        }
        Path out = DIR.resolve("mgeneratejs-output.jsonl");
        Process node = new ProcessBuilder("node", script.toString(), DIR.toString(), corpusFile.toString(), Integer.toString(DOCS))
                .redirectOutput(out.toFile()).redirectError(DIR.resolve("node.err").toFile()).start();
        assertThat(node.waitFor(2, TimeUnit.MINUTES)).as("mgeneratejs finished the corpus in 2 minutes").isTrue();
        assertThat(node.exitValue()).as("node exit code; see " + DIR.resolve("node.err")).isZero();
        Map<Integer, JsonNode> results = new LinkedHashMap<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode r = JSON.readTree(line);
                results.put(r.get("i").asInt(), r);
            }
        }
        return results;
    }

    private static boolean runs(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------- shapes

    /** Null when the two samples agree, else what differs. */
    static String compare(List<Document> ours, List<JsonNode> theirs) {
        for (Document d : ours) {
            if (theirs.stream().noneMatch(t -> compatible(d, t))) {
                return "ours " + d.toJson() + " has no counterpart in mgeneratejs's, e.g. " + theirs.get(0);
            }
        }
        long matched = theirs.stream().filter(t -> ours.stream().anyMatch(d -> compatible(d, t))).count();
        if (matched * 2 < theirs.size()) {
            return "only " + matched + " of mgeneratejs's " + theirs.size() + " documents match ours, e.g. " + theirs.get(0)
                    + " vs ours " + ours.get(0).toJson();
        }
        return null;
    }

    /** Same BSON type (and, for documents and arrays, the same shape) as mongoimport would load {@code theirs}. */
    static boolean compatible(Object ours, JsonNode theirs) {
        String type = theirType(theirs);
        switch (type) {
            case "document": {
                if (!(ours instanceof Document d) || d.size() != theirs.size()) {
                    return false;
                }
                Iterator<Map.Entry<String, JsonNode>> fields = theirs.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> f = fields.next();
                    if (!d.containsKey(f.getKey()) || !compatible(d.get(f.getKey()), f.getValue())) {
                        return false;
                    }
                }
                return true;
            }
            case "array": {
                if (!(ours instanceof List<?> list)) {
                    return false;
                }
                for (Object e : list) {
                    if (theirs.size() > 0 && !anyCompatible(e, theirs)) {
                        return false;
                    }
                }
                return true;
            }
            case "int":
                return ours instanceof Integer || ours instanceof Double;
            case "long":
                return ours instanceof Long || ours instanceof Double;
            default:
                return type.equals(ourType(ours));
        }
    }

    private static boolean anyCompatible(Object e, JsonNode theirs) {
        for (JsonNode t : theirs) {
            if (compatible(e, t)) {
                return true;
            }
        }
        return false;
    }

    static String theirType(JsonNode v) {
        if (v.isNull()) {
            return "null";
        }
        if (v.isTextual()) {
            return "string";
        }
        if (v.isBoolean()) {
            return "boolean";
        }
        if (v.isArray()) {
            return "array";
        }
        if (v.isNumber()) {
            if (v.isIntegralNumber() || (v.isDouble() && v.asDouble() == Math.rint(v.asDouble()) && Math.abs(v.asDouble()) < 9.3e18)) {
                BigInteger b = v.isIntegralNumber() ? v.bigIntegerValue() : BigInteger.valueOf((long) v.asDouble());
                return b.bitLength() < 32 ? "int" : "long";
            }
            return "double";
        }
        if (v.size() >= 1) {
            String key = v.fieldNames().next();
            switch (key) {
                case "$oid": return "objectId";
                case "$date": return "date";
                case "$numberLong": return "long64";
                case "$numberDecimal": return "decimal";
                case "$binary": return "binary";
                case "$regex": return "regex";
                case "$minKey": return "minKey";
                case "$maxKey": return "maxKey";
                case "$timestamp":
                    return v.get(key).has("t") ? "timestamp" : "timestamp without t and i";
                default:
                    break;
            }
        }
        return "document";
    }

    static String ourType(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Boolean) {
            return "boolean";
        }
        if (v instanceof Long) {
            return "long64";
        }
        if (v instanceof Double) {
            return "double";
        }
        if (v instanceof Decimal128) {
            return "decimal";
        }
        if (v instanceof Date) {
            return "date";
        }
        if (v instanceof ObjectId) {
            return "objectId";
        }
        if (v instanceof Binary) {
            return "binary";
        }
        if (v instanceof BsonRegularExpression) {
            return "regex";
        }
        if (v instanceof BsonTimestamp) {
            return "timestamp";
        }
        if (v instanceof MinKey) {
            return "minKey";
        }
        if (v instanceof MaxKey) {
            return "maxKey";
        }
        return v.getClass().getSimpleName();
    }
}
