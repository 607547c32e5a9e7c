package io.dataworks.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.dataworks.core.DataWorksException;
import io.dataworks.core.ExitCode;
import io.dataworks.core.config.ConfigKeys;
import io.dataworks.core.config.DataWorksConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import reactor.core.publisher.Mono;

class CliTest {

    private static final String URI = "mongodb://admin:hunter2@db:27017";

    @Command(name = "tool", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
            description = "A test command.")
    static final class Tool implements Callable<Integer> {

        @Mixin
        CommonOptions common;

        @Option(names = "--fail")
        String fail = "";

        @Option(names = "--write-workers")
        Integer writeWorkers;

        DataWorksConfig config;

        @Override
        public Integer call() {
            switch (fail) {
                case "config" -> config = common.loadConfig(Map.of(ConfigKeys.WRITE_WORKERS, "abc"));
                case "unreachable" -> throw new DataWorksException(ExitCode.FAILED, "cannot reach " + URI);
                case "mismatch" -> Mono.error(new DataWorksException(ExitCode.VERIFICATION_MISMATCH, "3 partitions differ"))
                        .block();
                case "wrapped" -> throw new IllegalStateException("pipeline failed",
                        new DataWorksException(ExitCode.USAGE, "bad template"));
                case "bug" -> throw new IllegalStateException("copy from " + URI + " failed",
                        new UncheckedIOException(new IOException("disk full writing " + URI)));
                case "exit" -> {
                    return 3;
                }
                default -> config = common.loadConfig(writeWorkers == null ? Map.of()
                        : Map.of(ConfigKeys.WRITE_WORKERS, String.valueOf(writeWorkers)));
            }
            return 0;
        }
    }

    private record Run(int code, String out, String err) {
    }

    private static Run run(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.run(command, new PrintWriter(out), new PrintWriter(err), args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void successAndTheCommandsOwnExitCode() {
        assertThat(run(new Tool()).code()).isZero();
        assertThat(run(new Tool(), "--fail", "exit").code()).isEqualTo(3);
    }

    @Test
    void configurationErrorsExitWith2AndNameTheFlag() {
        Run r = run(new Tool(), "--fail", "config");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("error: FRAMEWORK_WRITE_WORKERS must be a positive whole number, was 'abc'")
                .contains("--write-workers N");
    }

    @Test
    void dataWorksExceptionsKeepTheirCodeAndAreMasked() {
        Run r = run(new Tool(), "--fail", "unreachable");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("error: cannot reach mongodb://admin:****@db:27017" + System.lineSeparator());

        assertThat(run(new Tool(), "--fail", "mismatch").code()).as("through Reactor's block()").isEqualTo(3);
        Run wrapped = run(new Tool(), "--fail", "wrapped");
        assertThat(wrapped.code()).as("found in the cause chain").isEqualTo(2);
        assertThat(wrapped.err()).contains("error: bad template");
    }

    @Test
    void otherExceptionsExitWith1WithTheirCauseChainMasked() {
        Run r = run(new Tool(), "--fail", "bug");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("error: java.lang.IllegalStateException: copy from mongodb://admin:****@db:27017")
                .contains("caused by: java.io.UncheckedIOException")
                .contains("caused by: java.io.IOException: disk full writing mongodb://admin:****@db")
                .doesNotContain("hunter2");
    }

    @Test
    void commandLineErrorsExitWith2WithAUsageHint() {
        Run unknown = run(new Tool(), "--write-worker", "3");
        assertThat(unknown.code()).isEqualTo(2);
        assertThat(unknown.err()).contains("Unknown option").contains("--write-workers")
                .contains("Try 'tool --help' for usage.");

        Run badNumber = run(new Tool(), "--write-workers", "many");
        assertThat(badNumber.code()).isEqualTo(2);
        assertThat(badNumber.err()).contains("--write-workers").contains("many");

        Run port = run(new Tool(), "--metrics-port", "70000");
        assertThat(port.code()).isEqualTo(2);
        assertThat(port.err()).contains("--metrics-port must be a port number from 0 to 65535, was 70000");

        Run metrics = run(new Tool(), "--metrics-out", "m.txt");
        assertThat(metrics.code()).isEqualTo(2);
        assertThat(metrics.err()).contains("--metrics-out must name a .json or .csv file");

        Run secret = run(new Tool(), "--fail", "x", URI);
        assertThat(secret.code()).isEqualTo(2);
        assertThat(secret.err()).doesNotContain("hunter2");
    }

    @Test
    void helpAndVersion() {
        Run help = run(new Tool(), "--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("--report=PATH", "--metrics-out=PATH", "--plugins=DIR", "--metrics-port=N",
                "--env-file=PATH", "--version");

        Run version = run(new Tool(), "--version");
        assertThat(version.code()).isZero();
        assertThat(version.out()).startsWith("tool dev").contains("Java 17")
                .contains("MongoDB Java driver " + com.mongodb.internal.build.MongoDriverVersion.VERSION)
                .containsPattern("MongoDB Java driver [1-9]\\d*\\.\\d+\\.\\d+");
        assertThat(VersionProvider.driverVersion()).doesNotContain("SNAPSHOT");
        assertThat(VersionProvider.version()).isEqualTo("dev");
    }

    @Test
    void commonOptionsAreParsedAndEnvFileIsHonoured(@TempDir Path dir) throws IOException {
        Path env = dir.resolve("prod.env");
        Files.writeString(env, "FRAMEWORK_WRITE_WORKERS=9\nFRAMEWORK_PARALLEL_CURSORS=2\n");
        Tool tool = new Tool();

        Run r = run(tool, "--report", "r.json", "--metrics-out", "m.CSV", "--plugins", dir.toString(),
                "--metrics-port", "0", "--env-file", env.toString(), "--write-workers", "5");

        assertThat(r.code()).isZero();
        assertThat(tool.common.report()).contains(Path.of("r.json"));
        assertThat(tool.common.metricsOut()).contains(Path.of("m.CSV"));
        assertThat(tool.common.pluginsDir()).contains(dir);
        assertThat(tool.common.metricsPort()).contains(0);
        assertThat(tool.common.envFile()).contains(env);
        assertThat(tool.config.workers().writeWorkers()).as("the flag beats the env file").isEqualTo(5);
        assertThat(tool.config.workers().parallelCursors()).isEqualTo(2);
        try (var plugins = tool.common.pluginLoader()) {
            assertThat(plugins.jars()).isEmpty();
        }

        Tool missing = new Tool();
        Run noFile = run(missing, "--env-file", dir.resolve("nope.env").toString());
        assertThat(noFile.code()).isEqualTo(2);
        assertThat(noFile.err()).contains("--env-file").contains("nope.env");

        Tool plain = new Tool();
        assertThat(run(plain).code()).isZero();
        assertThat(plain.common.report()).isEmpty();
        assertThat(plain.common.metricsPort()).isEmpty();
        assertThat(plain.common.envFile()).isEmpty();
    }
}
