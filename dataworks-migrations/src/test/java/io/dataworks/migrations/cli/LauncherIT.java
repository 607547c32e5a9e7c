package io.dataworks.migrations.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dataworks.core.embedded.EmbeddedMongo;
import io.dataworks.migrations.testing.Fill;
import io.dataworks.monitoring.RunReport;

/**
 * bin/flexible-migrate, the launcher that runs the jar this module builds with the JVM options of README "Start
 * faster": it runs a copy with flexible-migrate's arguments and exit codes, adds the class-data-sharing archive, and
 * the light compiler and collector on a machine of two CPUs or fewer.
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of("..", "bin", "flexible-migrate").toAbsolutePath().normalize();
    private static final Path JAR = Path.of("target", "flexible-migrate.jar").toAbsolutePath();

    @TempDir
    Path dir;

    private record Result(int exitCode, String output) {
    }

    private Result launch(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.log").toFile());
        builder.environment().put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        builder.environment().put("FLEXIBLE_MIGRATE_JAR", JAR.toString());
        builder.environment().remove("JAVA_OPTS");
        builder.environment().putAll(env);
        Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the launcher ended").isTrue();
        return new Result(process.exitValue(), Files.readString(dir.resolve("out.log"), StandardCharsets.UTF_8));
    }

    private static int cpus() throws IOException, InterruptedException {
        Process nproc = new ProcessBuilder("nproc").redirectErrorStream(true).start();
        assertThat(nproc.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return Integer.parseInt(new String(nproc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim());
    }

    @Test
    void copiesWithTheArchiveAndOnASmallMachineTheLightCompilerAndCollector() throws Exception {
        assertThat(JAR).as("built by the package phase").exists();
        try (EmbeddedMongo source = EmbeddedMongo.start(); EmbeddedMongo target = EmbeddedMongo.start()) {
            Fill.orders(source.connectionString(), "shop", "orders", 0, 500);
            Files.writeString(dir.resolve("empty.env"), "");

            Path classes = dir.resolve("classes.log");
            Result run = launch(Map.of("JAVA_OPTS", "-XX:+PrintCommandLineFlags -Xlog:class+load=info:file=" + classes),
                    "--source-uri", source.connectionString(),
                    "--source-db", "shop", "--target-uri", target.connectionString(), "--checkpoint-dir", dir.resolve("cp").toString(),
                    "--env-file", dir.resolve("empty.env").toString(), "--no-progress", "--report", dir.resolve("report.json").toString());

            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(RunReport.fromJson(Files.readString(dir.resolve("report.json"))).documentsWritten()).isEqualTo(500);
            // logging starts on the preload thread, and nothing logs before it is up: SLF4J handed out no stand-in
            // logger (it would replay every event recorded meanwhile, with a warning of its own)
            assertThat(Files.readString(classes)).doesNotContain("org.slf4j.helpers.SubstituteLogger ");
            assertThat(run.output()).doesNotContain("SLF4J");
            String flags = run.output().lines().filter(l -> l.contains("-XX:")).findFirst().orElse("");
            if (Files.exists(Path.of("target", "flexible-migrate.jsa"))) {
                assertThat(flags).contains("-XX:SharedArchiveFile=" + Path.of("target", "flexible-migrate.jsa").toAbsolutePath());
            }
            if (cpus() <= 2) {
                assertThat(flags).contains("-XX:TieredStopAtLevel=1").contains("-XX:+UseSerialGC").contains("-XX:NewRatio=1")
                        .contains("-XX:SurvivorRatio=3");
            } else {
                assertThat(flags).doesNotContain("-XX:TieredStopAtLevel=1");
            }
        }
    }

    @Test
    void theFullCompilerOnRequestAndTheToolsOwnExitCodes() throws Exception {
        Result full = launch(Map.of("DATAWORKS_JIT", "full", "JAVA_OPTS", "-XX:+PrintCommandLineFlags"), "--version");
        assertThat(full.exitCode()).as(full.output()).isZero();
        assertThat(full.output()).contains("flexible-migrate").doesNotContain("-XX:TieredStopAtLevel=1");

        Result usage = launch(Map.of(), "--batch-size", "zero");
        assertThat(usage.exitCode()).as(usage.output()).isEqualTo(2);
        assertThat(usage.output()).contains("--batch-size");

        Result missing = launch(Map.of("FLEXIBLE_MIGRATE_JAR", dir.resolve("nowhere.jar").toString()), "--version");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.output()).contains("nowhere.jar not found").contains("mvn");
    }

    @Test
    void anArchiveMadeByAnotherJavaIsLeftOutAndSaidSo() throws Exception {
        Path archive = Path.of("target", "flexible-migrate.jsa").toAbsolutePath();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(archive), "the build made an archive");
        assertThat(Files.readString(Path.of(archive + ".java")).trim()).as("the build names the java that made it")
                .isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java").toRealPath().toString());
        // a "java" that only prints the arguments it was given
        Path other = dir.resolve("other-java");
        Files.writeString(other, "#!/bin/sh\necho \"ARGS $*\"\n");
        assertThat(other.toFile().setExecutable(true)).isTrue();

        Result result = launch(Map.of("JAVA", other.toString()), "--version");

        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("ARGS ").contains("-jar " + JAR).doesNotContain("SharedArchiveFile")
                .contains("was made by " + Path.of(System.getProperty("java.home"), "bin", "java").toRealPath())
                .contains("not by " + other.toRealPath());
    }
}
