package io.dataworks.core.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import io.dataworks.core.config.ConfigLoader;
import io.dataworks.core.config.DataWorksConfig;
import io.dataworks.core.plugin.PluginLoader;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The options both CLIs share; use it as {@code @Mixin CommonOptions common;}. Filled in by picocli before the
 * command runs.
 */
public final class CommonOptions {

    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--report", paramLabel = "PATH", description = "Write the run report (JSON) to PATH; - for stdout. A summary goes to stderr either way.")
    private Path report;

    private Path metricsOut;

    @Option(names = "--plugins", paramLabel = "DIR",
            description = "Load plug-in jars (generators, migration strategies) from DIR.")
    private Path plugins;

    private Integer metricsPort;

    @Option(names = "--env-file", paramLabel = "PATH",
            description = "Read FRAMEWORK_* keys from PATH instead of ./.env_local.")
    private Path envFile;

    @Option(names = "--metrics-out", paramLabel = "PATH",
            description = "Write metric snapshots taken during the run to PATH (.json or .csv).")
    void metricsOut(Path value) {
        String name = value.getFileName() == null ? "" : value.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".json") && !name.endsWith(".csv")) {
            throw new ParameterException(spec.commandLine(),
                    "--metrics-out must name a .json or .csv file, was '" + value + "'");
        }
        this.metricsOut = value;
    }

    @Option(names = "--metrics-port", paramLabel = "N",
            description = "While the run lasts, serve on port N: the live page (/), the progress API (/api/v1/progress), "
                    + "Prometheus metrics (/metrics) and /health.")
    void metricsPort(int value) {
        if (value < 0 || value > 65_535) {
            throw new ParameterException(spec.commandLine(),
                    "--metrics-port must be a port number from 0 to 65535, was " + value);
        }
        this.metricsPort = value;
    }

    public Optional<Path> report() {
        return Optional.ofNullable(report);
    }

    public Optional<Path> metricsOut() {
        return Optional.ofNullable(metricsOut);
    }

    public Optional<Path> pluginsDir() {
        return Optional.ofNullable(plugins);
    }

    public Optional<Integer> metricsPort() {
        return Optional.ofNullable(metricsPort);
    }

    /** The file given with {@code --env-file}; empty means {@code ./.env_local} (read when present). */
    public Optional<Path> envFile() {
        return Optional.ofNullable(envFile);
    }

    /** Loads the configuration with {@code overrides} (the command's flags, by key) on top, honouring --env-file. */
    public DataWorksConfig loadConfig(Map<String, String> overrides) {
        return envFile == null ? ConfigLoader.load(overrides) : ConfigLoader.loadWithEnvFile(overrides, envFile);
    }

    /** A plug-in loader over the class path and the --plugins directory, if given. */
    public PluginLoader pluginLoader() {
        return PluginLoader.create(pluginsDir());
    }
}
