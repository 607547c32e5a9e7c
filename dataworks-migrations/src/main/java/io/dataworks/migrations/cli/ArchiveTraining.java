package io.dataworks.migrations.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import io.dataworks.core.cli.Cli;
import io.dataworks.core.config.EndpointConfig;
import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.core.mongo.MongoEndpoint;
import io.dataworks.generators.template.TemplateGenerator;

/**
 * Writes the class-data-sharing archive of flexible-migrate's jar ({@code flexible-migrate.jsa}, see the module's pom):
 * {@code java -cp flexible-migrate.jar io.dataworks.migrations.cli.ArchiveTraining --archive F}. Build tooling, not a
 * command.
 *
 * <p>Two JVMs of the same java, on the same class path: the training run records the classes a run loads
 * ({@code -XX:DumpLoadedClassList}), then {@code -Xshare:dump} writes them, with the JDK's own, into a static archive.
 * The training run fills an embedded source with 1,000 service orders and copies it the way a user's run does, through
 * the command line, configuration loading included, then verifies; {@code --demo} alone would skip the configuration
 * (SmallRye Config: about 300 classes a real run would then load from the jar).
 *
 * <p>Static, not the dynamic archive of {@code -XX:ArchiveClassesAtExit}: a dynamic archive leaves out classes of
 * Java 5 bytecode, and picocli's 170 classes are such, so every start parsed and verified them from the jar (the older,
 * slower verifier). A static archive holds them. One collection of 1,000 documents from {@code java -jar} to exit: 0.79 s
 * against 0.84 s, 1.15 CPU-seconds against 1.29 (bench/RESULTS.md).
 */
public final class ArchiveTraining {

    private ArchiveTraining() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length == 2 && args[0].equals("--archive")) {
            writeArchive(Path.of(args[1]));
        } else if (args.length == 0) {
            train();
        } else {
            System.err.println("usage: java -cp flexible-migrate.jar " + ArchiveTraining.class.getName() + " --archive FILE.jsa");
            System.exit(2);
        }
    }

    /** The training run in a JVM that records the classes it loads, then the dump of those classes into {@code archive}. */
    static void writeArchive(Path archive) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classPath = System.getProperty("java.class.path");
        Path classList = Files.createTempFile("flexible-migrate-classes", ".lst");
        try {
            run(java, "-XX:DumpLoadedClassList=" + classList, "-cp", classPath, ArchiveTraining.class.getName());
            Files.deleteIfExists(archive); // the JVM writes archives read-only
            // -Xlog:cds=off: the dump names every class it cannot keep (proxies made at run time, classes that fail
            // verification without their optional dependencies), which is expected and only noise in the build's log
            run(java, "-Xshare:dump", "-Xlog:cds=off", "-XX:SharedClassListFile=" + classList,
                    "-XX:SharedArchiveFile=" + archive, "-cp", classPath);
        } finally {
            Files.deleteIfExists(classList);
        }
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the JVM wrote no class-data-sharing archive at " + archive);
        }
        // which java made it, for bin/flexible-migrate: another JVM given this archive runs with no archive at all,
        // not even the JDK's own, so the launcher leaves it out there
        Files.writeString(archive.resolveSibling(archive.getFileName() + ".java"), Path.of(java).toRealPath() + "\n");
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).inheritIO().start();
        int code = process.waitFor();
        if (code != 0) {
            throw new IllegalStateException(String.join(" ", command) + " ended with exit code " + code);
        }
    }

    private static void train() throws IOException {
        Path work = Files.createTempDirectory("flexible-migrate-cds");
        int code;
        try (EmbeddedMongo sourceServer = EmbeddedMongo.start();
             EmbeddedMongo targetServer = EmbeddedMongo.start()) {
            try (MongoEndpoint source = MongoEndpoint.connect(EndpointConfig.of(sourceServer.uri(), Demo.SOURCE.database()))) {
                Demo.fill(source, TemplateGenerator.compile(Demo.templateText(), "service_order_template.json"), 1_000);
            }
            StringWriter out = new StringWriter();
            code = Cli.run(new FlexibleMigrate(), new PrintWriter(out, true), new PrintWriter(System.err, true),
                    "--source-uri", sourceServer.connectionString(), "--source-db", Demo.SOURCE.database(),
                    "--target-uri", targetServer.connectionString(), "--target-db", Demo.TARGET.database(),
                    "--checkpoint-dir", work.resolve("checkpoints").toString(), "--report", work.resolve("report.json").toString(),
                    "--no-progress", "--verify");
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        if (code != 0) {
            throw new IllegalStateException("the training run of the class-data-sharing archive ended with exit code " + code);
        }
    }
}
