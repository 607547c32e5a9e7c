package io.dataworks.generators.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

import org.bson.Document;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.dataworks.core.cli.Cli;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.generators.DocumentGenerator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The flexible-generator command line, run in-process: exit codes, messages, outputs, plug-ins, report. */
class FlexibleGeneratorIT {

    static final String TEMPLATE = """
            {"_id": "$objectid", "n": {"$integer": {"min": 1, "max": 100}}, "name": "$name",
             "at": {"$date": {"min": "2020-01-01", "max": "2024-01-01"}}, "tags": {"$array": {"of": "$word", "number": 3}}}
            """;

    @TempDir
    Path dir;

    record Run(int exitCode, String stdout, String stderr) {
    }

    @Test
    void withNowhereToWriteItExitsTwoAndSaysHowToGiveATarget() throws Exception {
        Run run = run("--template", template().toString(), "--total", "10");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--output").contains("--target-uri");
    }

    @Test
    void aMalformedTemplateExitsTwoNamingTheJsonPath() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"lines\": {\"of\": {\"price\": {\"$flot\": {}}}}}");
        Path out = dir.resolve("never.jsonl");
        Run run = run("--template", bad.toString(), "--total", "10", "--output", out.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("bad.json").contains("$.lines.of.price").contains("$flot");
        assertThat(out).doesNotExist();
    }

    @Test
    void nothingToGenerateExitsTwo() throws Exception {
        Run run = run("--total", "10", "--output", dir.resolve("x.jsonl").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("--template").contains("--generator");
    }

    @Test
    void writesAFileAndAReportWithTheSeed() throws Exception {
        Path out = dir.resolve("out.jsonl");
        Path report = dir.resolve("report.json");
        Path metrics = dir.resolve("metrics.csv");
        Run run = run("--template", template().toString(), "--total", "500", "--output", out.toString(),
                "--report", report.toString(), "--metrics-out", metrics.toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(Files.readAllLines(out)).hasSize(500);
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.path("tool").asText()).isEqualTo("flexible-generator");
        assertThat(json.path("status").asText()).isEqualTo("completed");
        assertThat(json.path("documentsWritten").asLong()).isEqualTo(500);
        assertThat(json.path("seed").isIntegralNumber()).isTrue();
        assertThat(run.stdout()).isEmpty(); // the JSON goes only where --report says
        assertThat(run.stderr()).contains("flexible-generator completed in ")
                .contains("500 documents written").contains("seed " + json.path("seed").asLong())
                .contains("report: " + report);
        assertThat(metrics).isNotEmptyFile();

        // --report - : the JSON report on stdout, for scripts
        Run toStdout = run("--template", template().toString(), "--total", "50", "--output", dir.resolve("o.jsonl").toString(),
                "--report", "-", "--seed", "9");
        assertThat(toStdout.exitCode()).as(toStdout.stderr()).isZero();
        assertThat(new ObjectMapper().readTree(printedReport(toStdout.stdout())).path("seed").asLong()).isEqualTo(9);
        assertThat(toStdout.stderr()).contains("report: stdout");
        Run both = run("--template", template().toString(), "--total", "5", "--output", "-", "--report", "-");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.stderr()).contains("--report - and --output - both write to stdout");

        // the printed seed repeats the run exactly, whatever the workers and batch size
        Path again = dir.resolve("again.jsonl");
        Run repeat = run("--template", template().toString(), "--total", "500", "--output", again.toString(),
                "--seed", json.path("seed").asText(), "--workers", "3", "--batch-size", "7");
        assertThat(repeat.exitCode()).as(repeat.stderr()).isZero();
        assertThat(sha256(again)).isEqualTo(sha256(out));
    }

    @Test
    void writesIntoMongoDb() throws Exception {
        try (EmbeddedMongo server = EmbeddedMongo.start();
             MongoClient client = MongoClients.create(server.connectionString())) {
            String[] args = {"--template", template().toString(), "--total", "2000", "--seed", "5",
                "--target-uri", server.connectionString(), "--target-db", "cli", "--target-collection", "docs",
                "--workers", "2", "--write-workers", "3", "--batch-size", "100"};
            assertThat(run(args).exitCode()).isZero();
            assertThat(run(append(args, "--drop")).exitCode()).isZero();

            MongoCollection<RawBsonDocument> docs = client.getDatabase("cli").getCollection("docs", RawBsonDocument.class);
            assertThat(Mono.from(docs.countDocuments()).block()).isEqualTo(2000);
            assertThat(Flux.from(docs.distinct("_id", org.bson.BsonValue.class)).count().block()).isEqualTo(2000);
        }
    }

    @Test
    void neverShowsThePassword() throws Exception {
        try (EmbeddedMongo server = EmbeddedMongo.start()) {
            String uri = "mongodb://alice:s3cr3tPass@127.0.0.1:" + server.port() + "/?serverSelectionTimeoutMS=2000&connectTimeoutMS=2000";
            Run run = run("--template", template().toString(), "--total", "10", "--target-uri", uri,
                    "--target-db", "cli", "--target-collection", "docs");
            assertThat(run.exitCode()).isEqualTo(1); // the embedded server does not authenticate
            assertThat(run.stderr() + run.stdout()).doesNotContain("s3cr3tPass");
        }
    }

    @Test
    void findsAndUsesAGeneratorJarFromPlugins() throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        buildPluginJar(plugins.resolve("tiny-generator.jar"));
        Path out = dir.resolve("tiny.jsonl");

        Run list = run("--plugins", plugins.toString(), "--list-generators");
        assertThat(list.stdout()).contains("tiny");
        Run run = run("--plugins", plugins.toString(), "--generator", "tiny", "--total", "20", "--output", out.toString());

        assertThat(run.exitCode()).as(run.stderr()).isZero();
        List<String> lines = Files.readAllLines(out);
        assertThat(lines).hasSize(20);
        assertThat(Document.parse(lines.get(7)).getString("made")).isEqualTo("by tiny #7");
    }

    @Test
    void anUnknownGeneratorExitsTwo() throws Exception {
        Run run = run("--generator", "no-such-thing", "--total", "1", "--output", dir.resolve("x.jsonl").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("no-such-thing");
    }

    @Test
    void helpAndVersionExitZero() throws Exception {
        Run help = run("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.stdout()).contains("--template").contains("--output").contains("--drop");
        assertThat(run("--version").exitCode()).isZero();
        assertThat(run("--total", "lots").exitCode()).isEqualTo(2);
    }

    @Test
    void badOutputPathsExitTwoBeforeAnythingIsGenerated() throws Exception {
        Path out = dir.resolve("out.jsonl");
        Path aFile = Files.writeString(dir.resolve("a-file"), "x");
        String[][] bad = {
            {"--report", dir.toString(), "is a directory"},
            {"--report", aFile.resolve("report.json").toString(), "is a file, not a directory"},
            {"--metrics-out", aFile.resolve("sub/metrics.csv").toString(), "is a file, not a directory"},
            {"--report", out.toString(), "--report and --output both name"},
        };
        for (String[] b : bad) {
            Run run = run("--template", template().toString(), "--total", "200000", "--output", out.toString(), b[0], b[1]);
            assertThat(run.exitCode()).as(String.join(" ", b) + "\n" + run.stderr()).isEqualTo(2);
            assertThat(run.stderr()).contains(b[0]).contains(b[2]);
            assertThat(run.stdout()).doesNotContain("completed");
            assertThat(out).doesNotExist();
        }
        Run proc = run("--template", template().toString(), "--total", "10", "--output", "/proc/version");
        assertThat(proc.exitCode()).isEqualTo(2);
        assertThat(proc.stderr()).contains("--output /proc/version is on the proc pseudo file system");
        assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("a-file", "template.json");
    }

    @Test
    void aBadAlertValueExitsTwoNamingTheKeyAndTheFile() throws Exception {
        Path env = Files.writeString(dir.resolve("alerts.env"), "FRAMEWORK_ALERT_P99_LATENCY_MS=fast\n");
        Path out = dir.resolve("out.jsonl");
        Run run = run("--template", template().toString(), "--total", "10", "--output", out.toString(), "--env-file", env.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("FRAMEWORK_ALERT_P99_LATENCY_MS").contains("'fast' is not a number")
                .contains("alerts.env").doesNotContain("NumberFormatException");
        assertThat(out).doesNotExist();
    }

    @Test
    void aTemplateSetWritesItsCollectionsInDependencyOrderToFilesAndToMongoDb() throws Exception {
        Path set = Files.copy(Path.of("..", "templates", "shop_set_template.json"), dir.resolve("shop.json"));
        Path outDir = dir.resolve("shop");
        Path report = dir.resolve("report.json");
        Run run = run("--template", set.toString(), "--output", outDir.toString(), "--seed", "7", "--report", report.toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertThat(json.path("status").asText()).isEqualTo("completed");
        assertThat(json.path("seed").asLong()).isEqualTo(7);
        List<String> names = new java.util.ArrayList<>();
        long sum = 0;
        for (JsonNode ns : json.path("namespaces")) {
            names.add(ns.path("source").asText());
            assertThat(Files.readAllLines(outDir.resolve(ns.path("source").asText() + ".jsonl"))).hasSize(ns.path("documentsWritten").asInt());
            sum += ns.path("documentsWritten").asLong();
        }
        assertThat(names).containsExactly("customers", "products", "orders");
        assertThat(json.path("documentsWritten").asLong()).isEqualTo(sum);
        java.util.Set<Object> customerIds = new java.util.HashSet<>();
        Files.readAllLines(outDir.resolve("customers.jsonl")).forEach(l -> customerIds.add(Document.parse(l).get("_id")));
        assertThat(customerIds).hasSize(1000);
        List<String> orders = Files.readAllLines(outDir.resolve("orders.jsonl"));
        assertThat(orders).isNotEmpty().allMatch(l -> customerIds.contains(Document.parse(l).get("customerId")));

        try (EmbeddedMongo server = EmbeddedMongo.start();
             MongoClient client = MongoClients.create(server.connectionString())) {
            Run mongo = run("--template", set.toString(), "--seed", "7", "--target-uri", server.connectionString(), "--target-db", "shop");
            assertThat(mongo.exitCode()).as(mongo.stderr()).isZero();
            for (String name : names) {
                long expected = Files.readAllLines(outDir.resolve(name + ".jsonl")).size();
                assertThat(Mono.from(client.getDatabase("shop").getCollection(name).countDocuments()).block()).as(name).isEqualTo(expected);
            }
            Run withCollection = run("--template", set.toString(), "--target-uri", server.connectionString(), "--target-db", "shop",
                    "--target-collection", "x");
            assertThat(withCollection.exitCode()).isEqualTo(2);
            assertThat(withCollection.stderr()).contains("a template set names its own collections");
        }
    }

    @Test
    void aMissingTemplateSaysNoSuchFile() throws Exception {
        Run run = run("--template", dir.resolve("nope.json").toString(), "--total", "1", "--output", dir.resolve("x.jsonl").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.stderr()).contains("nope.json: no such file");
    }

    @Test
    void secretsInTheConnectionStringNeverAppear() throws Exception {
        try (EmbeddedMongo server = EmbeddedMongo.start()) {
            Path report = dir.resolve("report.json");
            String uri = "mongodb://alice:p%40ss%3Aw%25rd@127.0.0.1:" + server.port() + "/?authMechanism=MONGODB-AWS"
                    + "&authMechanismProperties=AWS_SESSION_TOKEN:secrettoken123"
                    + "&tlsCertificateKeyFilePassword=keypass456&serverSelectionTimeoutMS=2000&connectTimeoutMS=2000";
            Run run = run("--template", template().toString(), "--total", "10", "--target-uri", uri,
                    "--target-db", "cli", "--target-collection", "docs", "--report", report.toString());
            assertThat(run.exitCode()).isEqualTo(1); // the embedded server does not authenticate
            String everything = run.stdout() + run.stderr() + (Files.exists(report) ? Files.readString(report) : "");
            assertThat(everything).contains("127.0.0.1")
                    .doesNotContain("secrettoken123").doesNotContain("keypass456")
                    .doesNotContain("p%40ss%3Aw%25rd").doesNotContain("p@ss:w%rd").doesNotContain("w%25rd");
        }
    }

    @Test
    void sigtermOnAFileRunReportsTheLinesActuallyWritten() throws Exception {
        Path out = dir.resolve("big.jsonl");
        Path report = dir.resolve("report.json");
        Process p = child("--template", template().toString(), "--total", Long.toString(Long.MAX_VALUE), "--seed", "3",
                "--output", out.toString(), "--report", report.toString(), "--batch-size", "100");
        waitUntil(() -> Files.exists(out) && Files.size(out) > 2_000_000, p);
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String stderr = Files.readString(dir.resolve("child.err"));

        JsonNode json = new ObjectMapper().readTree(report.toFile());
        List<String> lines = Files.readAllLines(out);
        assertThat(json.path("status").asText()).isEqualTo("interrupted");
        assertThat(json.path("documentsWritten").asLong()).as(stderr).isEqualTo(lines.size()).isPositive();
        assertThat(json.toString()).contains(Long.toString(Long.MAX_VALUE));
        assertThat(Document.parse(lines.get(lines.size() - 1))).containsKey("_id");
        assertThat(stderr).doesNotContain("Exception");
    }

    @Test
    void sigintIntoMongoDbReportsTheDocumentsOnTheServer() throws Exception {
        try (EmbeddedMongo server = EmbeddedMongo.start();
             MongoClient client = MongoClients.create(server.connectionString())) {
            Path report = dir.resolve("report.json");
            Process p = child("--template", template().toString(), "--total", "100000000", "--seed", "4",
                    "--target-uri", server.connectionString(), "--target-db", "cli", "--target-collection", "docs",
                    "--write-workers", "4", "--batch-size", "500", "--report", report.toString());
            MongoCollection<RawBsonDocument> docs = client.getDatabase("cli").getCollection("docs", RawBsonDocument.class);
            waitUntil(() -> Mono.from(docs.estimatedDocumentCount()).block() > 5000, p);
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            // the hook gives the batches in flight 20 s and the report 10 s; a starved machine gets room beyond that
            boolean exited = p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS);
            if (!exited) {
                // what the child was doing: its threads, then its stderr, in the failure message
                new ProcessBuilder("jcmd", Long.toString(p.pid()), "Thread.print").redirectErrorStream(true)
                        .redirectOutput(dir.resolve("child.threads").toFile()).start().waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
                p.destroyForcibly();
            }
            assertThat(exited).as("exited after SIGINT; stderr:%n%s%nthreads:%n%s", Files.readString(dir.resolve("child.err")),
                    Files.exists(dir.resolve("child.threads")) ? Files.readString(dir.resolve("child.threads")) : "").isTrue();
            String stderr = Files.readString(dir.resolve("child.err"));

            JsonNode json = new ObjectMapper().readTree(report.toFile());
            assertThat(json.path("status").asText()).isEqualTo("interrupted");
            assertThat(json.path("documentsWritten").asLong()).as(stderr).isEqualTo(Mono.from(docs.countDocuments()).block());
        }
    }

    /**
     * The CLI in a JVM of its own (signals end the whole process), stdout discarded, stderr kept. A build started in
     * the background of a non-interactive shell inherits SIGINT as ignored (POSIX: asynchronous lists ignore SIGINT
     * and SIGQUIT), and a JVM started so never installs its handler, so the child would not hear Ctrl-C at all: it is
     * started with SIGINT back at its default where {@code env --default-signal} can do that (GNU coreutils 8.31+).
     */
    private Process child(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>();
        if (DEFAULT_SIGINT) {
            command.addAll(List.of("env", "--default-signal=INT"));
        }
        command.addAll(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), FlexibleGenerator.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(dir.resolve("child.err").toFile()).start();
    }

    private static final boolean DEFAULT_SIGINT = canDefaultSigint();

    private static boolean canDefaultSigint() {
        try {
            Process probe = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return probe.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private void waitUntil(Check check, Process p) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
        while (!check.holds()) {
            if (!p.isAlive()) {
                throw new AssertionError("the run ended early: " + Files.readString(dir.resolve("child.err")));
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new AssertionError("timed out; stderr: " + Files.readString(dir.resolve("child.err")));
            }
            Thread.sleep(100);
        }
    }

    /** The report JSON printed at the end (stdout may also hold log lines before it). */
    private static String printedReport(String stdout) {
        int start = stdout.startsWith("{") ? 0 : stdout.lastIndexOf("\n{") + 1;
        return stdout.substring(start);
    }

    private Path template() throws Exception {
        Path file = dir.resolve("template.json");
        if (!Files.exists(file)) {
            Files.writeString(file, TEMPLATE);
        }
        return file;
    }

    /** Compiles a one-class generator and packs it with its service file, as a user would. */
    private void buildPluginJar(Path jar) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/example"));
        Files.writeString(src.resolve("TinyGenerator.java"), """
                package example;
                public final class TinyGenerator implements io.dataworks.generators.DocumentGenerator {
                    public String name() { return "tiny"; }
                    public org.bson.Document generate(long index, java.util.random.RandomGenerator random) {
                        return new org.bson.Document("made", "by tiny #" + index).append("r", random.nextInt(10));
                    }
                }
                """);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = location(DocumentGenerator.class) + java.io.File.pathSeparator + location(Document.class);
        int rc = javac.run(null, null, null, "-d", classes.toString(), "-cp", classpath,
                src.resolve("TinyGenerator.java").toString());
        assertThat(rc).isZero();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("example/TinyGenerator.class"));
            out.write(Files.readAllBytes(classes.resolve("example/TinyGenerator.class")));
            out.putNextEntry(new JarEntry("META-INF/services/io.dataworks.generators.DocumentGenerator"));
            out.write("example.TinyGenerator\n".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    private static String[] append(String[] args, String... more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
        System.arraycopy(more, 0, all, args.length, more.length);
        return all;
    }

    /** Runs the CLI as main would, capturing what it prints (logs included). */
    static synchronized Run run(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(tee(out, null), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(tee(err, stderr), true, StandardCharsets.UTF_8));
        try {
            int code = Cli.run(new FlexibleGenerator(), args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    private static OutputStream tee(OutputStream a, OutputStream b) {
        return new OutputStream() {
            @Override
            public void write(int c) throws java.io.IOException {
                a.write(c);
            }

            @Override
            public void write(byte[] bytes, int off, int len) throws java.io.IOException {
                a.write(bytes, off, len);
                if (b != null) {
                    b.write(bytes, off, len);
                }
            }
        };
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
