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
 * The training run of the build's class-data-sharing archive ({@code flexible-migrate.jsa}, see the module's pom): the
 * classes a run loads are the ones recorded. It fills an embedded source with 1,000 service orders and copies it the
 * way a user's run does, through the command line, configuration loading included, then verifies; {@code --demo}
 * alone skips the configuration (SmallRye Config: about 300 classes a real run then loaded from the jar). Build tooling,
 * not a command: {@code java -XX:ArchiveClassesAtExit=F -cp flexible-migrate.jar io.dataworks.migrations.cli.ArchiveTraining}.
 */
public final class ArchiveTraining {

    private ArchiveTraining() {
    }

    public static void main(String[] args) throws IOException {
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
