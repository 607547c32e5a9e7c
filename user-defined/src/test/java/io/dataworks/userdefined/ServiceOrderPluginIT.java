package io.dataworks.userdefined;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strategy as users load it: the shaded flexible-migrate jar plus this module's jar, either through
 * {@code --plugins DIR} or on the class path. Runs after both jars are packaged (failsafe).
 */
class ServiceOrderPluginIT {

    private static final Path CLI_JAR = Path.of("..", "dataworks-migrations", "target", "flexible-migrate.jar");
    private static final Path PLUGIN_JAR = Path.of("target", "user-defined.jar");

    @TempDir
    Path dir;

    private String run(String... args) throws Exception {
        assumeTrue(Files.exists(CLI_JAR) && Files.exists(PLUGIN_JAR), "needs " + CLI_JAR + " and " + PLUGIN_JAR + " (mvn package)");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m"));
        command.addAll(List.of(args));
        Path log = dir.resolve("out.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(log);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    @Test
    void loadsFromAPluginsDirectory() throws Exception {
        String output = run("-jar", CLI_JAR.toString(), "--demo", "--total", "300", "--no-progress", "--plugins", "target", "--report", "-");
        assertThat(output).contains("\"strategy\" : \"service-order\"").contains("\"status\" : \"match\"");
    }

    @Test
    void loadsFromTheClassPath() throws Exception {
        String output = run("-cp", CLI_JAR + File.pathSeparator + PLUGIN_JAR, "io.dataworks.migrations.cli.FlexibleMigrate",
                "--demo", "--total", "300", "--no-progress", "--report", "-");
        assertThat(output).contains("\"strategy\" : \"service-order\"").contains("\"status\" : \"match\"");
    }
}
